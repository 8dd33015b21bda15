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
import { MAX_ADDRESS_LENGTH, MAX_MESSAGE_ID_LENGTH, messageIdsIn, normalizeEmail } from '../domain/addresses';
import { cleanMailText, MAX_NAME_TEXT } from '../../commons/text';

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

/** How much of a forwarded message/rfc822 part is kept to read its headers and text (a forward inside it). */
const ATTACHED_MESSAGE_BYTES = 64 * 1024;

/**
 * Limits applied here, before any step reads a header: no value can push a key or an item past DynamoDB's
 * limits, and no step's pattern ever runs over more than this much text.
 */
export const PARSE_LIMITS = {
  /** Characters of one (unfolded) header line kept for the steps; the rest is cut. */
  headerLine: 16 * 1024,
  /** Header lines kept (SES's own are on top); mail with more is hostile or broken. */
  headerLines: 1000,
  /** Mailboxes kept from To and from Cc each. */
  mailboxes: 100,
  /** In-Reply-To ids kept. */
  inReplyTo: 10,
  /** The newest References kept. */
  references: 100,
  /** Characters of the References value read (its tail: the newest ids are last). */
  referencesText: 100 * 1000,
} as const;

export const MAILPARSER_OPTIONS = {
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
} as const;

/**
 * Decides where attachments go once the headers are known (they arrive before the body): a redelivery, an
 * unroutable or quarantined message discards them instead of uploading them.
 */
export type SinkChooser = (headersOnly: ParsedMessage) => Promise<AttachmentSink>;

