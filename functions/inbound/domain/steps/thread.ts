/**
 * Step 7 (thread): which conversation of the inbox this message belongs to. In order: our reply token
 * (`<local>+<token>@<domain>`), then every In-Reply-To id, then References (newest first), against
 * Message-IDs seen in the same inbox — inbound and outbound alike — then Outlook's Thread-Index root.
 *
 * A Message-ID of a stored message joins its conversation. A Message-ID known only because some message
 * referenced it (or a Thread-Index root, which anyone can write) joins only when the sender already takes
 * part in that conversation: otherwise a stranger could pre-reference a future Message-ID and capture the
 * real mail when it arrives. The same Message-ID stored before is a duplicate only when it came from the
 * same sender with the same body; anything else is a collision: stored, and recorded as one.
 */
import { createHash } from 'node:crypto';
import type { ParsedMessage } from '../message';
import type { TraceEntry } from '../trace';

/** How many ids (In-Reply-To, then the newest References) are looked up: one batched round trip. */
export const MAX_REFERENCES = 100;
/** How many of them, not yet known, a stored message indexes (the newest): keeps the transaction small. */
export const MAX_INDEXED_REFERENCES = 10;
/** In-Reply-To ids considered (RFC 5322 allows several; more than a few is not a reply). */
export const MAX_IN_REPLY_TO = 10;

export interface ThreadIndexEntry {
  readonly conversationId: string;
  /** Set when a message carrying this Message-ID is stored (not merely referenced). */
  readonly storedMessageId?: string;
  /** The id SES gave a reply we sent (indexed at send time). */
  readonly outbound?: boolean;
  /** Who sent the stored message and the SHA-256 of its body: tell a redelivery from a squatter. */
  readonly sender?: string;
  readonly bodySha256?: string;
}

export interface ThreadLookup {
  /** The conversation named by the reply token, when it exists in this inbox. */
  readonly replyTokenConversationId?: string;
  /** Index entries found for the message's own and referenced Message-IDs and its Thread-Index root. */
  readonly entries: ReadonlyMap<string, ThreadIndexEntry>;
}

export interface ThreadKeys {
  readonly own?: string;
  /** Every In-Reply-To id, as listed. */
  readonly inReplyTo: readonly string[];
  /** In-Reply-To ids (last listed first), then References newest first; unique, without `own`. */
  readonly referenced: readonly string[];
  /** Outlook's conversation root (`Thread-Index`'s first 22 bytes), as an index id. */
  readonly threadIndexRoot?: string;
  /** Message-ID, sender and body hash together, as an index id: the same message again, whatever path it took. */
  readonly fingerprint?: string;
}

/** What the thread step needs to know about the message's sender. */
export interface ThreadIdentity {
  /** Conversations the sender takes part in, among those only references pointed at (read when needed). */
  readonly participatesIn: ReadonlySet<string>;
}

export type ThreadRule = 'reply-token' | 'in-reply-to' | 'references' | 'thread-index';

export type ThreadDecision =
  | { readonly kind: 'existing'; readonly conversationId: string; readonly rule: ThreadRule; readonly evidence: string; readonly trace: TraceEntry; readonly collision?: Collision; readonly indexOwn: boolean }
  | { readonly kind: 'new'; readonly rule: 'new-conversation'; readonly evidence: string; readonly trace: TraceEntry; readonly collision?: Collision; readonly indexOwn: boolean }
  | { readonly kind: 'duplicate'; readonly conversationId: string; readonly messageId: string; readonly evidence: string; readonly trace: TraceEntry };

/** Another message already holds this Message-ID in the inbox: this one is stored anyway. */
export interface Collision {
  readonly messageIdHeader: string;
  readonly conversationId: string;
  readonly storedMessageId: string;
}

const THREAD_INDEX_PREFIX = 'thread-index:';
const FINGERPRINT_PREFIX = 'fingerprint:';

type ThreadHeaders = Pick<ParsedMessage, 'messageId' | 'inReplyToIds' | 'references' | 'threadIndex'> & Partial<Pick<ParsedMessage, 'from' | 'bodySha256'>>;

export function threadKeys(message: ThreadHeaders): ThreadKeys {
  const inReplyTo = message.inReplyToIds.slice(0, MAX_IN_REPLY_TO);
  // A Set, not indexOf: thousands of References must cost linear time.
  const referenced = [...new Set([...[...inReplyTo].reverse(), ...[...message.references].reverse()])]
    .filter((id) => id !== message.messageId)
    .slice(0, MAX_REFERENCES);
  const root = threadIndexRoot(message.threadIndex);
  const fingerprint = message.messageId && message.bodySha256
    ? `${FINGERPRINT_PREFIX}${createHash('sha256').update(`${message.messageId}\n${message.from?.email ?? ''}\n${message.bodySha256}`).digest('hex')}`
    : undefined;
  return { own: message.messageId, inReplyTo, referenced, threadIndexRoot: root && `${THREAD_INDEX_PREFIX}${root}`, fingerprint };
}

