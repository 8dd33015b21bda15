/** What the inbound use case needs from the outside world. Adapters: S3 + DynamoDB, or files for `explain`. */
import type { Readable } from 'node:stream';
import type { AttachmentSink } from '../parse/parse-mime';
import type { InboxRoute } from './steps/find-inbox';
import type { ThreadLookup } from './steps/thread';
import type { Verdicts } from './steps/screen';
import type { StoredPlan, QuarantinePlan, InboundRecordPlan } from './plan';
import type { Assignment, TicketSettings } from '../../inboxes/model';
import type { RoutingContext } from './steps/assign';

export interface RawMailRef {
  readonly bucket: string;
  readonly key: string;
}

/** What the delivery told us besides the raw bytes. */
export interface InboundEnvelope {
  readonly raw: RawMailRef;
  /** SMTP envelope recipients (SES `receipt.recipients`); empty when only the stored object is known. */
  readonly recipients: readonly string[];
  readonly verdicts?: Verdicts;
  /** When SES (or the local listener) received it. */
  readonly receivedAt: string;
}

/**
 * The record every raw object ends as, per inbox it reached (or once, when it reached none): the
 * idempotency key of the whole pipeline.
 */
export interface ReceiptRecord {
  readonly outcome: 'stored' | 'quarantined' | 'unroutable' | 'failed' | 'duplicate';
  /** Absent on the object's own receipt (failed, unroutable: no inbox reached). */
  readonly inboxId?: string;
  readonly accountId?: string;
  readonly conversationId?: string;
  readonly messageId?: string;
  readonly reason?: string;
  /** The assignee whose open count the commit still owes (its answer was lost after the transaction). */
  readonly pendingOpenCount?: string;
}

export interface InboxProfile {
  readonly inboxId: string;
  readonly accountId: string;
  /** The forwarding address, normalized. */
  readonly address: string;
  /** The team's own address(es) whose mail is forwarded here (e.g. support@acme.com). */
  readonly teamAddresses: readonly string[];
  readonly trustedForwarders: readonly string[];
  /** Whether the account's users are trusted forwarders of this inbox (the inbox's switch; on by default). */
  readonly membersTrusted: boolean;
  readonly name: string;
  readonly assignment: Assignment;
  readonly tickets: TicketSettings;
}

export interface InboxContext {
  /** Undefined if the inbox vanished between route lookup and now. */
  readonly inbox?: InboxProfile;
  /** Those of the requested addresses that belong to users of the inbox's account. */
  readonly memberEmails: ReadonlySet<string>;
  readonly thread: ThreadLookup;
}

export interface InboxContextRequest {
  readonly route: InboxRoute;
  readonly forwarder?: string;
  readonly threadIds: readonly string[];
  readonly replyToken?: string;
}

export interface StoredBodies {
  readonly textKey?: string;
  readonly htmlKey?: string;
  readonly attachmentsKey?: string;
}

/** Thrown by `commit` when a concurrent writer got there first; the use case re-reads and decides again. */
export class CommitConflict extends Error {
  constructor(
    readonly alreadyProcessed: boolean,
    detail: string,
    /** The message's conversation turned out to be closed: the retry reopens it. */
    readonly closedConversation?: { readonly conversationId: string; readonly assigneeId: string | null },
  ) {
    super(`commit conflict: ${detail}`);
    this.name = 'CommitConflict';
  }
}

export interface InboundPorts {
  openRaw(ref: RawMailRef): Promise<Readable>;
  attachmentSink(receiptId: string): AttachmentSink;
  /** One round trip (two requests in parallel): the routes of these addresses and the receipts of this raw object. */
  lookupRoutes(addresses: readonly string[], receiptKey: string): Promise<{ receipts: readonly ReceiptRecord[]; routes: ReadonlyMap<string, InboxRoute> }>;
  /** One round trip: the inbox, whether the forwarder is a member, and the thread index entries. */
  loadInboxContext(request: InboxContextRequest): Promise<InboxContext>;
  /** Of these conversations, those in which one of these addresses takes part (one round trip). */
  loadParticipation(conversationIds: readonly string[], emails: readonly string[]): Promise<ReadonlySet<string>>;
  /** Objects stored for mail that ended up not stored: tagged so the bucket's lifecycle expires them. */
  markUnreferenced(objectKeys: readonly string[]): Promise<void>;
  /** Bodies too large for an item (and HTML, always) go next to the raw message. */
  storeBodies(receiptId: string, bodies: { text?: string; html?: string; attachments?: unknown }): Promise<StoredBodies>;
  /** One transaction: the receipt and everything it implies, or nothing. */
  commit(plan: StoredPlan | QuarantinePlan | InboundRecordPlan): Promise<void>;
  /** What a commit does after its transaction, for a receipt that says it is still owed; idempotent. */
  finishCommit(receiptKey: string, receipt: ReceiptRecord): Promise<void>;
  /** At most two round trips: the users and teams an assignment setting names, their members, the contact's owner. */
  loadRoutingContext(request: RoutingContextRequest): Promise<RoutingContext>;
  /** The inbox's next rotation turn: one atomic increment, so concurrent conversations never share a turn. */
  nextTurn(accountId: string, inboxId: string): Promise<number>;
  newId(prefix: string): string;
}

export interface RoutingContextRequest {
  readonly accountId: string;
  readonly userIds: readonly string[];
  readonly teamIds: readonly string[];
  /** Whose owner to look up (contact-owner assignment). */
  readonly contactId?: string;
}
