/** What the conversation use cases need from storage and mail; adapters in functions/adapters/. */
import type { Conversation, ConversationStatus, InboxView, Note, StoredMessage } from './model';
import type { InboxSending, OutgoingEmail, ReplyAttachment } from './reply';

/** Which view to read: one of an inbox's, or the caller's open conversations across the account. */
export type Listing =
  | { readonly kind: 'inbox'; readonly inboxId: string; readonly view: InboxView; readonly userId: string }
  | { readonly kind: 'assigned-everywhere'; readonly accountId: string; readonly userId: string };

export interface Page {
  readonly limit: number;
  readonly cursor?: string;
}

export { InvalidCursor } from '../commons/paging';

/** A concurrent change got there first; the use case reads again and decides again. */
export class ChangedMeanwhile extends Error {}

export interface ViewCounts {
  readonly unassigned: number;
  readonly mine: number;
  readonly open: number;
  readonly closed: number;
  /** Quarantined mail the inbox holds now (waiting for an admin to release or delete it). */
  readonly quarantined: number;
}

export interface ConversationStore {
  /** The conversation, if it is the account's (read strongly consistent: changes are conditional on it). */
  conversationOf(accountId: string, conversationId: string): Promise<Conversation | undefined>;
  /** One Query: the conversation with its messages and notes, oldest first. */
  thread(accountId: string, conversationId: string): Promise<{ conversation: Conversation; messages: StoredMessage[]; notes: Note[] } | undefined>;
  inboxExists(accountId: string, inboxId: string): Promise<boolean>;
  list(listing: Listing, page: Page): Promise<{ conversations: Conversation[]; cursor?: string }>;
  /** The counts of an inbox's views, for `userId`'s "mine". */
  viewCounts(inboxId: string, userId: string): Promise<ViewCounts>;
  /**
   * Status and assignee change together with the view keys, the inbox's counts and the assignees' open counts,
   * conditional on the conversation still being as read; ChangedMeanwhile otherwise.
   */
  change(conversation: Conversation, after: { status: ConversationStatus; assigneeId: string | null }): Promise<Conversation>;
  addNote(conversation: Conversation, note: Note): Promise<void>;
}

export interface MailFiles {
  /** A body stored next to the raw mail (HTML, long text). */
  body(key: string): Promise<string>;
  /** A short-lived download link that names the file. */
  downloadUrl(key: string, file: { filename: string; contentType: string; disposition: 'inline' | 'attachment' }): Promise<string>;
}

/** What a reply reads first, in one round trip. */
export interface ReplyRead {
  readonly conversation: Conversation;
  /** Oldest first. */
  readonly messages: readonly StoredMessage[];
  readonly agent?: { readonly name: string; readonly signature?: string };
  /** The earlier request with the same Idempotency-Key, if any. */
  readonly previous?: IdempotencyRecord;
}

export interface IdempotencyRecord {
  readonly conversationId: string;
  /** Absent while the first request is still sending. */
  readonly messageId?: string;
}

export interface OutboundMessage extends StoredMessage {
  readonly direction: 'outbound';
  readonly outgoing: OutgoingEmail;
}

export interface ReplyStore {
  /** The conversation (if the account's) with its messages, the agent, and the Idempotency-Key's record. */
  readForReply(accountId: string, userId: string, conversationId: string, idempotencyKeyHash?: string): Promise<ReplyRead | undefined>;
  inboxSending(accountId: string, inboxId: string): Promise<InboxSending | undefined>;
  /** Claims the Idempotency-Key before sending; false when another request claimed it first. */
  claimIdempotencyKey(accountId: string, keyHash: string, conversationId: string): Promise<boolean>;
  /**
   * One transaction: the message, the conversation's activity, the SES id in the thread index (so answers
   * quoting it thread back) and the Idempotency-Key's result.
   */
  saveReply(conversation: Conversation, message: OutboundMessage, threadingId: string | undefined, idempotencyKeyHash?: string): Promise<void>;
  outboundMessage(conversation: Conversation, messageId: string): Promise<OutboundMessage | undefined>;
  /** Marks a failed reply as being retried; false when it is not (or no longer) failed. */
  claimRetry(conversation: Conversation, message: OutboundMessage): Promise<boolean>;
}

/** Files uploaded for replies (the mail bucket's `outbound/` prefix). */
export interface OutboundFiles {
  /** Records what the file is and answers a short-lived presigned PUT for exactly it. */
  prepareUpload(key: string, file: Omit<ReplyAttachment, 'key'>): Promise<{ uploadUrl: string; expiresAt: string }>;
  /** The file as described and as uploaded (its real size); undefined when it was never prepared or uploaded. */
  uploaded(key: string): Promise<ReplyAttachment | undefined>;
}

/** Sends a composed reply; answers the message id SES gave it. */
export interface ReplySender {
  send(email: OutgoingEmail): Promise<string>;
}
