/**
 * Benchmarks on the local AWS stack through the real handler. Imported by run.ts only after the environment
 * points at the stack: the handler's logger and the config are built from it when first loaded/used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createTransport } from 'nodemailer';
import { freePort } from '../../bin/local/aws-servers';
import { sesReceiptEvent, startSmtpInbound } from '../../bin/local/smtp-inbound';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { conversations, eml, seedInbox, storeRaw, uniqueId } from '../support/stack';
import { AGENT, generatedMessages } from './corpus';
import { ingestInChild, uploadFile, verifyStored, writeLargeMessage } from './memory';
import { Call, recordCalls, sequentialLevels } from './round-trips';

/** Runs `fn` over `items` with at most `concurrency` in flight. */
async function inPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Messages stored in an inbox, from its conversations' counters. */
async function storedCount(inboxId: string): Promise<number> {
  const rows = await conversations().inboxConversations(inboxId);
  return rows.reduce((sum, row) => sum + Number(row.messageCount ?? 0), 0);
}

const dynamoCalls: Call[] = [];
const s3Calls: Call[] = [];
recordCalls(dynamo(), dynamoCalls);
recordCalls(s3(), s3Calls);

export interface RoundTripCase {
  readonly outcome: string;
  readonly rule?: string;
  readonly dynamoLevels: string[][];
  readonly s3Levels: string[][];
}

/** A new message, then a reply to it (In-Reply-To + References), each delivered through the handler. */
export async function measureRoundTrips(): Promise<{ newMessage: RoundTripCase; reply: RoundTripCase }> {
  const inbox = await seedInbox();
  const deliver = async (raw: string): Promise<RoundTripCase> => {
    const stored = await storeRaw(raw, [inbox.address]);
    dynamoCalls.length = s3Calls.length = 0;
    await handler(stored.event);
    const dynamoLevels = sequentialLevels(dynamoCalls);
    const s3Levels = sequentialLevels(s3Calls);
    const receipt = await conversations().receipt(stored.receiptKey);
    const [message] = (await conversations().messages(String(receipt?.conversationId))).filter((row) => row.messageId === receipt?.messageId);
    return { outcome: String(receipt?.outcome), rule: (message?.thread as { rule?: string } | undefined)?.rule, dynamoLevels, s3Levels };
  };
  const firstId = `${uniqueId('rt')}@mail.example.org`;
  const newMessage = await deliver(eml({ from: 'Jane Customer <jane@example.org>', to: inbox.address, subject: 'Printer broken', messageId: firstId }));
  const reply = await deliver(eml({ from: 'Jane Customer <jane@example.org>', to: inbox.address, subject: 'Re: Printer broken', inReplyTo: firstId, references: [firstId], text: 'Any news?' }));
  return { newMessage, reply };
}

export interface ThroughputRun {
  readonly via: 'handler' | 'smtp';
  readonly concurrency: number;
  readonly messages: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly stored: number;
}

/** N generated messages already in S3, each delivered by its SES event; wall time of the deliveries only. */
export async function handlerThroughput(count: number, concurrency: number): Promise<ThroughputRun> {
  const inbox = await seedInbox({ trusted: [AGENT] });
  const messages = generatedMessages(count, { to: inbox.address, idPrefix: uniqueId('tp') });
  const events: unknown[] = [];
  await inPool(messages, 16, async (message) => events.push((await storeRaw(message.raw, [inbox.address])).event));
  const started = performance.now();
  await inPool(events, concurrency, (event) => handler(event));
  const seconds = (performance.now() - started) / 1000;
  return { via: 'handler', concurrency, messages: count, seconds, perSecond: count / seconds, stored: await storedCount(inbox.inboxId) };
}

/** The same through the local SMTP listener: SMTP in, raw streamed to S3, handler, 250 — as SES would. */
export async function smtpThroughput(count: number, concurrency: number): Promise<ThroughputRun> {
  const inbox = await seedInbox({ trusted: [AGENT] });
  const messages = generatedMessages(count, { to: inbox.address, idPrefix: uniqueId('smtp') });
  const { mailBucket, rawMailPrefix } = config();
  const errors: unknown[] = [];
  const smtp = await startSmtpInbound({ port: await freePort(), bucket: mailBucket, rawMailPrefix, s3: s3(), handler, onError: (error) => errors.push(error) });
  const transport = createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, pool: true, maxConnections: concurrency, maxMessages: Infinity });
  try {
    const started = performance.now();
    await inPool(messages, concurrency, (message) => transport.sendMail({ envelope: { from: 'sender@example.org', to: [inbox.address] }, raw: message.raw }));
    const seconds = (performance.now() - started) / 1000;
    if (errors.length) throw new Error(`SMTP listener failed ${errors.length} deliveries: ${String(errors[0])}`);
    return { via: 'smtp', concurrency, messages: count, seconds, perSecond: count / seconds, stored: await storedCount(inbox.inboxId) };
  } finally {
    transport.close();
    await smtp.stop();
  }
}

export interface MemoryRun {
  readonly messageBytes: number;
  readonly attachmentBytes: number;
  readonly peakRss: number;
  readonly maxRss: number;
  readonly rssLoaded: number;
  readonly ingestSeconds: number;
  readonly outcome: string;
  readonly problems: string[];
}

export async function measureMemory(): Promise<MemoryRun> {
  const inbox = await seedInbox();
  const dir = mkdtempSync(join(tmpdir(), 'hosted-inbox-bench-'));
  try {
    const large = writeLargeMessage(dir, inbox.address);
    const { mailBucket, rawMailPrefix } = config();
    const messageId = uniqueId('large');
    await uploadFile(s3(), mailBucket, `${rawMailPrefix}${messageId}`, large.path);
    const event = sesReceiptEvent({ messageId, mailFrom: 'ivana.horvat@primjer.hr', recipients: [inbox.address], receivedAt: new Date() });
    const child = await ingestInChild(event);
    const receipt = await conversations().receipt(`${mailBucket}/${rawMailPrefix}${messageId}`);
    const [message] = receipt?.conversationId ? await conversations().messages(String(receipt.conversationId)) : [];
    const problems = receipt?.outcome === 'stored' ? await verifyStored(s3(), mailBucket, large.attachments, (message?.attachments as Record<string, unknown>[]) ?? []) : [`receipt outcome ${receipt?.outcome}`];
    return {
      messageBytes: large.sizeBytes,
      attachmentBytes: large.attachments.reduce((sum, attachment) => sum + attachment.size, 0),
      peakRss: child.peakRss,
      maxRss: child.maxRss,
      rssLoaded: child.rssLoaded,
      ingestSeconds: child.ms / 1000,
      outcome: String(receipt?.outcome),
      problems,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
