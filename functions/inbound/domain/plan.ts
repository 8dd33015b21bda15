/** What the inbound chain decided for one raw message, before (and as) it is written. */
import type { AttributionDecision, Classification, ClassificationRule, Decision, Mailbox } from './outcome';
import type { AttachmentRecord } from './message';
import type { InboxRoute } from './steps/find-inbox';
import type { ForwardingConfirmation } from './steps/classify';
import type { Collision, ThreadKeys } from './steps/thread';
import type { Verdicts } from './steps/screen';
import type { AssignmentDecision } from './steps/assign';
import type { TicketPlan } from './steps/open-ticket';
import type { RawMailRef, StoredBodies } from './ports';
import type { TraceEntry } from './trace';

/** Facts about the raw message kept on every record, stored or not. */
export interface MessageSummary {
  readonly from?: Mailbox;
  readonly subject: string;
  readonly messageIdHeader?: string;
  readonly date?: string;
  readonly sizeBytes: number;
  readonly attachmentCount: number;
}

interface PlanBase {
  readonly receiptKey: string;
  readonly receiptId: string;
  readonly raw: RawMailRef;
  readonly receivedAt: string;
  readonly trace: readonly TraceEntry[];
  /** Set when a person released quarantined mail: this run is that release (its own receipt). */
  readonly release?: ReleaseOf;
}

/** A release commits under its own receipt, beside the quarantined record's: exactly once, however often it is asked. */
export const releaseReceiptKey = (quarantinedReceiptKey: string): string => `${quarantinedReceiptKey}#released`;

/** A release of quarantined mail: the record it releases and the rules it bypasses. */
export interface ReleaseOf {
  /** The receipt key of the quarantined record released (in the same inbox). */
  readonly receiptKey: string;
  /** The rule that held it, and those earlier releases of the same mail bypassed. */
  readonly skippedRules: readonly string[];
  readonly releasedBy: string;
  readonly releasedAt: string;
}

/**
 * A record with no inbox-side effects: the message failed to parse, no inbox matched, or a permanent error
 * stopped it (for one inbox, when `route` is set).
 */
export interface InboundRecordPlan extends PlanBase {
  readonly outcome: 'failed' | 'unroutable';
  readonly reason: string;
  readonly route?: InboxRoute;
  readonly summary?: MessageSummary;
  readonly addressesSeen?: readonly string[];
}

export interface QuarantinePlan extends PlanBase {
  readonly outcome: 'quarantined' | 'duplicate';
  readonly route: InboxRoute;
  readonly classification: Classification | 'no-sender' | 'duplicate';
  readonly reason: Decision<ClassificationRule | 'no-sender' | 'duplicate-message-id'>;
  readonly summary: MessageSummary;
  readonly verdicts?: Verdicts;
  readonly forwardingConfirmation?: ForwardingConfirmation;
  /** The `+tag` of the address it reached (a reply token), kept so a release threads as the delivery would have. */
  readonly replyToken?: string;
  readonly duplicateOf?: { readonly conversationId: string; readonly messageId: string };
}

export interface StoredPlan extends PlanBase {
  readonly outcome: 'stored';
  readonly route: InboxRoute;
  readonly contact: Mailbox & { readonly contactId: string };
  readonly attribution: AttributionDecision;
  readonly forwardedBy: string | null;
  readonly conversation: {
    readonly conversationId: string;
    readonly isNew: boolean;
    readonly rule: string;
    readonly evidence: string;
    /** The conversation was closed (learnt from a cancelled commit): this message reopens it, counting again for its assignee. */
    readonly reopens?: { readonly assigneeId: string | null };
    /** False when another message holds the own Message-ID (a collision) or a conversation not joined refers to it. */
    readonly indexOwn?: boolean;
  };
  /** Another stored message of the inbox has this Message-ID (another sender or body): recorded, not a duplicate. */
  readonly collision?: Collision;
  /** Who sent it and its body's hash, kept on its own Message-ID's index entry to tell a redelivery from a squatter. */
  readonly identity?: { readonly sender: string; readonly bodySha256: string };
  /** Who takes part (sender, To, Cc; bounded): may join through ids only referenced in this conversation. */
  readonly participants?: readonly string[];
  readonly messageId: string;
  /** Thread index entries to write: the message's own Message-ID and referenced ids not yet indexed. */
  readonly threadKeys: ThreadKeys;
  readonly knownThreadIds: readonly string[];
  readonly message: StoredMessage;
  /** For a new conversation: who was assigned (and by which rule) and the ticket opened, per the inbox's settings. */
  readonly routing?: { readonly assignment?: AssignmentDecision; readonly ticket?: TicketPlan };
}

export interface StoredMessage {
  readonly subject: string;
  readonly date?: string;
  readonly from: Mailbox;
  /** The envelope sender we received, when it differs from the contact (a forwarder, a group). */
  readonly outerFrom?: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly replyTo?: readonly Mailbox[];
  readonly messageIdHeader?: string;
  readonly inReplyTo?: string;
  readonly references: readonly string[];
  /** The text body when it fits in the item; otherwise a preview, with the whole text in S3. */
  readonly text: string;
  readonly textTruncated: boolean;
  readonly bodies: StoredBodies;
  readonly attachments: readonly AttachmentRecord[];
  readonly verdicts?: Verdicts;
  readonly sizeBytes: number;
}

export type InboundPlan = StoredPlan | QuarantinePlan | InboundRecordPlan | AlreadyProcessed;

export interface AlreadyProcessed {
  readonly outcome: 'already-processed';
  readonly receiptKey: string;
  readonly receipt: { readonly outcome: string; readonly conversationId?: string; readonly messageId?: string };
  readonly trace: readonly TraceEntry[];
}
