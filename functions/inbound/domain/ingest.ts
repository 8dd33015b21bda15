/**
 * The inbound use case: one raw message in, exactly one record out — a stored message in the right
 * conversation of the original sender's contact, or a quarantined / unroutable / failed record with its
 * reason. Reads are batched (routes + receipt, then inbox context) and every write is one transaction,
 * so a redelivery or a retry after a crash finds the receipt and changes nothing.
 */
import { createHash } from 'node:crypto';
import { parseMime } from '../parse/parse-mime';
import { UnparseableMessageError } from './errors';
import type { ParsedMessage } from './message';
import { normalizeEmail } from './addresses';
import type { InboundPlan, MessageSummary, QuarantinePlan, StoredPlan } from './plan';
import { CommitConflict, InboundEnvelope, InboundPorts, InboxContext, InboxProfile, StoredBodies } from './ports';
import { assign, RoutingContext } from './steps/assign';
import { openTicket } from './steps/open-ticket';
import { attributeSender, readSenders, Senders, TrustPolicy } from './steps/attribute-sender';
import { classify } from './steps/classify';
import { recognizeOwnSentMail } from './steps/own-sent-mail';
import { findInbox, inboxCandidates, InboxRoute } from './steps/find-inbox';
import { screen, Verdicts } from './steps/screen';
import { decideThread, threadKeys } from './steps/thread';
import { domainOf } from './addresses';
import type { TraceEntry } from './trace';

export interface IngestOptions {
  /** The domain hosted addresses live under: mail from it, or with Message-IDs under it, is our own. */
  readonly inboxDomain: string;
  /** Attempts when concurrent messages of one thread race for the same conversation. @default 5 */
  readonly maxAttempts?: number;
}

/** Text kept in the message item; longer bodies are stored whole in S3 with this much as a preview. */
export const INLINE_TEXT_LIMIT = 32 * 1024;
/** Attachment records kept in the item; a message with more keeps the full list in S3. */
export const INLINE_ATTACHMENT_LIMIT = 50;

export function receiptKeyOf(envelope: InboundEnvelope): string {
  return `${envelope.raw.bucket}/${envelope.raw.key}`;
}

export function receiptIdOf(receiptKey: string): string {
  return `rc_${createHash('sha256').update(receiptKey).digest('hex').slice(0, 32)}`;
}

/** Contacts are keyed by normalized email within an account, so an upsert needs no read. */
export function contactIdOf(email: string): string {
  return `ct_${createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 32)}`;
}

