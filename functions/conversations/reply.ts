/**
 * Building a reply: who it goes to (the contact's Reply-To, "reply all" Cc less our own addresses, edits
 * within the conversation's participants), who it is from (the inbox's sender settings; never an unverified
 * address), its subject without piled-up prefixes, its threading headers and the reply token that brings the
 * answer back to this conversation. Pure: the use case reads, this decides, the adapter composes MIME.
 */
import { Conflict, FieldIssue, ValidationFailed } from '../commons/errors';
import { truncate as truncateText } from '../commons/text';
import type { Mailbox } from '../inbound/domain/outcome';
import { displayNameFor, formatFrom } from '../inboxes/sender';
import type { SenderAddress, SenderName } from '../inboxes/model';
import type { StoredMessage } from './model';
import type { ReplyInput } from './reply-schemas';

/** The References kept on a reply: the newest ones (threads rarely need more, headers must stay bounded). */
export const MAX_REFERENCES = 20;

/** SES v2 sends raw messages of at most 40 MB, encoded attachments included. */
export const SES_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** Attachments one reply may carry. */
export const MAX_REPLY_ATTACHMENTS = 10;

/** A file uploaded for a reply, where it lies and what it is. */
export interface ReplyAttachment {
  readonly key: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/**
 * The size of a reply once composed, over-estimated: base64 turns every 57 bytes into a 78-byte line (76 +
 * CRLF), text and HTML may grow as much (quoted-printable), and 64 KiB cover headers and MIME boundaries.
 */
export function composedSizeBound(body: { text: string; html?: string }, attachments: readonly Pick<ReplyAttachment, 'size'>[]): number {
  const encoded = (bytes: number) => Math.ceil(bytes / 57) * 78;
  const textBytes = Buffer.byteLength(body.text) + Buffer.byteLength(body.html ?? '');
  return encoded(textBytes) + attachments.reduce((total, attachment) => total + encoded(attachment.size), 0) + 64 * 1024;
}

/** What a reply needs of its inbox. */
export interface InboxSending {
  readonly inboxId: string;
  readonly forwardingAddress: string;
  readonly senderName?: SenderName;
  readonly senderAddress?: SenderAddress;
  /** Addresses that are ours (forwarding, claimed, team): never a recipient of "reply all". */
  readonly ownAddresses: readonly string[];
  readonly signature?: string;
  /** Quote the last inbound message below the reply (default: no). */
  readonly quote: 'none' | 'last-message';
}

/** An email ready to compose: every header value bounded and free of line breaks. */
export interface OutgoingEmail {
  readonly from: string;
  readonly fromAddress: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly replyTo: string;
  readonly subject: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly ReplyAttachment[];
}

/** Reply prefixes of common clients and languages, with counters (`Re[2]:`, `RE^3:`): stripped before one `Re:`. */
const REPLY_PREFIXES = /^(?:\s*(?:re|aw|sv|vs|antw|odp|ref|rif|res|r)(?:\s*[[(^]?\d+[\])]?)?\s*[:：]\s*)+/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export function replySubject(subject: string): string {
  const bare = subject.replace(CONTROL, ' ').slice(0, 900).replace(REPLY_PREFIXES, '').trim();
  return `Re: ${bare}`.trim();
}

/** `<local>+<conversation id>@<domain>` of the inbox's forwarding address: routes to the inbox, names the conversation. */
export function replyTokenAddress(forwardingAddress: string, conversationId: string): string {
  const at = forwardingAddress.lastIndexOf('@');
  return `${forwardingAddress.slice(0, at)}+${conversationId}@${forwardingAddress.slice(at + 1)}`;
}

/** The From header, only from a sending address that may send: ours, or a custom one once verified. */
export function fromHeader(inbox: InboxSending, agentName: string): { header: string; address: string } {
  const address = inbox.senderAddress;
  if (!address || !inbox.senderName) throw new Conflict('sender_not_set', 'the inbox has no sender name and address yet: finish its setup first');
  if (address.mode === 'custom' && !address.verified) throw new Conflict('sender_not_verified', `${address.address} is not verified: replies cannot be sent from it until the link emailed to it is opened`);
  return { header: formatFrom(displayNameFor(inbox.senderName, agentName), address.address), address: address.address };
}

const lower = (mailboxes: readonly Mailbox[] | undefined) => (mailboxes ?? []).map((mailbox) => mailbox.email.toLowerCase());

/** Everyone who took part: senders, recipients and Reply-To addresses of every message. */
export function participants(messages: readonly StoredMessage[]): Set<string> {
  return new Set(messages.flatMap((message) => [...lower([message.from]), ...lower(message.to), ...lower(message.cc), ...lower(message.replyTo)]));
}

/**
 * To and Cc. By default the contact (their Reply-To if their last message had one), and with "reply all" the
 * Cc and To of their last message less our own addresses. Given To/Cc are kept within the participants,
 * unless an address is confirmed in `addRecipients`.
 */
export function recipients(input: Pick<ReplyInput, 'to' | 'cc' | 'addRecipients' | 'replyAll'>, messages: readonly StoredMessage[], inbox: InboxSending): { to: string[]; cc: string[] } {
  const lastInbound = [...messages].reverse().find((message) => message.direction === 'inbound');
  const own = new Set([...inbox.ownAddresses, inbox.senderAddress?.address].filter(Boolean).map((address) => address!.toLowerCase()));
  const isOurs = (address: string) => own.has(address) || address.split('@')[0].includes('+') && own.has(address.replace(/\+[^@]*@/, '@'));
  const defaultTo = lower(lastInbound?.replyTo?.length ? lastInbound.replyTo : lastInbound ? [lastInbound.from] : []);
  const to = input.to ?? defaultTo;
  const replyAll = input.replyAll ?? true;
  const defaultCc = replyAll && lastInbound ? [...lower(lastInbound.to), ...lower(lastInbound.cc)] : [];
  const cc = (input.cc ?? defaultCc).filter((address) => !isOurs(address) && !to.includes(address));
  const known = participants(messages);
  const added = new Set(input.addRecipients ?? []);
  const issues: FieldIssue[] = [];
  for (const [field, list] of [['to', input.to], ['cc', input.cc]] as const) {
    list?.forEach((address, index) => {
      if (!known.has(address) && !added.has(address)) issues.push({ field: `${field}.${index}`, rule: 'not_a_participant', message: `${address} has not taken part in this conversation: confirm it in addRecipients` });
      if (isOurs(address)) issues.push({ field: `${field}.${index}`, rule: 'own_address', message: `${address} is this inbox's own address` });
    });
  }
  if (!to.length) issues.push({ field: 'to', rule: 'required', message: 'the conversation has no inbound message to answer: name the recipients' });
  if (issues.length) throw new ValidationFailed(issues);
  return { to: [...new Set(to)], cc: [...new Set(cc)] };
}

/** In-Reply-To the last inbound Message-ID; References its references and it, the newest MAX_REFERENCES. */
export function threading(messages: readonly StoredMessage[]): { inReplyTo?: string; references: string[] } {
  const last = [...messages].reverse().find((message) => message.direction === 'inbound' && message.messageIdHeader)
    ?? [...messages].reverse().find((message) => message.messageIdHeader);
  if (!last?.messageIdHeader) return { references: [] };
  const references = [...new Set([...(last.references ?? []), last.messageIdHeader])].slice(-MAX_REFERENCES);
  return { inReplyTo: last.messageIdHeader, references };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The agent's then the inbox's signature, after the usual `-- ` separator (HTML: the same, escaped). */
export function withSignatures(body: { text: string; html?: string }, signatures: readonly (string | undefined)[]): { text: string; html?: string } {
  const present = signatures.filter((signature): signature is string => !!signature?.trim());
  if (!present.length) return body;
  const block = present.join('\n');
  return {
    text: `${body.text.replace(/\s+$/, '')}\n\n-- \n${block}\n`,
    html: body.html === undefined ? undefined : `${body.html}<div class="signature">-- <br>${escapeHtml(block).replace(/\n/g, '<br>')}</div>`,
  };
}

/** At most this much of the quoted message's text (characters) and lines: history stays a reminder, not a copy. */
export const MAX_QUOTED_CHARACTERS = 20_000;
export const MAX_QUOTED_LINES = 400;
export const MAX_QUOTED_HTML = 200_000;

/** The message a reply quotes, with its bodies read (HTML already sanitized). */
export interface QuotedMessage {
  readonly date: string;
  readonly name: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * The quoted history below the reply, as clients write it: text `On <date>, <name> wrote:` and `> ` lines
 * (bounded); HTML a blockquote of the message's sanitized HTML, or of its escaped text.
 */
export function withQuote(body: { text: string; html?: string }, quoted: QuotedMessage | undefined): { text: string; html?: string } {
  if (!quoted) return body;
  const lines = truncateText(quoted.text, MAX_QUOTED_CHARACTERS).replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n').slice(0, MAX_QUOTED_LINES);
  const attribution = `On ${quoted.date}, ${quoted.name} wrote:`;
  const quotedHtml = quoted.html ?? escapeHtml(lines.join('\n')).replace(/\n/g, '<br>');
  return {
    text: `${body.text.replace(/\s+$/, '')}\n\n${attribution}\n${lines.map((line) => (line ? `> ${line}` : '>')).join('\n')}\n`,
    html: body.html === undefined ? undefined : `${body.html}<div class="quote">${escapeHtml(attribution)}<br><blockquote type="cite">${quotedHtml}</blockquote></div>`,
  };
}

/** The last inbound message, when the inbox quotes it. */
export const messageToQuote = (inbox: Pick<InboxSending, 'quote'>, messages: readonly StoredMessage[]) =>
  inbox.quote === 'last-message' ? [...messages].reverse().find((message) => message.direction === 'inbound') : undefined;

/** SES replaces the Message-ID of mail it sends with its own id in this form: what answers quote. */
export function sesThreadingId(sesMessageId: string, region: string): string {
  return `${sesMessageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com`;
}
