/** A parsed inbound message: everything the decision steps read, produced once by `parseMime`. */
import type { Mailbox } from './outcome';

export interface HeaderLine {
  /** Lower-case header name. */
  readonly key: string;
  /** The whole header line, unfolded: `Name: value`. */
  readonly line: string;
}

export interface AttachmentRecord {
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
  readonly disposition: 'inline' | 'attachment';
  /** Content-ID without angle brackets, for inline `cid:` images. */
  readonly contentId?: string;
  readonly size: number;
  readonly sha256: string;
  /** Where the bytes were stored; absent when nothing was stored (the `explain` command). */
  readonly storageKey?: string;
}

/** A forwarded message attached as message/rfc822: its headers, and its text (for a forward inside it). */
export interface AttachedMessage {
  readonly attachmentIndex: number;
  readonly from?: Mailbox;
  readonly fromLine?: string;
  readonly subject?: string;
  readonly messageId?: string;
  /** Its text, from the first bytes read (see parse-mime's ATTACHED_MESSAGE_BYTES). */
  readonly text?: string;
}

export interface ParsedMessage {
  readonly headerLines: readonly HeaderLine[];
  readonly from?: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  /** Where the sender asks replies to go (Reply-To); replies from the API are sent there. */
  readonly replyTo?: readonly Mailbox[];
  readonly subject: string;
  /** ISO date from the Date header, when it parses. */
  readonly date?: string;
  /** Message-ID without angle brackets. */
  readonly messageId?: string;
  /** The last In-Reply-To id (the parent, as stored and shown). */
  readonly inReplyTo?: string;
  /** Every In-Reply-To id, as listed (bounded). */
  readonly inReplyToIds: readonly string[];
  readonly references: readonly string[];
  /** Outlook's Thread-Index header, when present (bounded). */
  readonly threadIndex?: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments: readonly AttachmentRecord[];
  readonly attachedMessages: readonly AttachedMessage[];
  readonly sizeBytes: number;
  /** SHA-256 of the raw body (what follows the headers): tells the same message from a Message-ID collision. */
  readonly bodySha256: string;
}

/** Every value of a header, in order, unfolded. */
export function headerValues(message: Pick<ParsedMessage, 'headerLines'>, key: string): string[] {
  const lower = key.toLowerCase();
  return message.headerLines
    .filter((header) => header.key === lower)
    .map((header) => header.line.slice(header.line.indexOf(':') + 1).trim());
}

/** The first header of that name as the whole line, for evidence. */
export function headerLine(message: Pick<ParsedMessage, 'headerLines'>, key: string): string | undefined {
  const lower = key.toLowerCase();
  return message.headerLines.find((header) => header.key === lower)?.line;
}

export function firstHeader(message: Pick<ParsedMessage, 'headerLines'>, key: string): string | undefined {
  return headerValues(message, key)[0];
}
