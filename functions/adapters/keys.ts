import { createHash } from 'node:crypto';

/** Bytes of a value that may go into a key as it is; longer values (DynamoDB allows 2048 per key) are hashed. */
export const MAX_KEY_PART_BYTES = 256;

/**
 * A value from mail or a request as a key part: as it is when short, else its SHA-256 (`#sha256:…`), so no
 * header value, however long or multi-byte, can push a key past DynamoDB's limit.
 */
export function keyPart(value: string): string {
  if (value.length * 3 <= MAX_KEY_PART_BYTES || Buffer.byteLength(value) <= MAX_KEY_PART_BYTES) return value;
  return `#sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * Item keys of every table, in one place. Prefixes tell item types apart within a table; `gsi1pk`/`gsi1sk`
 * feed the `byParent` index (an inbox's conversations, its quarantine, failed and unroutable mail).
 */
export const keys = {
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  member: (accountId: string, email: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `MEMBER#${keyPart(email)}` }),
  user: (accountId: string, userId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `USER#${userId}` }),
  team: (accountId: string, teamId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `TEAM#${teamId}` }),
  /** Inboxes live in their account's partition: a lookup with another account's id finds nothing. */
  inbox: (accountId: string, inboxId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `INBOX#${inboxId}` }),
  /** An account's own ticket pipeline (the default one lives in code). */
  pipeline: (accountId: string, pipelineId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `PIPELINE#${pipelineId}` }),
  ticket: (accountId: string, ticketId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `TICKET#${ticketId}` }),
  /** Auto-assignment's rotation counter of an inbox (an atomic ADD gives each new conversation its turn). */
  rotation: (accountId: string, inboxId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `ROTATION#${inboxId}` }),
  /** Claims an account subdomain; unique across all accounts. */
  subdomain: (subdomain: string) => ({ pk: `SUBDOMAIN#${subdomain}`, sk: 'SUBDOMAIN' }),
  /** A from-address verification token, by the SHA-256 of the token (the token itself is never stored). */
  verification: (tokenHash: string) => ({ pk: `VERIFY#${tokenHash}`, sk: 'VERIFY' }),
  /** Verification emails an account sent to one address: the rate limit (per account, so no tenant can block another). */
  verificationSends: (accountId: string, address: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `VERIFYSENDS#${address}` }),
  /** Routes a (normalized, untagged) forwarding address to its inbox; unique across all accounts. */
  address: (address: string) => ({ pk: `ADDRESS#${keyPart(address)}`, sk: 'ADDRESS' }),
  /** A sending domain an account connected, in its partition. */
  sendingDomain: (accountId: string, domain: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `SENDINGDOMAIN#${domain}` }),
  /** Claims a sending domain for one account; unique across all accounts. */
  sendingDomainClaim: (domain: string) => ({ pk: `SENDINGDOMAIN#${domain}`, sk: 'SENDINGDOMAIN' }),
  /** The local stack's stand-in for an SES domain identity (SES local has no identity API). */
  localIdentity: (domain: string) => ({ pk: `LOCALIDENTITY#${domain}`, sk: 'LOCALIDENTITY' }),
  contact: (accountId: string, contactId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CONTACT#${contactId}` }),
  conversation: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: 'CONV' }),
  message: (conversationId: string, receivedAt: string, messageId: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `MSG#${receivedAt}#${messageId}`,
  }),
  /** The thread index: a Message-ID seen (stored or referenced) in an inbox, and its conversation. */
  thread: (inboxId: string, messageIdHeader: string) => ({ pk: `THREAD#${inboxId}#${keyPart(messageIdHeader)}`, sk: 'THREAD' }),
  /** One shard of an inbox's view counts (sharded so concurrent arrivals rarely touch the same item). */
  viewCounts: (inboxId: string, shard: number) => ({ pk: `VIEWCOUNTS#${inboxId}#${shard}`, sk: 'VIEWCOUNTS' }),
  /** A reply request's Idempotency-Key (hashed), in its account: the first result, answered again. */
  idempotency: (accountId: string, keyHash: string) => ({ pk: `IDEMPOTENCY#${accountId}#${keyHash}`, sk: 'IDEMPOTENCY' }),
  /**
   * The idempotency keys of the pipeline, all in the raw object's partition: one per inbox the object was
   * delivered to (`INBOX#<id>`), or one for the object itself (`RECEIPT`) when it reached no inbox (failed,
   * unroutable) — and, in data written before per-inbox receipts, for an object that was fully processed.
   */
  receipt: (receiptKey: string, inboxId?: string) => ({ pk: `RECEIPT#${keyPart(receiptKey)}`, sk: inboxId ? `INBOX#${inboxId}` : 'RECEIPT' }),
  /** Where a message lives (its conversation and sort key), by its id alone: what `POST /messages/{id}/…` reads first. */
  messageRef: (messageId: string) => ({ pk: `MSGREF#${messageId}`, sk: 'MSGREF' }),
  /** Someone who takes part in a conversation: sent one of its messages, or was in To/Cc of one. */
  participant: (conversationId: string, email: string) => ({ pk: `CONV#${conversationId}`, sk: `PARTICIPANT#${keyPart(email)}` }),
  /** One shard of an inbox's health counters for a UTC day (`D#2026-12-04`) or hour (`H#2026-12-04T09`); see health-items.ts. */
  healthCounters: (inboxId: string, bucket: string, shard: number) => ({ pk: `HEALTH#${inboxId}`, sk: `${bucket}#${shard}` }),
  /** One shard of how many quarantined messages an inbox holds now; see quarantine-count-items.ts. */
  quarantineCount: (inboxId: string, shard: number) => ({ pk: `QUARANTINECOUNT#${inboxId}#${shard}`, sk: 'QUARANTINECOUNT' }),
} as const;

