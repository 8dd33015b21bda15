/**
 * The inbound use case: one raw message in, exactly one record per inbox it was addressed to — a stored
 * message in the right conversation of the original sender's contact, or a quarantined / failed record with
 * its reason — or one unroutable / failed record for the object when it reached no inbox. The receipt and
 * routes are known from the headers, before the body streams in: attachments are stored only for mail that
 * will be stored. Reads are batched and every write is one transaction per inbox, so a redelivery or a retry
 * after a crash finds the receipts and changes nothing. A permanent error is a `failed` record, never a retry
 * loop; only transient errors are retried.
 */
import { createHash } from 'node:crypto';
import { discardAttachments, parseMime } from '../parse/parse-mime';
import { failureKind, failureReason } from './errors';
import type { ParsedMessage } from './message';
import { contactIdOf } from '../../contacts/identity';
import { InboundPlan, InboundRecordPlan, MessageSummary, QuarantinePlan, ReleaseOf, releaseReceiptKey, StoredPlan } from './plan';
import { CommitConflict, InboundEnvelope, InboundPorts, InboxContext, InboxProfile, RawMailRef, ReceiptRecord, StoredBodies } from './ports';
import { assign, RoutingContext } from './steps/assign';
import { openTicket } from './steps/open-ticket';
import { attributeSender, readSenders, Senders, TrustPolicy } from './steps/attribute-sender';
import { classify } from './steps/classify';
import { recognizeOwnSentMail } from './steps/own-sent-mail';
import { AddressCandidate, findInboxes, inboxCandidates, InboxDelivery, InboxRoute } from './steps/find-inbox';
import { screen, ScreenResult, Verdicts } from './steps/screen';
import { authenticationJudged } from './steps/authentication';
import { conversationsNeedingParticipation, decideThread, threadKeys, threadLookupIds } from './steps/thread';
import { domainOf } from './addresses';
import type { TraceEntry } from './trace';

export interface IngestOptions {
  /** The domain hosted addresses live under: mail from it, or with Message-IDs under it, is our own. */
  readonly inboxDomain: string;
  /** Attempts when concurrent messages of one thread race for the same conversation. @default 8 */
  readonly maxAttempts?: number;
  /**
   * The last try this delivery gets (SQS's last receive before the dead-letter queue, `reconcile`): an
   * error of unknown kind is then recorded `failed` with its reason instead of being thrown again.
   */
  readonly finalAttempt?: boolean;
  /**
   * Whether mail nobody judged (no SPF/DKIM verdict from SES) may be believed when a trusted forwarder
   * forwards it. Only the local stack sets it (its SMTP listener judges nothing); in AWS SES always judges.
   * @default false
   */
  readonly trustUnjudgedMail?: boolean;
}

/** Text kept in the message item; longer bodies are stored whole in S3 with this much as a preview. */
export const INLINE_TEXT_LIMIT = 32 * 1024;
/** Attachment records kept in the item; a message with more keeps the full list in S3. */
export const INLINE_ATTACHMENT_LIMIT = 50;
/** Participants recorded per message (sender, To, Cc): enough for any real conversation, bounded for hostile ones. */
export const MAX_PARTICIPANTS_PER_MESSAGE = 12;

export function receiptKeyOf(envelope: InboundEnvelope): string {
  return `${envelope.raw.bucket}/${envelope.raw.key}`;
}

export function receiptIdOf(receiptKey: string): string {
  return `rc_${createHash('sha256').update(receiptKey).digest('hex').slice(0, 32)}`;
}

export { contactIdOf };

type Base = { receiptKey: string; receiptId: string; raw: InboundEnvelope['raw']; receivedAt: string; release?: ReleaseOf };

/** What the headers alone decide: read while the body is still streaming. */
interface HeaderDecision {
  readonly screened: ScreenResult;
  readonly candidates: readonly AddressCandidate[];
  readonly receipts: readonly ReceiptRecord[];
  readonly routes: ReadonlyMap<string, InboxRoute>;
  /** Whether any inbox may store this message: only then are attachments uploaded. */
  readonly mayStore: boolean;
}

