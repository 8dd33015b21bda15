/**
 * An inbox's quarantine (list, release, delete), its failed mail and its health. A release runs the raw
 * message through the inbound chain again, bypassing only the rule that held it, exactly once: the chain
 * commits it under a receipt of its own, so a repeated or racing release finds that receipt and answers the
 * first result. Who released it and when is claimed on the record before the run, and the record leaves the
 * list only when the result is recorded after it, so a release that crashes or times out in between is still
 * listed and finished by the next release rather than lost.
 */
import { Conflict, NotFound } from '../commons/errors';
import { DEFAULT_PAGE_SIZE, readPage } from '../commons/paging';
import type { Caller } from '../api/http/request';
import type { InboundPlan } from '../inbound/domain/plan';
import { FailedItemView, quarantineItemId, QuarantineItemView, QuarantineRecord, ReleaseResult, ReleaseView } from './model';
import type { InboxInfo, QuarantineContext, ReleaseContext } from './ports';
import type { QuarantinePageInput } from './schemas';

/**
 * What a release may not bypass: a virus (SES found malware: it must never reach an agent's screen), a loop
 * (our own mail coming back: stored, it would show our reply as the customer's and could restart a loop
 * between two systems), and mail with no sender (nothing to attribute it to). The raw message stays in S3.
 */
export const NOT_RELEASABLE: ReadonlySet<string> = new Set(['virus', 'loop', 'no-sender']);

async function inboxOf(context: QuarantineContext, caller: Caller, inboxId: string): Promise<InboxInfo> {
  const inbox = await context.quarantine.inbox(caller.accountId, inboxId);
  if (!inbox) throw new NotFound('inbox');
  return inbox;
}

const pageOf = (input: QuarantinePageInput) => ({ limit: input.limit ?? DEFAULT_PAGE_SIZE, cursor: input.cursor });

export async function listQuarantine(context: QuarantineContext, caller: Caller, inboxId: string, input: QuarantinePageInput): Promise<{ items: QuarantineItemView[]; cursor?: string }> {
  const [, page] = await Promise.all([inboxOf(context, caller, inboxId), readPage(() => context.quarantine.listQuarantined(inboxId, pageOf(input)))]);
  return { items: page.items.map(itemView), ...(page.cursor ? { cursor: page.cursor } : {}) };
}

function itemView(record: QuarantineRecord): QuarantineItemView {
  const { itemId, receivedAt, from, subject, classification, rule, evidence, released } = record;
  const releaseStarted = released ? { releasedBy: released.releasedBy, releasedAt: released.releasedAt } : null;
  return { itemId, receivedAt, from, subject, classification, rule, evidence, releasable: !NOT_RELEASABLE.has(classification), releaseStarted };
}

async function recordOf(context: QuarantineContext, caller: Caller, inboxId: string, itemId: string): Promise<{ inbox: InboxInfo; record: QuarantineRecord }> {
  const [inbox, record] = await Promise.all([inboxOf(context, caller, inboxId), context.quarantine.find(inboxId, itemId)]);
  if (!record || record.accountId !== caller.accountId) throw new NotFound('quarantined message');
  return { inbox, record };
}

export async function releaseQuarantined(context: ReleaseContext, caller: Caller, inboxId: string, itemId: string): Promise<ReleaseView> {
  const found = await recordOf(context, caller, inboxId, itemId);
  let record = found.record;
  if (!record.released && !record.deleted) {
    if (NOT_RELEASABLE.has(record.classification)) {
      throw new Conflict('not_releasable', `${record.classification} (${record.rule}) cannot be released; the raw message stays in the mail bucket`);
    }
    record = await context.quarantine.claimRelease(record, caller.userId, context.now().toISOString());
  }
  if (record.deleted) throw new Conflict('quarantine_deleted', 'this message was deleted from the quarantine; it cannot be released');
  const released = record.released!;
  if (released.result) return { ...released.result, releasedBy: released.releasedBy, releasedAt: released.releasedAt };

  // Run (or finish) the release; the chain's receipt makes a second run a no-op.
  const plan = await context.runRelease({
    raw: record.raw,
    receivedAt: record.receivedAt,
    route: { inboxId, accountId: record.accountId, address: record.address ?? found.inbox.forwardingAddress },
    replyToken: record.replyToken,
    verdicts: record.verdicts,
    release: { receiptKey: record.receiptKey, skippedRules: [...record.skippedRules, record.rule], releasedBy: released.releasedBy, releasedAt: released.releasedAt },
  });
  const result = plan.outcome === 'already-processed' ? await context.quarantine.releaseResult(record) : resultOf(plan);
  if (!result) throw new Error(`release of ${record.receiptKey} was processed but its receipt is missing`);
  await context.quarantine.recordReleaseResult(record, result);
  return { ...result, releasedBy: released.releasedBy, releasedAt: released.releasedAt };
}

function resultOf(plan: Exclude<InboundPlan, { outcome: 'already-processed' }>): ReleaseResult {
  switch (plan.outcome) {
    case 'stored':
      return { outcome: 'stored', conversationId: plan.conversation.conversationId, messageId: plan.messageId };
    case 'duplicate':
      return { outcome: 'duplicate', conversationId: plan.duplicateOf?.conversationId, messageId: plan.duplicateOf?.messageId, reason: plan.reason.evidence };
    case 'quarantined':
      return { outcome: 'quarantined', itemId: quarantineItemId(plan.receivedAt, plan.receiptId), reason: `${plan.reason.rule}: ${plan.reason.evidence}` };
    case 'failed':
    case 'unroutable':
      return { outcome: 'failed', reason: plan.reason };
  }
}

/** Removes it from the list (the raw message stays in S3 until the bucket's lifecycle); deleting again is a no-op. */
export async function deleteQuarantined(context: QuarantineContext, caller: Caller, inboxId: string, itemId: string): Promise<void> {
  let { record } = await recordOf(context, caller, inboxId, itemId);
  if (!record.released && !record.deleted) record = await context.quarantine.markDeleted(record, caller.userId, context.now().toISOString());
  if (record.released) throw new Conflict('quarantine_released', 'this message was released; it can no longer be deleted from the quarantine');
}

export async function listFailed(context: QuarantineContext, caller: Caller, inboxId: string, input: QuarantinePageInput): Promise<{ items: FailedItemView[]; cursor?: string }> {
  const [, page] = await Promise.all([inboxOf(context, caller, inboxId), readPage(() => context.quarantine.listFailed(inboxId, pageOf(input)))]);
  return { items: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

/**
 * Last arrival, counts per classification over 24 hours and 7 days, SPF/DKIM/DMARC pass rates, and Gmail's
 * forwarding confirmation — its code always, its link only when the mail authenticated as Google's (DMARC).
 */
export async function inboxHealth(context: QuarantineContext, caller: Caller, inboxId: string) {
  const now = context.now();
  const [inbox, counts] = await Promise.all([inboxOf(context, caller, inboxId), context.quarantine.health(inboxId, now)]);
  const confirmation = inbox.forwardingConfirmation;
  return {
    inboxId,
    at: now.toISOString(),
    ...counts,
    forwardingConfirmation: confirmation
      ? { code: confirmation.code, link: confirmation.authenticated ? confirmation.link : null, receivedAt: confirmation.receivedAt, authenticated: confirmation.authenticated === true, ...(confirmation.requestedBy ? { requestedBy: confirmation.requestedBy } : {}) }
      : null,
  };
}
