/**
 * Turns whatever delivered the mail into envelopes for the use case: an SES receipt (Lambda action), SQS carrying
 * SES receipt notifications (the deployed path: S3 action → SNS → SQS, raw or in SNS's envelope), an S3
 * ObjectCreated notification, or SQS carrying those (reconciliation re-announces stored objects this way).
 * Nothing here reads the message.
 */
import type { InboundEnvelope } from './domain/ports';
import type { Verdicts, VerdictStatus } from './domain/steps/screen';

export interface Delivery {
  readonly envelope: InboundEnvelope;
  /** SQS message id, for partial batch failures. */
  readonly queueMessageId?: string;
  /** How often SQS has handed this record out, this time included. */
  readonly receiveCount?: number;
}

export interface Skipped {
  readonly why: string;
  readonly queueMessageId?: string;
}

export interface ParsedEvent {
  readonly source: 'ses' | 's3' | 'sqs' | 'unknown';
  readonly deliveries: Delivery[];
  readonly skipped: Skipped[];
  /** Records that are not deliveries at all (malformed): reported as failures so they reach the DLQ. */
  readonly malformed: Skipped[];
}

export interface EventConfig {
  readonly mailBucket: string;
  readonly rawMailPrefix: string;
}

/** SES writes this object when a receipt rule with an S3 action is created. */
export const SES_SETUP_NOTIFICATION = 'AMAZON_SES_SETUP_NOTIFICATION';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function parseInboundEvent(event: unknown, config: EventConfig): ParsedEvent {
  const records: Json[] = Array.isArray((event as Json)?.Records) ? (event as Json).Records : [];
  const result: ParsedEvent = { source: 'unknown', deliveries: [], skipped: [], malformed: [] };
  if (!records.length) return { ...result, malformed: [{ why: 'event has no Records' }] };
  const source = records[0].eventSource ?? records[0].EventSource;
  if (source === 'aws:ses') {
    for (const record of records) sesRecord(record, config, result);
    return { ...result, source: 'ses' };
  }
  if (source === 'aws:s3') {
    for (const record of records) s3Record(record, config, result);
    return { ...result, source: 's3' };
  }
  if (source === 'aws:sqs') {
    for (const record of records) {
      const queueMessageId = String(record.messageId);
      let body: Json;
      try {
        body = JSON.parse(record.body);
      } catch {
        result.malformed.push({ why: 'SQS body is not JSON', queueMessageId });
        continue;
      }
      if (body.Event === 's3:TestEvent') {
        result.skipped.push({ why: 'S3 test event', queueMessageId });
        continue;
      }
      const notification = sesNotificationOf(body);
      if (notification) {
        sesReceipt(notification.mail, notification.receipt, config, result, queueMessageId);
        continue;
      }
      if (!Array.isArray(body.Records)) {
        result.malformed.push({ why: 'SQS body is neither an SES receipt notification nor an S3 notification', queueMessageId });
        continue;
      }
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || undefined;
      for (const inner of body.Records) s3Record(inner, config, result, queueMessageId, receiveCount);
    }
    return { ...result, source: 'sqs' };
  }
  return { ...result, malformed: [{ why: `unknown event source ${String(source)}` }] };
}

/**
 * SES's receipt notification (`notificationType: Received`), delivered raw or inside SNS's envelope (a
 * subscription without raw delivery); undefined for anything else.
 */
function sesNotificationOf(body: Json): Json | undefined {
  let candidate = body;
  if (body?.Type === 'Notification' && typeof body.Message === 'string') {
    try {
      candidate = JSON.parse(body.Message);
    } catch {
      return undefined;
    }
  }
  return candidate?.notificationType === 'Received' ? candidate : undefined;
}

function sesRecord(record: Json, config: EventConfig, result: ParsedEvent): void {
  sesReceipt(record.ses?.mail, record.ses?.receipt, config, result);
}

/** One SES receipt (from the Lambda action's record or an SNS notification): the envelope, verdicts and object. */
function sesReceipt(mail: Json | undefined, receipt: Json | undefined, config: EventConfig, result: ParsedEvent, queueMessageId?: string): void {
  if (!mail?.messageId || !receipt) {
    result.malformed.push({ why: 'SES receipt without mail.messageId or receipt', queueMessageId });
    return;
  }
  if (mail.messageId === SES_SETUP_NOTIFICATION) {
    result.skipped.push({ why: 'SES setup notification', queueMessageId });
    return;
  }
  const action = receipt.action ?? {};
  const raw = action.type === 'S3' && action.bucketName && action.objectKey
    ? { bucket: String(action.bucketName), key: String(action.objectKey) }
    : { bucket: config.mailBucket, key: `${config.rawMailPrefix}${mail.messageId}` };
  const verdicts: Verdicts = {
    spam: receipt.spamVerdict?.status as VerdictStatus | undefined,
    virus: receipt.virusVerdict?.status as VerdictStatus | undefined,
    spf: receipt.spfVerdict?.status as VerdictStatus | undefined,
    dkim: receipt.dkimVerdict?.status as VerdictStatus | undefined,
    dmarc: receipt.dmarcVerdict?.status as VerdictStatus | undefined,
    source: 'ses-event',
    authEvidence: `SES receipt spfVerdict: ${receipt.spfVerdict?.status ?? 'none'}, dkimVerdict: ${receipt.dkimVerdict?.status ?? 'none'}`,
    // SPF is checked for the envelope sender's domain: what its verdict must align with.
    ...(typeof mail.source === 'string' && mail.source.includes('@') && { spfDomain: mail.source.slice(mail.source.lastIndexOf('@') + 1).toLowerCase().slice(0, 255) }),
  };
  const hasVerdicts = ['spam', 'virus', 'spf', 'dkim', 'dmarc'].some((name) => verdicts[name as keyof Verdicts]);
  result.deliveries.push({
    envelope: {
      raw,
      recipients: Array.isArray(receipt.recipients) ? receipt.recipients.map(String) : [],
      verdicts: hasVerdicts ? verdicts : undefined,
      receivedAt: validIso(receipt.timestamp ?? mail.timestamp),
    },
    queueMessageId,
  });
}

function s3Record(record: Json, config: EventConfig, result: ParsedEvent, queueMessageId?: string, receiveCount?: number): void {
  const bucket = record.s3?.bucket?.name;
  const encodedKey = record.s3?.object?.key;
  if (!bucket || !encodedKey) {
    result.malformed.push({ why: 'S3 record without bucket or key', queueMessageId });
    return;
  }
  // S3 notifications URL-encode keys, with '+' for spaces.
  const key = decodeURIComponent(String(encodedKey).replace(/\+/g, ' '));
  if (!String(record.eventName ?? '').startsWith('ObjectCreated')) {
    result.skipped.push({ why: `S3 ${record.eventName}`, queueMessageId });
  } else if (!key.startsWith(config.rawMailPrefix)) {
    result.skipped.push({ why: `key ${key} is not under ${config.rawMailPrefix}`, queueMessageId });
  } else if (key.endsWith(SES_SETUP_NOTIFICATION)) {
    result.skipped.push({ why: 'SES setup notification', queueMessageId });
  } else {
    result.deliveries.push({ envelope: { raw: { bucket, key }, recipients: [], receivedAt: validIso(record.eventTime) }, queueMessageId, receiveCount });
  }
}

function validIso(value: unknown): string {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  return (Number.isNaN(date.getTime()) ? new Date() : date).toISOString();
}