/** One plan per inbox the message reached (`already-processed` for those with a receipt), or one record for the object. */
export async function ingestInbound(envelope: InboundEnvelope, ports: InboundPorts, options: IngestOptions): Promise<InboundPlan[]> {
  const receiptKey = receiptKeyOf(envelope);
  const receiptId = receiptIdOf(receiptKey);
  const base: Base = { receiptKey, receiptId, raw: envelope.raw, receivedAt: envelope.receivedAt };
  const trace: TraceEntry[] = [];
  let headed: Promise<HeaderDecision> | undefined;
  const judgeHeaders = (headers: ParsedMessage) => (headed ??= decideOnHeaders(headers, envelope, ports, options, receiptKey));

  let message: ParsedMessage;
  let headers: HeaderDecision;
  try {
    message = await parseMime(await ports.openRaw(envelope.raw), async (onlyHeaders) => ((await judgeHeaders(onlyHeaders)).mayStore ? ports.attachmentSink(receiptId) : discardAttachments));
    trace.push({ step: 'parse', decision: 'parsed', why: `${message.sizeBytes} bytes, ${message.attachments.length} attachments` });
    headers = await judgeHeaders(message);
  } catch (error) {
    const reason = permanentReason(error, options);
    trace.push({ step: 'parse', decision: 'failed', why: reason });
    return [await commitOnce(ports, { ...base, outcome: 'failed', reason, trace })];
  }
  const summary = summarize(message);
  trace.push(headers.screened.trace);
  const objectReceipt = headers.receipts.find((receipt) => receipt.inboxId === undefined);
  if (objectReceipt) return [alreadyProcessed(receiptKey, objectReceipt, trace)];

  const found = findInboxes(headers.candidates, headers.routes);
  if (!found.found) {
    trace.push(found.trace);
    return [await commitOnce(ports, { ...base, outcome: 'unroutable', reason: found.trace.why, addressesSeen: found.addressesSeen, summary, trace })];
  }
  // What does not depend on the inbox is worked out once for all of them: the senders (the forward parse is
  // the chain's costliest step), the thread keys, the stored bodies.
  const shared: SharedWork = { message, summary, senders: readSenders(message), keys: threadKeys(message), screened: headers.screened, base, ports, options, bodies: undefined, skipRules: NO_RULES };
  const plans: InboundPlan[] = [];
  let transient: unknown;
  for (const delivery of found.deliveries) {
    const inboxTrace = [...trace, delivery.trace];
    const receipt = headers.receipts.find((existing) => existing.inboxId === delivery.route.inboxId);
    if (receipt) {
      // A redelivery after a commit whose answer was lost: what followed its transaction is done now.
      if (receipt.pendingOpenCount) await ports.finishCommit(receiptKey, receipt);
      plans.push(alreadyProcessed(receiptKey, receipt, inboxTrace));
      continue;
    }
    try {
      plans.push(await ingestForInbox(delivery, shared, inboxTrace));
    } catch (error) {
      if (failureKind(error) === 'transient' || (failureKind(error) === 'unknown' && !options.finalAttempt)) {
        // The other inboxes still get the message now; this one on the retry.
        transient ??= error;
        continue;
      }
      const reason = failureReason(error);
      const failedTrace = [...inboxTrace, { step: 'persist', decision: 'failed', why: reason } as const];
      plans.push(await commitOnce(ports, { ...base, outcome: 'failed', reason, route: delivery.route, summary, trace: failedTrace }));
    }
  }
  if (transient) throw transient;
  await releaseUnstored(message, shared, plans);
  return plans;
}

/** The spam or virus verdict that holds the message, unless a release bypasses it. */
function heldByScreen(screened: ScreenResult, skipRules: ReadonlySet<string>): ScreenResult['quarantine'] {
  return screened.quarantine && !skipRules.has(screened.quarantine.rule) ? screened.quarantine : undefined;
}

/** What a release of quarantined mail knows of it: its raw object, arrival, inbox, reply token and verdicts. */
export interface ReleaseRequest {
  readonly raw: RawMailRef;
  readonly receivedAt: string;
  readonly route: InboxRoute;
  readonly replyToken?: string;
  readonly verdicts?: Verdicts;
  readonly release: ReleaseOf;
}