export async function parseMime(raw: Readable, sink: AttachmentSink | SinkChooser): Promise<ParsedMessage> {
  const parser = new MailParser(MAILPARSER_OPTIONS);
  let sizeBytes = 0;
  const body = new BodyHash();
  // A listener, not a Transform: counting must not add a stream stage per chunk.
  raw.on('data', (chunk: Buffer) => {
    sizeBytes += chunk.length;
    body.update(chunk);
  });

  let headerLines: HeaderLine[] = [];
  let headers = new Map<string, unknown>();
  let text = '';
  let html: string | undefined;
  const attachments: AttachmentRecord[] = [];
  const attachedMessages: AttachedMessage[] = [];
  const pending: Promise<void>[] = [];
  let chosen: Promise<AttachmentSink> | undefined;
  const build = () => buildMessage({ headers, headerLines, text, html, attachments, attachedMessages, sizeBytes, bodySha256: body.digest() });
  const sinkOnce = (): Promise<AttachmentSink> => {
    if (typeof sink !== 'function') return Promise.resolve(sink);
    chosen ??= sink(build());
    return chosen;
  };

  parser.on('headers', (parsed: Map<string, unknown>) => {
    headers = parsed;
    // Asked once the header lines (emitted right after) are in, answered while the body streams in;
    // attachments wait for the answer.
    process.nextTick(() => sinkOnce().catch(() => undefined));
  });
  parser.on('headerLines', (lines: Array<{ key: string; line: string }>) => {
    headerLines = lines.slice(0, PARSE_LIMITS.headerLines).map(({ key, line }) => ({
      key,
      line: (line.length > PARSE_LIMITS.headerLine ? line.slice(0, PARSE_LIMITS.headerLine) : line).replace(/\r?\n[ \t]+/g, ' '),
    }));
  });
  parser.on('data', (data: ParserData) => {
    if (data.type === 'text') {
      text = data.text ?? '';
      html = typeof data.html === 'string' ? data.html : undefined;
      return;
    }
    const index = pending.length;
    pending.push(
      storeAttachment(index, data, sinkOnce).then(({ record, attached }) => {
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
  // Mail without attachments still had its headers judged: that answer's failure is this parse's failure.
  if (typeof sink === 'function') await sinkOnce();

  attachments.sort((a, b) => a.index - b.index);
  return build();
}

interface MessageParts {
  readonly headers: Map<string, unknown>;
  readonly headerLines: HeaderLine[];
  readonly text: string;
  readonly html?: string;
  readonly attachments: AttachmentRecord[];
  readonly attachedMessages: AttachedMessage[];
  readonly sizeBytes: number;
  readonly bodySha256: string;
}

function buildMessage(parts: MessageParts): ParsedMessage {
  const { headers } = parts;
  const subject = headers.get('subject');
  const inReplyToIds = messageIdsIn(headerText(headers.get('in-reply-to'))).slice(0, PARSE_LIMITS.inReplyTo);
  return {
    headerLines: parts.headerLines,
    from: mailboxes(headers.get('from'))[0],
    to: mailboxes(headers.get('to')).slice(0, PARSE_LIMITS.mailboxes),
    cc: mailboxes(headers.get('cc')).slice(0, PARSE_LIMITS.mailboxes),
    replyTo: mailboxes(headers.get('reply-to')).slice(0, PARSE_LIMITS.mailboxes),
    subject: typeof subject === 'string' ? cleanMailText(subject) : '',
    date: validDate(headers.get('date')),
    messageId: messageIdsIn(headerText(headers.get('message-id')))[0],
    inReplyTo: inReplyToIds.at(-1),
    inReplyToIds,
    references: references(headers.get('references')),
    threadIndex: threadIndex(parts.headerLines),
    text: parts.text,
    html: parts.html,
    attachments: parts.attachments,
    attachedMessages: parts.attachedMessages,
    sizeBytes: parts.sizeBytes,
    bodySha256: parts.bodySha256,
  };
}

/** Thread-Index values are 22 bytes plus 5 per reply, in base64: longer ones are not Outlook's. */
function threadIndex(headerLines: readonly HeaderLine[]): string | undefined {
  const line = headerLines.find((header) => header.key === 'thread-index')?.line;
  const value = line?.slice(line.indexOf(':') + 1).trim();
  return value && value.length <= 4096 ? value : undefined;
}

function headerText(value: unknown): string | undefined {
  const text = [value].flat().filter((item): item is string => typeof item === 'string').join(' ');
  return text ? text.slice(0, PARSE_LIMITS.headerLine) : undefined;
}

/** The newest References, unique, oldest first: read from the value's tail, so its length costs nothing. */
function references(value: unknown): string[] {
  const text = [value].flat().filter((item): item is string => typeof item === 'string').join(' ');
  const tail = text.length > PARSE_LIMITS.referencesText ? text.slice(text.length - PARSE_LIMITS.referencesText) : text;
  const ids = messageIdsIn(tail);
  // The cut may split the first id: keep only ids that start after a separator.
  if (tail !== text && ids.length && !/^\s*</.test(tail)) ids.shift();
  const seen = new Set<string>();
  const newestFirst: string[] = [];
  for (let index = ids.length - 1; index >= 0 && newestFirst.length < PARSE_LIMITS.references; index--) {
    if (!seen.has(ids[index])) newestFirst.push(ids[index]);
    seen.add(ids[index]);
  }
  return newestFirst.reverse();
}

/**
 * SHA-256 of what follows the header block (the first empty line): the same message arriving by another
 * path gets other trace headers, never another body. Linear, across chunk boundaries.
 */
class BodyHash {
  private readonly hash = createHash('sha256');
  private inBody = false;
  /** The last bytes of the previous chunk, to find an empty line split across chunks. */
  private carry: Buffer = Buffer.alloc(0);

  update(chunk: Buffer): void {
    if (this.inBody) {
      this.hash.update(chunk);
      return;
    }
    const joined = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = blankLineEnd(joined);
    if (end < 0) {
      this.carry = joined.subarray(Math.max(0, joined.length - 3));
      return;
    }
    this.inBody = true;
    this.hash.update(joined.subarray(end));
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}

function blankLineEnd(buffer: Buffer): number {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
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

async function storeAttachment(index: number, data: ParserAttachment, sinkOnce: () => Promise<AttachmentSink>) {
  const hash = createHash('sha256');
  let size = 0;
  const isMessage = data.contentType === 'message/rfc822';
  const head: Buffer[] = [];
  let headLength = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
    if (isMessage && headLength < ATTACHED_MESSAGE_BYTES) {
      head.push(chunk);
      headLength += chunk.length;
    }
  });
  const filename = cleanMailText(data.filename ?? '', MAX_NAME_TEXT) || (isMessage ? `forwarded-message-${index + 1}.eml` : `attachment-${index + 1}`);
  // RFC 6838: type and subtype are at most 127 characters each.
  const contentType = data.contentType.length > 255 ? 'application/octet-stream' : data.contentType;
  try {
    const sink = await sinkOnce().catch((error) => {
      data.content.resume(); // the parser waits for every attachment to be read
      return Promise.reject(new SinkError(error));
    });
    const stored = sink
      .store({ index, filename, contentType }, tap)
      .catch((error) => Promise.reject(new SinkError(error)));
    await pipeline(data.content, tap);
    const { storageKey } = await stored;
    const contentId = data.headers.get('content-id');
    const record: AttachmentRecord = {
      index,
      filename,
      contentType,
      disposition: data.contentDisposition === 'inline' ? 'inline' : 'attachment',
      contentId: typeof contentId === 'string' && contentId.length <= MAX_MESSAGE_ID_LENGTH ? contentId.replace(/^<|>$/g, '') : undefined,
      size,
      sha256: hash.digest('hex'),
      storageKey,
    };
    const attached = isMessage ? await readAttachedMessage(index, Buffer.concat(head)) : undefined;
    return { record, attached };
  } finally {
    data.release();
  }
}

async function readAttachedMessage(attachmentIndex: number, head: Buffer): Promise<AttachedMessage> {
  // The bytes kept are bounded; a cut part is read as far as it goes.
  const inner = await simpleParser(head.subarray(0, ATTACHED_MESSAGE_BYTES), MAILPARSER_OPTIONS);
  const from = mailboxes(inner.from)[0];
  return {
    attachmentIndex,
    from,
    // Decoded, for evidence a person can read (the raw line may be RFC 2047 encoded).
    fromLine: from && `From: ${from.name ? `${from.name} <${from.email}>` : from.email}`,
    subject: inner.subject === undefined ? undefined : cleanMailText(inner.subject),
    messageId: messageIdsIn(inner.messageId)[0],
    text: inner.text || undefined,
  };
}

function mailboxes(value: unknown): Mailbox[] {
  const objects = [value].flat().filter((item): item is AddressObject => !!item && typeof item === 'object' && 'value' in item);
  const flat = objects.flatMap((object) => object.value.flatMap((entry) => (entry.group ? entry.group : [entry])));
  return flat
    .filter((entry) => typeof entry.address === 'string' && entry.address.includes('@'))
    .filter((entry) => (entry.address as string).length <= MAX_ADDRESS_LENGTH + 2)
    .map((entry) => ({ email: normalizeEmail(entry.address as string), name: cleanMailText(entry.name ?? '', MAX_NAME_TEXT) }));
}

function validDate(value: unknown): string | undefined {
  return value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString() : undefined;
}
