/** Helpers for tests against the local AWS stack started by the global setup. */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { DynamoDirectory } from '../../functions/adapters/dynamo-directory';
import { handler } from '../../functions/inbound/handler';
import { sesReceiptEvent } from '../../bin/local/smtp-inbound';
import { InboundRecords } from './inbound-records';

export const conversations = () => new InboundRecords(dynamo(), config().tables);
export const directory = () => new DynamoDirectory(dynamo(), config().tables.inboxes);

export const uniqueId = (prefix: string) => `${prefix}${randomBytes(5).toString('hex')}`;

export interface TestInbox {
  readonly accountId: string;
  readonly inboxId: string;
  readonly address: string;
}

/** A fresh account with these members and one connected inbox at a unique forwarding address. */
export async function seedInbox(options: { members?: string[]; trusted?: string[]; teamAddresses?: string[] } = {}): Promise<TestInbox> {
  const accountId = uniqueId('acct_');
  const inboxId = uniqueId('inb_');
  const address = `support@${accountId.replace('_', '-')}.inbox.example.com`;
  await directory().createAccount(
    { accountId, name: 'Acme', subdomain: accountId },
    (options.members ?? []).map((email, index) => ({ userId: `${accountId}-u${index}`, email, name: email.split('@')[0] })),
  );
  await directory().createInbox({ inboxId, accountId, name: 'Support', forwardingAddress: address, trustedForwarders: options.trusted, teamAddresses: options.teamAddresses });
  return { accountId, inboxId, address };
}

export type SesVerdicts = Partial<Record<'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc', 'PASS' | 'FAIL' | 'GRAY'>>;

/** Stores raw mail where SES would and builds the SES receipt event for it (not yet delivered). */
export async function storeRaw(raw: string | Buffer, recipients: string[], verdicts: SesVerdicts = {}) {
  const { mailBucket, rawMailPrefix } = config();
  const messageId = randomBytes(16).toString('hex');
  const key = `${rawMailPrefix}${messageId}`;
  await s3().send(new PutObjectCommand({ Bucket: mailBucket, Key: key, Body: raw }));
  const event = sesReceiptEvent({ messageId, mailFrom: 'sender@example.com', recipients, receivedAt: new Date() });
  const receipt = event.Records[0].ses.receipt as Record<string, unknown>;
  for (const [name, status] of Object.entries(verdicts)) receipt[`${name}Verdict`] = { status };
  return { key, receiptKey: `${mailBucket}/${key}`, event };
}

/** Delivers raw mail as SES would: stored in S3, then the handler invoked with the receipt event. */
export async function deliver(raw: string | Buffer, recipients: string[], verdicts?: SesVerdicts) {
  const stored = await storeRaw(raw, recipients, verdicts);
  await handler(stored.event);
  const receipt = await conversations().receipt(stored.receiptKey);
  return { ...stored, receipt };
}

export interface EmlOptions {
  from: string;
  to: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  text?: string;
}

/** A small RFC 5322 message. */
export function eml(options: EmlOptions): string {
  const lines = [
    `From: ${options.from}`,
    `To: ${options.to}`,
    `Subject: ${options.subject ?? 'Hello'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${options.messageId ?? `${uniqueId('m')}@mail.example.org`}>`,
    ...(options.inReplyTo ? [`In-Reply-To: <${options.inReplyTo}>`] : []),
    ...(options.references ? [`References: ${options.references.map((id) => `<${id}>`).join(' ')}`] : []),
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.text ?? 'Hi team, can you help?',
    '',
  ];
  return lines.join('\r\n');
}