/**
 * Runs quarantined mail through the chain again as it arrived, for its inbox, bypassing only the rules in
 * `request.release.skippedRules`: another rule may still hold it (a new quarantined record, itself
 * releasable). Its receipt is `releaseReceiptKey(…)`, so a repeated or concurrent release finds it and
 * answers `already-processed`. A permanent error is a `failed` record, like any delivery's.
 */
export async function ingestRelease(request: ReleaseRequest, ports: InboundPorts, options: IngestOptions): Promise<InboundPlan> {
  const receiptKey = releaseReceiptKey(request.release.receiptKey);
  const base: Base = { receiptKey, receiptId: receiptIdOf(receiptKey), raw: request.raw, receivedAt: request.receivedAt, release: request.release };
  const skipRules = new Set(request.release.skippedRules);
  const domains = [options.inboxDomain, domainOf(request.route.address)];
  const trace: TraceEntry[] = [{ step: 'release', decision: 'released', why: `by ${request.release.releasedBy}, bypassing ${request.release.skippedRules.join(', ')}` }];
  const delivery: InboxDelivery = {
    route: request.route,
    matched: { address: request.route.address, seen: request.route.address, source: 'release' },
    replyToken: request.replyToken,
    trace: { step: 'find-inbox', decision: request.route.inboxId, why: 'the inbox that quarantined it' },
  };
  try {
    const message = await parseMime(await ports.openRaw(request.raw), async (headers) => {
      const mayStore = !heldByScreen(screen(headers, request.verdicts), skipRules) && classify(headers, domains, skipRules).classification === 'message';
      return mayStore ? ports.attachmentSink(base.receiptId) : discardAttachments;
    });
    trace.push({ step: 'parse', decision: 'parsed', why: `${message.sizeBytes} bytes, ${message.attachments.length} attachments` });
    const screened = screen(message, request.verdicts);
    trace.push(screened.trace, delivery.trace);
    const shared: SharedWork = { message, summary: summarize(message), senders: readSenders(message), keys: threadKeys(message), screened, base, ports, options, bodies: undefined, skipRules };
    const plan = await ingestForInbox(delivery, shared, trace);
    await releaseUnstored(message, shared, [plan]);
    return plan;
  } catch (error) {
    const reason = permanentReason(error, options);
    return commitOnce(ports, { ...base, outcome: 'failed', reason, route: request.route, trace: [...trace, { step: 'persist', decision: 'failed', why: reason }] });
  }
}

/** The reason to record for an error that ends the attempt, or the error itself thrown again when a retry may help. */
function permanentReason(error: unknown, options: IngestOptions): string {
  const kind = failureKind(error);
  if (kind === 'transient' || (kind === 'unknown' && !options.finalAttempt)) throw error;
  return error instanceof Error && error.name === 'UnparseableMessageError' ? error.message : failureReason(error);
}

async function decideOnHeaders(message: ParsedMessage, envelope: InboundEnvelope, ports: InboundPorts, options: IngestOptions, receiptKey: string): Promise<HeaderDecision> {
  const screened = screen(message, envelope.verdicts);
  const candidates = inboxCandidates(envelope.recipients, message);
  const { receipts, routes } = await ports.lookupRoutes(candidates.map((candidate) => candidate.address), receiptKey);
  const found = findInboxes(candidates, routes);
  const pending = found.found && !receipts.some((receipt) => receipt.inboxId === undefined)
    ? found.deliveries.filter((delivery) => !receipts.some((receipt) => receipt.inboxId === delivery.route.inboxId))
    : [];
  const mayStore = !screened.quarantine && pending.some((delivery) => classify(message, [options.inboxDomain, domainOf(delivery.route.address)]).classification === 'message');
  return { screened, candidates, receipts, routes, mayStore };
}

interface SharedWork {
  readonly message: ParsedMessage;
  readonly summary: MessageSummary;
  readonly senders: Senders;
  readonly keys: ReturnType<typeof threadKeys>;
  readonly screened: ScreenResult;
  readonly base: Base;
  readonly ports: InboundPorts;
  readonly options: IngestOptions;
  /** Stored once, for whichever inbox first stores the message. */
  bodies: Promise<StoredBodies> | undefined;
  /** Quarantine rules a release bypasses (none for mail as it arrives). */
  readonly skipRules: ReadonlySet<string>;
}