/** The ids to look up in the thread index: own, referenced, Thread-Index root. */
export function threadLookupIds(keys: ThreadKeys): string[] {
  return [keys.own, ...keys.referenced, keys.threadIndexRoot, keys.fingerprint].filter((id): id is string => !!id);
}

/**
 * Outlook's Thread-Index: base64 of a 22-byte header (time and a GUID) naming the conversation, plus 5 bytes
 * per reply. The header is the root every message of the conversation shares.
 */
export function threadIndexRoot(value: string | undefined): string | undefined {
  if (!value || value.length > 4096) return undefined;
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length < 22 || (bytes.length - 22) % 5 !== 0) return undefined;
  return bytes.subarray(0, 22).toString('base64');
}

export function decideThread(keys: ThreadKeys, replyToken: string | undefined, lookup: ThreadLookup, identity: ThreadIdentity): ThreadDecision {
  const own = keys.own ? lookup.entries.get(keys.own) : undefined;
  const same = keys.fingerprint ? lookup.entries.get(keys.fingerprint) : undefined;
  // Entries written before fingerprints carry no body hash: only the Message-ID can be compared.
  const legacy = own?.storedMessageId && own.bodySha256 === undefined ? own : undefined;
  const duplicateOf = same?.storedMessageId ? same : legacy;
  if (duplicateOf) {
    const evidence = `Message-ID <${keys.own}> is already stored as ${duplicateOf.storedMessageId}${same ? ' (same sender, same body)' : ''}`;
    return { kind: 'duplicate', conversationId: duplicateOf.conversationId, messageId: duplicateOf.storedMessageId!, evidence, trace: { step: 'thread', decision: 'duplicate', why: evidence } };
  }
  let collision: Collision | undefined;
  if (own?.storedMessageId) {
    collision = { messageIdHeader: keys.own!, conversationId: own.conversationId, storedMessageId: own.storedMessageId };
  }
  const notes: string[] = collision ? [`Message-ID <${keys.own}> collides with stored ${collision.storedMessageId} (another sender or body)`] : [];
  // The own id may be indexed unless a stored message holds it, or a conversation we do not join refers to it.
  const ownFree = !own;
  const decided = (conversationId: string, rule: ThreadRule, evidence: string): ThreadDecision => {
    const why = [evidence, ...notes].join('; ');
    const indexOwn = ownFree || (!own!.storedMessageId && own!.conversationId === conversationId);
    return { kind: 'existing', conversationId, rule, evidence: why, collision, indexOwn, trace: { step: 'thread', decision: `conversation ${conversationId}`, why } };
  };

  if (replyToken && lookup.replyTokenConversationId) return decided(lookup.replyTokenConversationId, 'reply-token', `reply token +${replyToken}`);
  const inReplyTo = new Set(keys.inReplyTo);
  for (const id of keys.referenced) {
    const entry = lookup.entries.get(id);
    if (!entry) continue;
    const rule = inReplyTo.has(id) ? 'in-reply-to' : 'references';
    const header = `${rule === 'in-reply-to' ? 'In-Reply-To' : 'References'}: <${id}>`;
    if (entry.storedMessageId) return decided(entry.conversationId, rule, header);
    if (identity.participatesIn.has(entry.conversationId)) return decided(entry.conversationId, rule, `${header}, referenced by a conversation the sender takes part in`);
    notes.push(`${header} is only referenced by a conversation the sender takes no part in`);
  }
  // A message that others already referenced (it arrived after its replies) joins their conversation.
  if (own && !own.storedMessageId) {
    if (identity.participatesIn.has(own.conversationId)) return decided(own.conversationId, 'references', `Message-ID <${keys.own}> is referenced by a conversation the sender takes part in`);
    notes.push(`Message-ID <${keys.own}> is referenced by a conversation the sender takes no part in`);
  }
  const root = keys.threadIndexRoot ? lookup.entries.get(keys.threadIndexRoot) : undefined;
  if (root && identity.participatesIn.has(root.conversationId)) return decided(root.conversationId, 'thread-index', `Thread-Index root ${keys.threadIndexRoot!.slice(THREAD_INDEX_PREFIX.length)} of a conversation the sender takes part in`);

  const base = keys.referenced.length ? `none of ${keys.referenced.length} referenced Message-IDs joins a conversation` : 'no reply token, In-Reply-To or References';
  const why = [base, ...notes].join('; ');
  return { kind: 'new', rule: 'new-conversation', evidence: why, collision, indexOwn: ownFree, trace: { step: 'thread', decision: 'new conversation', why } };
}

/** Conversations only a reference (or a Thread-Index root) points at: participation must be read for them. */
export function conversationsNeedingParticipation(keys: ThreadKeys, lookup: ThreadLookup): string[] {
  const ids = [keys.own, ...keys.referenced, keys.threadIndexRoot].filter((id): id is string => !!id);
  const needing = new Set<string>();
  for (const id of ids) {
    const entry = lookup.entries.get(id);
    if (entry && (!entry.storedMessageId || id === keys.threadIndexRoot)) needing.add(entry.conversationId);
  }
  return [...needing];
}
