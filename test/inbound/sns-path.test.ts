/**
 * The deployed inbound path end to end on the local stack: SES stores the raw mail in S3 and publishes its
 * receipt to SNS, which delivers it raw to SQS; the handler gets the SQS event. Here the raw mail goes into the
 * local S3 and the handler is invoked with that SQS event.
 */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { conversations, eml, seedInbox, uniqueId } from '../support/stack';
import { NotificationOptions, sesReceiptNotification, sqsEventOf } from '../support/ses-notification';

/** Stores `raw` where SES would and returns the notification SES would publish for it. */
async function receive(raw: string, options: Omit<NotificationOptions, 'bucket' | 'prefix' | 'messageId'>) {
  const { mailBucket, rawMailPrefix } = config();
  const messageId = randomBytes(16).toString('hex');
  await s3().send(new PutObjectCommand({ Bucket: mailBucket, Key: `${rawMailPrefix}${messageId}`, Body: raw }));
  return { receiptKey: `${mailBucket}/${rawMailPrefix}${messageId}`, notification: sesReceiptNotification({ bucket: mailBucket, prefix: rawMailPrefix, messageId, ...options }) };
}

describe('SES → S3 + SNS → SQS → inbound handler', () => {
  afterEach(() => jest.restoreAllMocks());

  test('Bcc: routed by the envelope recipient from the notification, though no header names the inbox', async () => {
    const inbox = await seedInbox();
    const raw = eml({ from: 'Jane Customer <jane@example.org>', to: 'someone@elsewhere.example', subject: 'Bcc to support' });
    const { receiptKey, notification } = await receive(raw, { recipients: [inbox.address], destination: ['someone@elsewhere.example'] });
    const counted = jest.spyOn(Metrics.prototype, 'addMetric');

    const result = await handler(sqsEventOf(notification));

    expect(result).toEqual({ batchItemFailures: [] });
    const receipt = await conversations().receipt(receiptKey);
    expect(receipt).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    expect(counted.mock.calls.map(([name, , value]) => [name, value])).toEqual([['stored', 1]]);
  });

  test("SES's verdicts from the notification decide: a spam FAIL is quarantined, counted by rule", async () => {
    const inbox = await seedInbox();
    const raw = eml({ from: 'Spammer <spam@example.net>', to: inbox.address, subject: 'Cheap' });
    const { receiptKey, notification } = await receive(raw, { recipients: [inbox.address], verdicts: { spam: 'FAIL' } });
    const counted = jest.spyOn(Metrics.prototype, 'addMetric');

    await handler(sqsEventOf(notification));

    const receipt = await conversations().receipt(receiptKey);
    expect(receipt).toMatchObject({ outcome: 'quarantined' });
    expect(counted.mock.calls.map(([name]) => name)).toEqual(['quarantined', 'quarantinedByRule']);
  });

  test('a notification for an object that is gone becomes a failed record, counted as failed; redelivery adds nothing', async () => {
    const inbox = await seedInbox();
    const { mailBucket, rawMailPrefix } = config();
    const messageId = uniqueId('gone');
    const notification = sesReceiptNotification({ bucket: mailBucket, prefix: rawMailPrefix, messageId, recipients: [inbox.address] });
    const counted = jest.spyOn(Metrics.prototype, 'addMetric');

    expect(await handler(sqsEventOf(notification))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEventOf(notification))).toEqual({ batchItemFailures: [] });

    expect(await conversations().receipt(`${mailBucket}/${rawMailPrefix}${messageId}`)).toMatchObject({ outcome: 'failed' });
    expect(counted.mock.calls[0].slice(0, 1)).toEqual(['failed']);
  });

  test('a malformed queue message is reported as a batch item failure (to the dead-letter queue), the rest processed', async () => {
    const inbox = await seedInbox();
    const { receiptKey, notification } = await receive(eml({ from: 'a@example.org', to: inbox.address }), { recipients: [inbox.address] });
    const result = await handler(sqsEventOf('{"notificationType":"Received"}', notification));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'sqs-1' }] });
    expect(await conversations().receipt(receiptKey)).toMatchObject({ outcome: 'stored' });
  });
});
