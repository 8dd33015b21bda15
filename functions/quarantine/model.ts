/** Quarantined and failed mail of an inbox, and what a release did, as the API shows them. */
import type { Mailbox } from '../inbound/domain/outcome';
import type { RawMailRef } from '../inbound/domain/ports';
import type { Verdicts } from '../inbound/domain/steps/screen';

/** A record's id: its place in its inbox's listings (`<receivedAt>#<receiptId>`), base64url. */
export const quarantineItemId = (receivedAt: string, receiptId: string): string => Buffer.from(`${receivedAt}#${receiptId}`).toString('base64url');

/** A quarantined record of an inbox (the receipt the chain wrote), with what became of it. */
export interface QuarantineRecord {
  /** Opaque: finds the record in its inbox's listings. */
  readonly itemId: string;
  readonly inboxId: string;
  readonly accountId: string;
  readonly receiptKey: string;
  readonly receivedAt: string;
  readonly raw: RawMailRef;
  readonly classification: string;
  readonly rule: string;
  /** The header line (or verdict) that decided. */
  readonly evidence: string;
  readonly from: Mailbox | null;
  readonly subject: string;
  readonly verdicts?: Verdicts;
  /** The inbox address it reached and the `+tag` on it (absent on records written before releases existed). */
  readonly address?: string;
  readonly replyToken?: string;
  /** Rules bypassed by the release this record came from (none for mail as it arrived). */
  readonly skippedRules: readonly string[];
  readonly released?: { readonly releasedBy: string; readonly releasedAt: string; readonly result?: ReleaseResult };
  readonly deleted?: { readonly deletedBy: string; readonly deletedAt: string };
}

/** What the release's run through the chain ended as. */
export interface ReleaseResult {
  readonly outcome: 'stored' | 'quarantined' | 'duplicate' | 'failed';
  readonly conversationId?: string;
  readonly messageId?: string;
  /** Held again by another rule: the new quarantined record (itself releasable). */
  readonly itemId?: string;
  readonly reason?: string;
}

export type ReleaseView = ReleaseResult & { readonly releasedBy: string; readonly releasedAt: string };

export interface QuarantineItemView {
  readonly itemId: string;
  readonly receivedAt: string;
  readonly from: Mailbox | null;
  readonly subject: string;
  readonly classification: string;
  readonly rule: string;
  readonly evidence: string;
  readonly releasable: boolean;
  /** A release claimed it and did not finish (the record leaves the list when one does): release again. */
  readonly releaseStarted: { readonly releasedBy: string; readonly releasedAt: string } | null;
}

export interface FailedItemView {
  readonly receivedAt: string;
  readonly reason: string;
  readonly from: Mailbox | null;
  readonly subject: string | null;
}

/** Inbox health, summed from the counters the chain keeps at ingest (functions/adapters/health-items.ts). */
export interface AuthenticationRate {
  readonly judged: number;
  readonly passed: number;
  /** passed ÷ judged, or null when nothing was judged. */
  readonly passRate: number | null;
}

export interface HealthWindow {
  /** Everything recorded for the inbox: stored + quarantined + duplicate + failed. */
  readonly received: number;
  readonly stored: number;
  readonly quarantined: number;
  readonly duplicate: number;
  readonly failed: number;
  readonly released: number;
  readonly quarantinedByRule: Record<string, number>;
  readonly authentication: Record<'spf' | 'dkim' | 'dmarc', AuthenticationRate>;
}

export interface InboxHealthCounts {
  /** The newest arrival recorded (from the newest day buckets kept, so also older than 7 days). */
  readonly lastReceivedAt: string | null;
  readonly last24Hours: HealthWindow;
  readonly last7Days: HealthWindow;
}
