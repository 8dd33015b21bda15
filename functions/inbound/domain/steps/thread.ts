/**
 * Step 7 (thread): which conversation of the inbox this message belongs to. In order: our reply token
 * (`<local>+<token>@<domain>`), then In-Reply-To, then References (newest first), against Message-IDs
 * stored in the same inbox — inbound and outbound alike. A Message-ID already stored in the inbox means
 * the same message arrived again by another path: it is not stored twice.
 */
import type { ParsedMessage } from '../message';
import type { TraceEntry } from '../trace';

/** How many References (the newest) are looked up and indexed; threads rarely need more. */
export const MAX_REFERENCES = 10;

export interface ThreadIndexEntry {
  readonly conversationId: string;
  /** Set when a message carrying this Message-ID is stored (not merely referenced). */
  readonly storedMessageId?: string;
  /** The id SES gave a reply we sent (indexed at send time). */
  readonly outbound?: boolean;
}

export interface ThreadLookup {
  /** The conversation named by the reply token, when it exists in this inbox. */
  readonly replyTokenConversationId?: string;
  /** Index entries found for the message's own and referenced Message-IDs. */
  readonly entries: ReadonlyMap<string, ThreadIndexEntry>;
}

export interface ThreadKeys {
  readonly own?: string;
  readonly inReplyTo?: string;
  /** In-Reply-To first, then References newest first. */
  readonly referenced: readonly string[];
}

export type ThreadDecision =
  | { readonly kind: 'existing'; readonly conversationId: string; readonly rule: 'reply-token' | 'in-reply-to' | 'references'; readonly evidence: string; readonly trace: TraceEntry }
  | { readonly kind: 'new'; readonly rule: 'new-conversation'; readonly evidence: string; readonly trace: TraceEntry }
  | { readonly kind: 'duplicate'; readonly conversationId: string; readonly messageId: string; readonly evidence: string; readonly trace: TraceEntry };

export function threadKeys(message: Pick<ParsedMessage, 'messageId' | 'inReplyTo' | 'references'>): ThreadKeys {
  // A Set, not indexOf: thousands of References must cost linear time.
  const referenced = [...new Set([message.inReplyTo, ...[...message.references].reverse()])]
    .filter((id): id is string => !!id && id !== message.messageId)
    .slice(0, MAX_REFERENCES + 1);
  return { own: message.messageId, inReplyTo: message.inReplyTo, referenced };
}

export function decideThread(keys: ThreadKeys, replyToken: string | undefined, lookup: ThreadLookup): ThreadDecision {
  const own = keys.own ? lookup.entries.get(keys.own) : undefined;
  if (own?.storedMessageId) {
    const evidence = `Message-ID <${keys.own}> is already stored as ${own.storedMessageId}`;
    return { kind: 'duplicate', conversationId: own.conversationId, messageId: own.storedMessageId, evidence, trace: { step: 'thread', decision: 'duplicate', why: evidence } };
  }
  if (replyToken && lookup.replyTokenConversationId) {
    return existing(lookup.replyTokenConversationId, 'reply-token', `reply token +${replyToken}`);
  }
  for (const id of keys.referenced) {
    const entry = lookup.entries.get(id);
    if (entry) {
      const rule = id === keys.inReplyTo ? 'in-reply-to' : 'references';
      return existing(entry.conversationId, rule, `${rule === 'in-reply-to' ? 'In-Reply-To' : 'References'}: <${id}>`);
    }
  }
  // A message that others already referenced (it arrived after its replies) joins their conversation.
  if (own) return existing(own.conversationId, 'references', `Message-ID <${keys.own}> is referenced by the conversation`);
  const why = keys.referenced.length ? `none of ${keys.referenced.length} referenced Message-IDs is known in this inbox` : 'no reply token, In-Reply-To or References';
  return { kind: 'new', rule: 'new-conversation', evidence: why, trace: { step: 'thread', decision: 'new conversation', why } };
}

function existing(conversationId: string, rule: 'reply-token' | 'in-reply-to' | 'references', evidence: string): ThreadDecision {
  return { kind: 'existing', conversationId, rule, evidence, trace: { step: 'thread', decision: `conversation ${conversationId}`, why: evidence } };
}