export async function ingestInbound(envelope: InboundEnvelope, ports: InboundPorts, options: IngestOptions): Promise<InboundPlan> {
  const receiptKey = receiptKeyOf(envelope);
  const receiptId = receiptIdOf(receiptKey);
  const base = { receiptKey, receiptId, raw: envelope.raw, receivedAt: envelope.receivedAt };
  const trace: TraceEntry[] = [];

  let message: ParsedMessage;
  try {
    message = await parseMime(await ports.openRaw(envelope.raw), ports.attachmentSink(receiptId));
    trace.push({ step: 'parse', decision: 'parsed', why: `${message.sizeBytes} bytes, ${message.attachments.length} attachments` });
  } catch (error) {
    if (!(error instanceof UnparseableMessageError)) throw error;
    trace.push({ step: 'parse', decision: 'failed', why: error.message });
    return commitOnce(ports, { ...base, outcome: 'failed', reason: error.message, trace });
  }
  const summary = summarize(message);

  const screened = screen(message, envelope.verdicts);
  trace.push(screened.trace);

  const candidates = inboxCandidates(envelope.recipients, message);
  const { receipt, routes } = await ports.lookupRoutes(candidates.map((candidate) => candidate.address), receiptKey);
  if (receipt) return alreadyProcessed(receiptKey, receipt, trace);
  const found = findInbox(candidates, routes);
  trace.push(found.trace);
  if (!found.found) {
    return commitOnce(ports, { ...base, outcome: 'unroutable', reason: found.trace.why, addressesSeen: found.addressesSeen, summary, trace });
  }
  const route = found.route;
  const quarantineBase = { ...base, outcome: 'quarantined', route, summary, verdicts: screened.verdicts } as const;
  if (screened.quarantine) {
    const { classification, ...reason } = screened.quarantine;
    return commitOnce(ports, { ...quarantineBase, classification, reason, trace });
  }

  const classified = classify(message, [options.inboxDomain, domainOf(route.address)]);
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

  // What does not depend on the inbox context is worked out once, not again on each conflict retry:
  // the senders (the forward parse is the chain's costliest step), the thread keys, the stored bodies.
  const senders = readSenders(message);
  const keys = threadKeys(message);
  const threadIds = [keys.own, ...keys.referenced].filter((id): id is string => !!id);
  let bodies: Promise<StoredBodies> | undefined;
  const storeBodiesOnce = () => (bodies ??= storeBodies(ports, base.receiptId, message));
  // One turn per message, however often the commit is retried: a retry must not skip someone's turn.
  let turn: Promise<number> | undefined;
  const nextTurn = () => (turn ??= ports.nextTurn(route.accountId, route.inboxId));
  const maxAttempts = options.maxAttempts ?? 8;
  let closedConversation: CommitConflict['closedConversation'];
  for (let attempt = 1; ; attempt++) {
    const context = await ports.loadInboxContext({ route, forwarder: senders.outer?.mailbox.email, threadIds, replyToken: found.replyToken });
    const stepTrace = [...trace];
    let plan = await decideForInbox({ message, senders, summary, route, context, keys, replyToken: found.replyToken, verdicts: screened.verdicts, storeBodies: storeBodiesOnce, newId: ports.newId, base, trace: stepTrace });
    if (plan.outcome === 'stored' && plan.conversation.isNew && context.inbox) plan = await routeNewConversation(plan, context.inbox, ports, nextTurn, stepTrace);
    if (plan.outcome === 'stored' && plan.conversation.conversationId === closedConversation?.conversationId) plan = { ...plan, conversation: { ...plan.conversation, reopens: { assigneeId: closedConversation.assigneeId } } };
    try {
      await ports.commit(plan);
      return plan;
    } catch (error) {
      if (!(error instanceof CommitConflict)) throw error;
      if (error.alreadyProcessed) return alreadyProcessed(receiptKey, { outcome: 'processed concurrently' }, trace);
      if (attempt >= maxAttempts) throw error;
      closedConversation = error.closedConversation;
      trace.push({ step: 'persist', decision: 'retry', why: error.message });
      // Full jitter, growing: concurrent writers of one thread or one assignee spread out.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
    }
  }
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
  readonly newId: InboundPorts['newId'];
  readonly base: { receiptKey: string; receiptId: string; raw: InboundEnvelope['raw']; receivedAt: string };
  readonly trace: TraceEntry[];
}

async function decideForInbox(input: DecideInput): Promise<StoredPlan | QuarantinePlan> {
  const { message, summary, route, context, trace, base } = input;
  const screenedVerdicts = input.verdicts;
  const attributed = attributeSender(input.senders, trustPolicy(context), screenedVerdicts);
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

  const thread = decideThread(input.keys, input.replyToken, context.thread);
  trace.push(thread.trace);
  if (thread.kind === 'duplicate') {
    const reason = { rule: 'duplicate-message-id', evidence: thread.evidence } as const;
    const duplicateOf = { conversationId: thread.conversationId, messageId: thread.messageId };
    return { ...base, outcome: 'duplicate', route, classification: 'duplicate', reason, summary, duplicateOf, trace };
  }

  const textTruncated = message.text.length > INLINE_TEXT_LIMIT;
  const bodies = await input.storeBodies();
  const outerFrom = message.from && message.from.email !== attributed.contact.email ? message.from : undefined;
  return {
    ...base,
    outcome: 'stored',
    route,
    contact: { ...attributed.contact, contactId },
    attribution: attributed.attribution,
    forwardedBy: attributed.forwardedBy,
    conversation:
      thread.kind === 'existing'
        ? { conversationId: thread.conversationId, isNew: false, rule: thread.rule, evidence: thread.evidence }
        : { conversationId: input.newId('cv'), isNew: true, rule: thread.rule, evidence: thread.evidence },
    messageId: input.newId('ms'),
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

async function commitOnce<P extends Exclude<InboundPlan, { outcome: 'already-processed' }>>(ports: InboundPorts, plan: P): Promise<InboundPlan> {
  try {
    await ports.commit(plan);
    return plan;
  } catch (error) {
    if (error instanceof CommitConflict && error.alreadyProcessed) {
      return alreadyProcessed(plan.receiptKey, { outcome: 'processed concurrently' }, plan.trace);
    }
    throw error;
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
