import { parseInboundEvent } from '../../functions/inbound/events';

const config = { mailBucket: 'mail', rawMailPrefix: 'inbound/' };
const s3Record = (key: string, eventName = 'ObjectCreated:Put') => ({ eventSource: 'aws:s3', eventName, eventTime: '2026-11-02T10:00:00.000Z', s3: { bucket: { name: 'mail' }, object: { key } } });

describe('parseInboundEvent', () => {
  it('reads an SES receipt: the object SES stored, the envelope recipients and the verdicts', () => {
    const parsed = parseInboundEvent(
      { Records: [{ eventSource: 'aws:ses', ses: { mail: { messageId: 'abc123', timestamp: '2026-11-02T10:00:00.000Z' }, receipt: { recipients: ['support@acme.inbox.example.com'], spamVerdict: { status: 'PASS' }, spfVerdict: { status: 'FAIL' }, dkimVerdict: { status: 'PASS' }, action: { type: 'Lambda' } } } }] },
      config,
    );
    expect(parsed.deliveries).toEqual([
      {
        envelope: {
          raw: { bucket: 'mail', key: 'inbound/abc123' },
          recipients: ['support@acme.inbox.example.com'],
          verdicts: expect.objectContaining({ spam: 'PASS', spf: 'FAIL', dkim: 'PASS', source: 'ses-event' }),
          receivedAt: '2026-11-02T10:00:00.000Z',
        },
      },
    ]);
  });

  it('skips the SES setup notification and objects outside the raw prefix, decoding S3 keys', () => {
    const parsed = parseInboundEvent({ Records: [s3Record('inbound/AMAZON_SES_SETUP_NOTIFICATION'), s3Record('attachments/x/0/a.pdf'), s3Record('inbound/with+space%2B.eml')] }, config);
    expect(parsed.skipped.map((skip) => skip.why)).toEqual(['SES setup notification', 'key attachments/x/0/a.pdf is not under inbound/']);
    expect(parsed.deliveries.map((delivery) => delivery.envelope.raw.key)).toEqual(['inbound/with space+.eml']);
  });

  it('unwraps S3 notifications from SQS and reports malformed bodies by queue message id', () => {
    const parsed = parseInboundEvent(
      {
        Records: [
          { eventSource: 'aws:sqs', messageId: 'q1', body: JSON.stringify({ Records: [s3Record('inbound/one')] }) },
          { eventSource: 'aws:sqs', messageId: 'q2', body: '{not json' },
          { eventSource: 'aws:sqs', messageId: 'q3', body: JSON.stringify({ Event: 's3:TestEvent' }) },
        ],
      },
      config,
    );
    expect(parsed.deliveries.map((delivery) => [delivery.queueMessageId, delivery.envelope.raw.key])).toEqual([['q1', 'inbound/one']]);
    expect(parsed.malformed).toEqual([{ why: 'SQS body is not JSON', queueMessageId: 'q2' }]);
    expect(parsed.skipped).toEqual([{ why: 'S3 test event', queueMessageId: 'q3' }]);
  });

  it('calls anything else malformed instead of throwing', () => {
    expect(parseInboundEvent({ hello: 'world' }, config).malformed).toEqual([{ why: 'event has no Records' }]);
    expect(parseInboundEvent(null, config).malformed).toHaveLength(1);
    expect(parseInboundEvent({ Records: [{ eventSource: 'aws:kinesis' }] }, config).malformed[0].why).toContain('aws:kinesis');
  });
});