const NO_RULES: ReadonlySet<string> = new Set();

async function ingestForInbox(delivery: InboxDelivery, shared: SharedWork, trace: TraceEntry[]): Promise<InboundPlan> {
  const { message, summary, screened, base, ports, options } = shared;
  const { route } = delivery;
  const quarantineBase = { ...base, outcome: 'quarantined', route, summary, verdicts: screened.verdicts, replyToken: delivery.replyToken } as const;
  const screenedOut = heldByScreen(screened, shared.skipRules);
  if (screenedOut) {
    const { classification, ...reason } = screenedOut;
    return commitOnce(ports, { ...quarantineBase, classification, reason, trace });
  }
  const classified = classify(message, [options.inboxDomain, domainOf(route.address)], shared.skipRules);
  trace.push(classified.trace);
  if (classified.classification !== 'message') {
    return commitOnce(ports, {
      ...quarantineBase,
      classification: classified.classification,
      reason: classified.reason!,
      forwardingConfirmation: classified.forwardingConfirmation,
      trace,
    });
  }

  const storeBodiesOnce = () => (shared.bodies ??= storeBodies(ports, base.receiptId, message));
  // One turn per message, however often the commit is retried: a retry must not skip someone's turn.
  let turn: Promise<number> | undefined;
  const nextTurn = () => (turn ??= ports.nextTurn(route.accountId, route.inboxId));
  const threadIds = threadLookupIds(shared.keys);
  const maxAttempts = options.maxAttempts ?? 8;
  let closedConversation: CommitConflict['closedConversation'];
  for (let attempt = 1; ; attempt++) {
    const context = await ports.loadInboxContext({ route, forwarder: shared.senders.outer?.mailbox.email, threadIds, replyToken: delivery.replyToken });
    const stepTrace = [...trace];
    let plan = await decideForInbox({ ...shared, route, context, replyToken: delivery.replyToken, verdicts: screened.verdicts, storeBodies: storeBodiesOnce, trace: stepTrace });
    if (plan.outcome === 'stored' && plan.conversation.isNew && context.inbox) plan = await routeNewConversation(plan, context.inbox, ports, nextTurn, stepTrace);
    if (plan.outcome === 'stored' && plan.conversation.conversationId === closedConversation?.conversationId) plan = { ...plan, conversation: { ...plan.conversation, reopens: { assigneeId: closedConversation.assigneeId } } };
    try {
      await ports.commit(plan);
      return plan;
    } catch (error) {
      if (!(error instanceof CommitConflict)) throw error;
      if (error.alreadyProcessed) return alreadyProcessed(base.receiptKey, { outcome: 'processed concurrently' }, trace);
      if (attempt >= maxAttempts) throw error;
      closedConversation = error.closedConversation;
      trace.push({ step: 'persist', decision: 'retry', why: error.message });
      // Full jitter, growing: concurrent writers of one thread or one assignee spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
    }
  }
}

/**
 * Attachments and bodies were stored because the headers promised a stored message; when no inbox stored
 * it after all (no sender, a duplicate, a failure), they are tagged for the bucket's lifecycle to expire.
 * Best effort: the raw message stays the source of truth.
 */
async function releaseUnstored(message: ParsedMessage, shared: SharedWork, plans: readonly InboundPlan[]): Promise<void> {
  if (plans.some((plan) => plan.outcome === 'stored' || plan.outcome === 'already-processed')) return;
  const bodies = shared.bodies ? await shared.bodies.catch(() => ({}) as StoredBodies) : {};
  const objectKeys = [...message.attachments.map((attachment) => attachment.storageKey), bodies.textKey, bodies.htmlKey, bodies.attachmentsKey].filter((key): key is string => !!key);
  if (objectKeys.length) await shared.ports.markUnreferenced(objectKeys).catch(() => undefined);
}

interface DecideInput {
  readonly message: ParsedMessage;
  readonly senders: Senders;
  readonly summary: MessageSummary;
  readonly route: InboxRoute;
  readonly context: InboxContext;
  readonly keys: ReturnType<typeof threadKeys>;
  readonly replyToken?: string;
  readonly verdicts?: Verdicts;
  readonly storeBodies: () => Promise<StoredBodies>;
  readonly ports: InboundPorts;
  readonly options: IngestOptions;
  readonly base: Base;
  readonly trace: TraceEntry[];
}

