import { parseInboundEvent } from '../../functions/inbound/events';
import { sesReceiptNotification, sqsEventOf } from '../support/ses-notification';

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

describe('SES receipt notifications through SNS and SQS (the deployed path)', () => {
  const notification = (overrides: Partial<Parameters<typeof sesReceiptNotification>[0]> = {}) =>
    sesReceiptNotification({ bucket: 'mail', prefix: 'inbound/', messageId: 'd6iitobk75ur44p8kdnnp7g2n800', recipients: ['support@acme.inbox.example.com'], ...overrides });

  it('reads the envelope recipients, every verdict and the object key from a raw-delivered notification', () => {
    const parsed = parseInboundEvent(
      sqsEventOf(notification({ recipients: ['a@acme.inbox.example.com', 'b@beta.inbox.example.com'], destination: ['someone@else.example'], verdicts: { spam: 'FAIL', dmarc: 'GRAY' } })),
      config,
    );
    expect(parsed.source).toBe('sqs');
    expect(parsed.malformed).toEqual([]);
    expect(parsed.deliveries).toEqual([
      {
        queueMessageId: 'sqs-1',
        envelope: {
          raw: { bucket: 'mail', key: 'inbound/d6iitobk75ur44p8kdnnp7g2n800' },
          // The envelope, not the To header (`destination`): Bcc'd and forwarded mail routes by it.
          recipients: ['a@acme.inbox.example.com', 'b@beta.inbox.example.com'],
          verdicts: expect.objectContaining({ spam: 'FAIL', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'GRAY', source: 'ses-event' }),
          receivedAt: '2015-09-11T20:32:33.936Z',
        },
      },
    ]);
  });

  it('unwraps SNS envelopes too (a subscription without raw delivery), one delivery per queue message', () => {
    const wrapped = { Type: 'Notification', MessageId: 'sns-1', TopicArn: 'arn:aws:sns:us-east-1:012345678912:example-topic', Message: JSON.stringify(notification({ messageId: 'second' })) };
    const parsed = parseInboundEvent(sqsEventOf(notification(), wrapped), config);
    expect(parsed.deliveries.map((delivery) => [delivery.queueMessageId, delivery.envelope.raw.key])).toEqual([
      ['sqs-1', 'inbound/d6iitobk75ur44p8kdnnp7g2n800'],
      ['sqs-2', 'inbound/second'],
    ]);
  });

  it('skips the setup notification, and reports notifications without a receipt as malformed by queue message id', () => {
    const setup = notification({ messageId: 'AMAZON_SES_SETUP_NOTIFICATION' });
    const noReceipt = { ...notification(), receipt: undefined };
    const otherSns = { Type: 'Notification', Message: '{"notificationType":"Bounce"}' };
    const parsed = parseInboundEvent(sqsEventOf(setup, noReceipt, otherSns), config);
    expect(parsed.deliveries).toEqual([]);
    expect(parsed.skipped).toEqual([{ why: 'SES setup notification', queueMessageId: 'sqs-1' }]);
    expect(parsed.malformed).toEqual([
      { why: 'SES receipt without mail.messageId or receipt', queueMessageId: 'sqs-2' },
      { why: 'SQS body is neither an SES receipt notification nor an S3 notification', queueMessageId: 'sqs-3' },
    ]);
  });

  it('still reads S3 notifications on the same queue (reconciliation re-announces stored objects)', () => {
    const parsed = parseInboundEvent(sqsEventOf({ Records: [s3Record('inbound/one')] }, notification()), config);
    expect(parsed.deliveries.map((delivery) => [delivery.envelope.raw.key, delivery.envelope.recipients])).toEqual([
      ['inbound/one', []],
      ['inbound/d6iitobk75ur44p8kdnnp7g2n800', ['support@acme.inbox.example.com']],
    ]);
  });
});