export const MESSAGE_SK_PREFIX = 'MSG#';
/** Internal notes sort after messages in the conversation's partition (one Query reads both). */
export const NOTE_SK_PREFIX = 'NOTE#';

/** Sort-key prefixes of the item types listed per account (Query with begins_with). */
export const ACCOUNT_ITEMS = { user: 'USER#', team: 'TEAM#', inbox: 'INBOX#', pipeline: 'PIPELINE#', sendingDomain: 'SENDINGDOMAIN#' } as const;

export const listings = {
  conversations: (inboxId: string) => `INBOX#${inboxId}#CONVERSATIONS`,
  quarantine: (inboxId: string) => `INBOX#${inboxId}#QUARANTINE`,
  unroutable: () => 'INBOUND#UNROUTABLE',
  /** Ticket listings (index keys); each sorts by `<createdAt>#<ticketId>`. */
  ticketsInStage: (accountId: string, pipelineId: string, stageId: string) => `TICKETS#${accountId}#STAGE#${pipelineId}#${stageId}`,
  ticketsOfOwner: (accountId: string, ownerId: string | null) => `TICKETS#${accountId}#OWNER#${ownerId ?? '-'}`,
  ticketsOfAccount: (accountId: string) => `TICKETS#${accountId}`,
  failed: () => 'INBOUND#FAILED',
  /** Mail that failed for one inbox (a permanent error after routing): listed for the inbox's admins. */
  failedIn: (inboxId: string) => `INBOX#${inboxId}#FAILED`,
  /** Quarantined mail released or deleted: out of the quarantine listing, still found by its id. */
  quarantineHandled: (inboxId: string) => `INBOX#${inboxId}#QUARANTINE#HANDLED`,
  /** Conversation views (index keys); each sorts by `<lastMessageAt>#<conversationId>`. */
  conversationsByStatus: (inboxId: string, status: 'open' | 'closed') => `INBOX#${inboxId}#CONVERSATIONS#${status}`,
  openConversationsOf: (inboxId: string, assigneeId: string | null) => `INBOX#${inboxId}#OPEN#${assigneeId ?? '-'}`,
  openConversationsAssignedTo: (accountId: string, userId: string) => `ACCOUNT#${accountId}#OPEN#${userId}`,
  /** Contact listings (index keys): by email (every contact), by name (named ones), and one contact's conversations. */
  contactsByEmail: (accountId: string) => `CONTACTS#${accountId}#EMAIL`,
  contactsByName: (accountId: string) => `CONTACTS#${accountId}#NAME`,
  conversationsOfContact: (accountId: string, contactId: string) => `CONTACT#${accountId}#${contactId}#CONVERSATIONS`,
} as const;