/** Unjudged mail, where it may not be trusted, counts as failed authentication for a forwarder. */
function verdictsForTrust(verdicts: Verdicts | undefined, options: IngestOptions): Verdicts | undefined {
  if (options.trustUnjudgedMail || authenticationJudged(verdicts)) return verdicts;
  const authEvidence = 'nobody judged SPF or DKIM, and unjudged mail is not trusted';
  return { ...verdicts, source: verdicts?.source ?? 'ses-event', spf: 'FAIL', dkim: 'FAIL', authEvidence };
}

async function decideForInbox(input: DecideInput): Promise<StoredPlan | QuarantinePlan> {
  const { message, summary, route, context, trace, base } = input;
  const screenedVerdicts = input.verdicts;
  const attributed = attributeSender(input.senders, trustPolicy(context), verdictsForTrust(screenedVerdicts, input.options));
  trace.push(attributed.trace);
  if (!attributed.contact) {
    const reason = { rule: 'no-sender', evidence: attributed.trace.why } as const;
    return { ...base, outcome: 'quarantined', route, classification: 'no-sender', reason, summary, verdicts: screenedVerdicts, trace };
  }
  const ownSent = recognizeOwnSentMail(message, input.keys, context);
  if (ownSent) {
    trace.push(ownSent.trace);
    return { ...base, outcome: 'quarantined', route, classification: 'loop', reason: ownSent.reason, summary, verdicts: screenedVerdicts, trace };
  }
  const contactId = contactIdOf(attributed.contact.email);
  trace.push({ step: 'contact', decision: contactId, why: `upsert ${attributed.contact.email} in account ${route.accountId}` });

  const senders = [...new Set([attributed.contact.email, ...(message.from ? [message.from.email] : [])])];
  // Only conversations a mere reference points at need to know who takes part: usually none, so no read.
  const needing = conversationsNeedingParticipation(input.keys, context.thread);
  const participatesIn = needing.length ? await input.ports.loadParticipation(needing, senders) : new Set<string>();
  const thread = decideThread(input.keys, input.replyToken, context.thread, { participatesIn });
  trace.push(thread.trace);
  if (thread.kind === 'duplicate') {
    const reason = { rule: 'duplicate-message-id', evidence: thread.evidence } as const;
    const duplicateOf = { conversationId: thread.conversationId, messageId: thread.messageId };
    return { ...base, outcome: 'duplicate', route, classification: 'duplicate', reason, summary, duplicateOf, trace };
  }

  const textTruncated = message.text.length > INLINE_TEXT_LIMIT;
  const bodies = await input.storeBodies();
  const outerFrom = message.from && message.from.email !== attributed.contact.email ? message.from : undefined;
  const conversation = thread.kind === 'existing'
    ? { conversationId: thread.conversationId, isNew: false, rule: thread.rule, evidence: thread.evidence, indexOwn: thread.indexOwn }
    : { conversationId: input.ports.newId('cv'), isNew: true, rule: thread.rule, evidence: thread.evidence, indexOwn: thread.indexOwn };
  return {
    ...base,
    outcome: 'stored',
    route,
    contact: { ...attributed.contact, contactId },
    attribution: attributed.attribution,
    forwardedBy: attributed.forwardedBy,
    conversation,
    collision: thread.collision,
    identity: { sender: message.from?.email ?? attributed.contact.email, bodySha256: message.bodySha256 },
    participants: participantsOf(message, attributed.contact.email, route),
    messageId: input.ports.newId('ms'),
    threadKeys: input.keys,
    knownThreadIds: [...context.thread.entries.keys()],
    message: {
      subject: message.subject,
      date: message.date,
      from: attributed.contact,
      outerFrom,
      to: message.to,
      cc: message.cc,
      replyTo: message.replyTo?.length ? message.replyTo : undefined,
      messageIdHeader: message.messageId,
      inReplyTo: message.inReplyTo,
      references: message.references.slice(-20),
      text: textTruncated ? message.text.slice(0, INLINE_TEXT_LIMIT) : message.text,
      textTruncated,
      bodies,
      attachments: message.attachments.slice(0, INLINE_ATTACHMENT_LIMIT),
      verdicts: screenedVerdicts,
      sizeBytes: message.sizeBytes,
    },
    trace,
  };
}

