/**
 * Step 1 (parse): one streaming pass of mailparser over the raw message. Attachments (inline `cid:` images
 * and forwarded `message/rfc822` parts included) are streamed to the sink as they are parsed, never held
 * whole in memory; only bodies and headers are kept.
 */
import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AddressObject, MailParser, simpleParser } from 'mailparser';
import { UnparseableMessageError } from '../domain/errors';
import type { AttachedMessage, AttachmentRecord, HeaderLine, ParsedMessage } from '../domain/message';
import type { Mailbox } from '../domain/outcome';
import { messageIdsIn, normalizeEmail } from '../domain/addresses';

export interface AttachmentToStore {
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
}

/** Where attachment bytes go: S3 in the pipeline, nowhere in `explain`. Must consume the stream fully. */
export interface AttachmentSink {
  store(attachment: AttachmentToStore, content: Readable): Promise<{ storageKey?: string }>;
}

/** Discards attachment bytes (still counted and hashed by the parser). */
export const discardAttachments: AttachmentSink = {
  async store(_attachment, content) {
    content.resume();
    await new Promise((resolve, reject) => content.once('end', resolve).once('error', reject));
    return {};
  },
};

/** How much of a forwarded message/rfc822 part is kept to read its headers. */
const ATTACHED_HEADER_BYTES = 64 * 1024;

/** Longest subject / Message-ID kept (RFC 5322's line limit): no header can push a record past DynamoDB's item limit. */
const MAX_HEADER_TEXT = 998;

export const MAILPARSER_OPTIONS = {
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
} as const;

export async function parseMime(raw: Readable, sink: AttachmentSink): Promise<ParsedMessage> {
  const parser = new MailParser(MAILPARSER_OPTIONS);
  let sizeBytes = 0;
  // A listener, not a Transform: counting must not add a stream stage per chunk.
  raw.on('data', (chunk: Buffer) => (sizeBytes += chunk.length));

  let headerLines: HeaderLine[] = [];
  let headers = new Map<string, unknown>();
  let text = '';
  let html: string | undefined;
  const attachments: AttachmentRecord[] = [];
  const attachedMessages: AttachedMessage[] = [];
  const pending: Promise<void>[] = [];

  parser.on('headers', (parsed: Map<string, unknown>) => (headers = parsed));
  parser.on('headerLines', (lines: Array<{ key: string; line: string }>) => {
    headerLines = lines.map(({ key, line }) => ({ key, line: line.replace(/\r?\n[ \t]+/g, ' ') }));
  });
  parser.on('data', (data: ParserData) => {
    if (data.type === 'text') {
      text = data.text ?? '';
      html = typeof data.html === 'string' ? data.html : undefined;
      return;
    }
    const index = pending.length;
    pending.push(
      storeAttachment(index, data, sink).then(({ record, attached }) => {
        attachments.push(record);
        if (attached) attachedMessages.push(attached);
      }),
    );
  });

  try {
    await pipeline(raw, parser);
    await Promise.all(pending);
  } catch (error) {
    if (error instanceof SinkError) throw error.cause;
    if (raw.errored) throw raw.errored; // reading the raw object failed: transient, retry
    throw new UnparseableMessageError(`MIME parse failed: ${(error as Error).message}`, { cause: error });
  }

  attachments.sort((a, b) => a.index - b.index);
  return {
    headerLines,
    from: mailboxes(headers.get('from'))[0],
    to: mailboxes(headers.get('to')),
    cc: mailboxes(headers.get('cc')),
    subject: typeof headers.get('subject') === 'string' ? (headers.get('subject') as string).slice(0, MAX_HEADER_TEXT) : '',
    date: validDate(headers.get('date')),
    messageId: messageIdsIn(headers.get('message-id') as string | undefined)[0]?.slice(0, MAX_HEADER_TEXT),
    inReplyTo: messageIdsIn(headers.get('in-reply-to') as string | undefined).at(-1),
    references: [headers.get('references')].flat().flatMap((value) => messageIdsIn(value as string | undefined)),
    text,
    html,
    attachments,
    attachedMessages,
    sizeBytes,
  };
}

interface ParserAttachment {
  type: 'attachment';
  content: Readable;
  contentType: string;
  filename?: string;
  contentDisposition?: string;
  headers: Map<string, unknown>;
  release: () => void;
}
type ParserData = ParserAttachment | { type: 'text'; text?: string; html?: string | false };

/** Wraps sink failures so they are rethrown as they are (infrastructure, retryable), not as parse errors. */
class SinkError extends Error {
  constructor(readonly cause: unknown) {
    super('attachment sink failed');
  }
}

async function storeAttachment(index: number, data: ParserAttachment, sink: AttachmentSink) {
  const hash = createHash('sha256');
  let size = 0;
  const isMessage = data.contentType === 'message/rfc822';
  const head: Buffer[] = [];
  let headLength = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (isMessage && headLength < ATTACHED_HEADER_BYTES) {
      head.push(chunk);
      headLength += chunk.length;
    }
  });
  const filename = data.filename ?? (isMessage ? `forwarded-message-${index + 1}.eml` : `attachment-${index + 1}`);
  try {
    const stored = sink
      .store({ index, filename, contentType: data.contentType }, tap)
      .catch((error) => Promise.reject(new SinkError(error)));
    await pipeline(data.content, tap);
    const { storageKey } = await stored;
    const contentId = data.headers.get('content-id');
    const record: AttachmentRecord = {
      index,
      filename,
      contentType: data.contentType,
      disposition: data.contentDisposition === 'inline' ? 'inline' : 'attachment',
      contentId: typeof contentId === 'string' ? contentId.replace(/^<|>$/g, '') : undefined,
      size,
      sha256: hash.digest('hex'),
      storageKey,
    };
    const attached = isMessage ? await readAttachedHeaders(index, Buffer.concat(head)) : undefined;
    return { record, attached };
  } finally {
    data.release();
  }
}

async function readAttachedHeaders(attachmentIndex: number, head: Buffer): Promise<AttachedMessage> {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headerBlock = head.subarray(0, end >= 0 ? end : head.length);
  const inner = await simpleParser(Buffer.concat([headerBlock, Buffer.from('\r\n\r\n')]), MAILPARSER_OPTIONS);
  const from = mailboxes(inner.from)[0];
  return {
    attachmentIndex,
    from,
    // Decoded, for evidence a person can read (the raw line may be RFC 2047 encoded).
    fromLine: from && `From: ${from.name ? `${from.name} <${from.email}>` : from.email}`,
    subject: inner.subject,
    messageId: messageIdsIn(inner.messageId)[0],
  };
}

function mailboxes(value: unknown): Mailbox[] {
  const objects = [value].flat().filter((item): item is AddressObject => !!item && typeof item === 'object' && 'value' in item);
  const flat = objects.flatMap((object) => object.value.flatMap((entry) => (entry.group ? entry.group : [entry])));
  return flat
    .filter((entry) => typeof entry.address === 'string' && entry.address.includes('@'))
    .map((entry) => ({ email: normalizeEmail(entry.address as string), name: (entry.name ?? '').trim() }));
}

function validDate(value: unknown): string | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
}
