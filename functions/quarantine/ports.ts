/** What the quarantine use cases need: the inbox's quarantine, failed and health records, and the inbound chain. */
import type { InboundPlan } from '../inbound/domain/plan';
import type { ReleaseRequest } from '../inbound/domain/ingest';
import type { FailedItemView, InboxHealthCounts, QuarantineRecord, ReleaseResult } from './model';

export interface Page<T> {
  readonly items: T[];
  readonly cursor?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** The inbox as these use cases need it: that it is the account's, its address and Gmail's confirmation. */
export interface InboxInfo {
  readonly forwardingAddress: string;
  readonly forwardingConfirmation?: { readonly code: string | null; readonly link: string | null; readonly receivedAt: string; readonly authenticated?: boolean; readonly requestedBy?: string };
}

export interface QuarantineStore {
  /** The inbox when it is one of the account's (else undefined: indistinguishable from a missing one). */
  inbox(accountId: string, inboxId: string): Promise<InboxInfo | undefined>;
  /** Quarantined mail still waiting, newest first. Throws InvalidCursor for a cursor of another listing. */
  listQuarantined(inboxId: string, page: PageRequest): Promise<Page<QuarantineRecord>>;
  /** A record by id: waiting, released or deleted; undefined for an id of another inbox or none. */
  find(inboxId: string, itemId: string): Promise<QuarantineRecord | undefined>;
  /** Marks it released by `releasedBy` (once; it stays listed until the result): the record as it is afterwards, whoever claimed it. */
  claimRelease(record: QuarantineRecord, releasedBy: string, releasedAt: string): Promise<QuarantineRecord>;
  /** The release's result, kept on the record; the first to record it takes the record out of the list and the count. */
  recordReleaseResult(record: QuarantineRecord, result: ReleaseResult): Promise<void>;
  /** What the release's own receipt says, when the run was committed by another request. */
  releaseResult(record: QuarantineRecord): Promise<ReleaseResult | undefined>;
  /** Marks it deleted (once): the record as it is afterwards. */
  markDeleted(record: QuarantineRecord, deletedBy: string, deletedAt: string): Promise<QuarantineRecord>;
  listFailed(inboxId: string, page: PageRequest): Promise<Page<FailedItemView>>;
  health(inboxId: string, now: Date): Promise<InboxHealthCounts>;
}

export interface QuarantineContext {
  readonly quarantine: QuarantineStore;
  readonly now: () => Date;
}

/** A release also runs the inbound chain: its own function, so the other quarantine routes never load it. */
export interface ReleaseContext extends QuarantineContext {
  /** The inbound chain, run for a release (`ingestRelease` over the real ports). */
  readonly runRelease: (request: ReleaseRequest) => Promise<InboundPlan>;
}
