/** Conversations as the agent workspace API shows them. */
import type { AttachmentRecord } from '../inbound/domain/message';
import type { AttributionDecision, Mailbox } from '../inbound/domain/outcome';

export type ConversationStatus = 'open' | 'closed';

/** Who merged a conversation into another, and when; the source keeps it as a pointer. */
export interface MergeRecord {
  readonly into: string;
  readonly by: string;
  readonly at: string;
}

/** The views of an inbox, and across the account's inboxes (`mine` only). */
export const INBOX_VIEWS = ['unassigned', 'mine', 'open', 'closed'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

/** A conversation as stored (what the use cases read). */
export interface Conversation {
  readonly conversationId: string;
  readonly accountId: string;
  readonly inboxId: string;
  readonly subject: string;
  readonly status: ConversationStatus;
  readonly assigneeId: string | null;
  readonly contactId: string;
  readonly contactEmail: string;
  readonly contactName?: string;
  readonly createdAt: string;
  readonly lastMessageAt: string;
  readonly messageCount: number;
  readonly snippet?: string;
  readonly ticketId?: string;
  /** Set once merged: the conversation is then only a pointer to this one (out of every view). */
  readonly mergedInto?: string;
  readonly merge?: MergeRecord;
}

/** One line of a view. */
export interface ConversationSummary {
  readonly conversationId: string;
  readonly inboxId: string;
  readonly subject: string;
  readonly contact: { readonly contactId: string; readonly email: string; readonly name: string | null };
  readonly lastMessageAt: string;
  readonly snippet: string;
  readonly status: ConversationStatus;
  readonly assigneeId: string | null;
  readonly messageCount: number;
  readonly ticketId: string | null;
}

export function summaryOf(conversation: Conversation): ConversationSummary {
  return {
    conversationId: conversation.conversationId,
    inboxId: conversation.inboxId,
    subject: conversation.subject,
    contact: { contactId: conversation.contactId, email: conversation.contactEmail, name: conversation.contactName ?? null },
    lastMessageAt: conversation.lastMessageAt,
    snippet: conversation.snippet ?? '',
    status: conversation.status,
    assigneeId: conversation.assigneeId ?? null,
    messageCount: conversation.messageCount,
    ticketId: conversation.ticketId ?? null,
  };
}

/** A message's file: an inbound one as the chain stored it, or a reply's upload (which has no hash). */
export type StoredAttachment = Omit<AttachmentRecord, 'sha256'> & { readonly sha256?: string };

/** A contact as a message or conversation names it. */
export interface ContactRef {
  readonly contactId: string;
  readonly email: string;
  readonly name: string | null;
}

/** An agent's correction of who a message is from (the latest one; the chain's decision stays beside it). */
export interface AttributionCorrection {
  /** The user who corrected it. */
  readonly by: string;
  readonly at: string;
  readonly previousContact: ContactRef;
  readonly contact: ContactRef;
  /** The forwarder trusted in the same call, if any. */
  readonly trustedForwarder?: string;
}

/** A message as stored: inbound by the chain, outbound by a reply. */
export interface StoredMessage {
  readonly messageId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly receivedAt: string;
  readonly subject: string;
  readonly date?: string;
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly replyTo?: readonly Mailbox[];
  readonly messageIdHeader?: string;
  readonly references?: readonly string[];
  readonly text: string;
  readonly html?: string;
  readonly bodies?: { readonly htmlKey?: string; readonly textKey?: string };
  readonly attachments?: readonly StoredAttachment[];
  readonly verdicts?: Record<string, string>;
  readonly attribution?: AttributionDecision;
  readonly forwardedBy?: string | null;
  /** Inbound: the message's contact now (the chain's, or an agent's correction). */
  readonly contactId?: string;
  readonly correction?: AttributionCorrection;
  /** The contact the chain chose, kept by the first correction. */
  readonly originalContact?: ContactRef;
  /** Outbound: who sent it and what SES said. */
  readonly sentBy?: string;
  readonly delivery?: { readonly status: 'sent' | 'failed'; readonly reason?: string; readonly sesMessageId?: string; readonly attemptedAt: string };
}

export interface Note {
  readonly noteId: string;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: string;
}

export interface MessageView {
  readonly kind: 'message';
  readonly messageId: string;
  readonly direction: 'inbound' | 'outbound';
  readonly at: string;
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly replyTo: readonly Mailbox[];
  readonly date: string | null;
  readonly subject: string;
  /** Without quoted history and signature: what an agent reads first. */
  readonly newText: string;
  readonly text: string;
  /** Sanitized; null when the message had no HTML part. */
  readonly html: string | null;
  readonly attachments: readonly { readonly index: number; readonly filename: string; readonly contentType: string; readonly size: number; readonly disposition: 'inline' | 'attachment'; readonly url: string | null }[];
  readonly verdicts: Record<string, string> | null;
  readonly attribution: AttributionDecision | null;
  readonly forwardedBy: string | null;
  /** Inbound: the message's contact now; null for outbound. */
  readonly contactId: string | null;
  /** Inbound: the latest correction by an agent (who, when, the contact before); null while the chain's decision stands. */
  readonly correction: AttributionCorrection | null;
  readonly sentBy: string | null;
  readonly delivery: StoredMessage['delivery'] | null;
}

export interface NoteView extends Note {
  readonly kind: 'note';
  readonly at: string;
}

export interface ConversationDetail extends ConversationSummary {
  readonly createdAt: string;
  /** The conversation this one was merged into (it is then only a pointer); null otherwise. */
  readonly mergedInto: string | null;
  readonly merge: MergeRecord | null;
  /** Messages and notes, oldest first. */
  readonly entries: readonly (MessageView | NoteView)[];
}
