/** A hosted inbox and the settings the setup wizard collects, as plain data. */
import type { ForwardingConfirmation } from '../inbound/domain/steps/classify';
import type { Priority } from '../tickets/pipelines';

export type InboxStatus = 'draft' | 'connected';

export interface SenderName {
  /** "Jane Doe from Acme" (the replying agent and the company) or just "Acme". */
  readonly mode: 'agent-and-company' | 'company';
  readonly companyName: string;
}

export type SenderAddress =
  /** `<username>@<account subdomain>.<inbox domain>`: ours, so verified by construction. */
  | { readonly mode: 'default'; readonly username: string; readonly address: string }
  /** The team's own address (e.g. support@acme.com): usable once its owner clicks the emailed link. */
  | {
      readonly mode: 'custom';
      readonly address: string;
      readonly verified: boolean;
      readonly verifiedAt?: string;
      readonly verificationSentAt?: string;
      /** Hash of the one link that can still verify it: a newer email supersedes older links. */
      readonly pendingTokenHash?: string;
    };

export interface Targets {
  readonly userIds: readonly string[];
  readonly teamIds: readonly string[];
}

export type Assignment =
  | { readonly mode: 'off' }
  | ({ readonly mode: 'specific' } & Targets)
  | { readonly mode: 'contact-owner'; readonly fallback: Targets };

export type TicketOwner = { readonly type: 'assignee' } | { readonly type: 'user'; readonly userId: string };

export interface TicketTemplate {
  readonly name: string;
  readonly pipelineId: string;
  readonly stageId: string;
  readonly priority: Priority;
  readonly owner: TicketOwner;
}

export type TicketSettings = { readonly enabled: false } | { readonly enabled: true; readonly template: TicketTemplate };

export interface Inbox {
  readonly inboxId: string;
  readonly accountId: string;
  readonly name: string;
  readonly channel: 'team-email';
  readonly accountType: 'shared';
  readonly provider: 'other';
  readonly status: InboxStatus;
  /** Where the team forwards its mail; frozen once connected. */
  readonly forwardingAddress: string;
  readonly senderName?: SenderName;
  readonly senderAddress?: SenderAddress;
  readonly assignment: Assignment;
  readonly tickets: TicketSettings;
  /** The team's own addresses: mail they forward is the team's, and its inner sender is trusted. */
  readonly teamAddresses: readonly string[];
  /** Addresses whose manual forwards may name their inner sender (at most MAX_TRUSTED_FORWARDERS). */
  readonly trustedForwarders: readonly string[];
  /** Whether the users of the account are trusted forwarders too (on by default). */
  readonly membersTrusted: boolean;
  /** Addresses routed to this inbox (forwarding, and the default sender address replies come back to). */
  readonly claimedAddresses: readonly string[];
  /** Gmail's forwarding confirmation, captured by the inbound pipeline while the team sets up forwarding. */
  readonly forwardingConfirmation?: ForwardingConfirmation & { readonly receivedAt: string; readonly authenticated?: boolean };
  readonly version: number;
  readonly createdAt: string;
  readonly connectedAt?: string;
  /** Appended to every reply from this inbox, below the agent's own. */
  readonly signature?: string;
  readonly replySettings?: ReplySettings;
}

/** What a reply carries of the conversation: nothing, or the last inbound message quoted below the text. */
export interface ReplySettings {
  readonly quote: 'none' | 'last-message';
}