/** The contact, the received sender, To and Cc — not the inbox itself — bounded. */
function participantsOf(message: ParsedMessage, contactEmail: string, route: InboxRoute): string[] {
  const all = [contactEmail, message.from?.email, ...message.to.map((mailbox) => mailbox.email), ...message.cc.map((mailbox) => mailbox.email)];
  const unique = new Set(all.filter((email): email is string => !!email && email !== route.address));
  return [...unique].slice(0, MAX_PARTICIPANTS_PER_MESSAGE);
}

const NOBODY: RoutingContext = { users: new Map(), teamMembers: new Map() };

/** Assignment and ticket for a new conversation, per the inbox's settings (nothing is read when both are off). */
async function routeNewConversation(plan: StoredPlan, inbox: InboxProfile, ports: InboundPorts, nextTurn: () => Promise<number>, trace: TraceEntry[]): Promise<StoredPlan> {
  const setting = inbox.assignment;
  const targets = setting.mode === 'specific' ? setting : setting.mode === 'contact-owner' ? setting.fallback : undefined;
  const context = targets
    ? await ports.loadRoutingContext({
        accountId: inbox.accountId,
        userIds: targets.userIds,
        teamIds: targets.teamIds,
        contactId: setting.mode === 'contact-owner' ? plan.contact.contactId : undefined,
      })
    : NOBODY;
  const assigned = await assign(setting, context, nextTurn);
  trace.push(assigned.trace);
  const opened = openTicket(inbox.tickets, {
    subject: plan.message.subject,
    contact: plan.contact,
    inboxName: inbox.name,
    assigneeId: assigned.decision?.assigneeId ?? null,
    newId: ports.newId,
  });
  if (opened.trace) trace.push(opened.trace);
  return { ...plan, routing: { assignment: assigned.decision, ticket: opened.ticket } };
}

/** Bodies too large for the item, HTML always, and an attachment list too long for it go to S3. */
function storeBodies(ports: InboundPorts, receiptId: string, message: ParsedMessage): Promise<StoredBodies> {
  return ports.storeBodies(receiptId, {
    text: message.text.length > INLINE_TEXT_LIMIT ? message.text : undefined,
    html: message.html,
    attachments: message.attachments.length > INLINE_ATTACHMENT_LIMIT ? message.attachments : undefined,
  });
}

function trustPolicy(context: InboxContext): TrustPolicy {
  const inbox = context.inbox;
  return {
    trustReason(email) {
      if (inbox?.membersTrusted !== false && context.memberEmails.has(email)) return 'a user of the account';
      if (inbox?.teamAddresses.includes(email)) return "the inbox's team address";
      if (inbox?.trustedForwarders.includes(email)) return "on the inbox's trusted forwarders";
      return undefined;
    },
  };
}

/** Attempts of a record's commit while concurrent arrivals hold one of its inbox's health counters. */
const RECORD_COMMIT_ATTEMPTS = 4;

async function commitOnce(ports: InboundPorts, plan: StoredPlan | QuarantinePlan | InboundRecordPlan): Promise<InboundPlan> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ports.commit(plan);
      return plan;
    } catch (error) {
      if (error instanceof CommitConflict && error.alreadyProcessed) {
        return alreadyProcessed(plan.receiptKey, { outcome: 'processed concurrently' }, plan.trace);
      }
      if (!(error instanceof CommitConflict) || attempt >= RECORD_COMMIT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** attempt));
    }
  }
}

function alreadyProcessed(receiptKey: string, receipt: { outcome: string }, trace: readonly TraceEntry[]): InboundPlan {
  return {
    outcome: 'already-processed',
    receiptKey,
    receipt,
    trace: [...trace, { step: 'persist', decision: 'skip', why: `receipt exists (${receipt.outcome}): redelivery` }],
  };
}

function summarize(message: ParsedMessage): MessageSummary {
  return {
    from: message.from,
    subject: message.subject,
    messageIdHeader: message.messageId,
    date: message.date,
    sizeBytes: message.sizeBytes,
    attachmentCount: message.attachments.length,
  };
}
