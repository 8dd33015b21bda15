/**
 * `explain`: steps 1–7 of the inbound chain on one raw message, with no server and no writes. The same
 * use case as the Lambda, over in-memory ports: attachments are counted and discarded, the inbox is
 * synthetic, only the given addresses are trusted, and no Message-ID is known (threading says "new").
 */
import { newTextOf } from '../conversations/new-text';
import { Readable } from 'node:stream';
import { domainOf, isWithinDomain, routingAddress } from './domain/addresses';
import { ingestInbound } from './domain/ingest';
import type { InboundPlan } from './domain/plan';
import type { InboundPorts } from './domain/ports';
import { discardAttachments } from './parse/parse-mime';

export interface ExplainOptions {
  /** Forwarders to trust; nobody else is. */
  readonly trusted?: readonly string[];
  /** The inbox's forwarding address; by default the first recipient under the inbox domain plays the inbox (else the first recipient). */
  readonly inbox?: string;
  /** Our own domain, for loop detection. @default INBOX_DOMAIN or inbox.example.com */
  readonly inboxDomain?: string;
}

const EXPLAIN_ACCOUNT = 'explain';

export interface DryRunOptions {
  /** The only address that routes (normalized); without it every address routes to the one inbox. */
  readonly inbox?: string;
  /**
   * Without `inbox`: only addresses under this domain route, when the message has any — so a Google Group
   * or a colleague in To does not play the inbox (and read as our own, a loop).
   */
  readonly inboxDomain?: string;
  readonly trusted: readonly string[];
  /** Message-IDs the inbox already has stored, all in one conversation. @default none */
  readonly knownThreadIds?: readonly string[];
}

/**
 * Ports that read the message from memory and write nothing: one synthetic inbox, the given trusted
 * forwarders, no members. Used by `explain` and by the benchmark of the decision chain.
 */
export function dryRunPorts(raw: Readable, options: DryRunOptions): InboundPorts {
  let ids = 0;
  return {
    openRaw: async () => raw,
    attachmentSink: () => discardAttachments,
    lookupRoutes: async (addresses) => {
      const ours = options.inboxDomain ? addresses.filter((address) => isWithinDomain(domainOf(address), options.inboxDomain!)) : [];
      const routed = options.inbox ? addresses.filter((address) => address === options.inbox) : ours.length ? ours : addresses;
      return { receipts: [], routes: new Map(routed.map((address) => [address, { inboxId: 'explain', accountId: EXPLAIN_ACCOUNT, address }])) };
    },
    loadInboxContext: async ({ route }) => ({
      inbox: {
        inboxId: route.inboxId,
        accountId: EXPLAIN_ACCOUNT,
        address: route.address,
        teamAddresses: [],
        trustedForwarders: options.trusted,
        membersTrusted: true,
        name: 'explain',
        assignment: { mode: 'off' },
        tickets: { enabled: false },
      },
      memberEmails: new Set(),
      thread: { entries: new Map((options.knownThreadIds ?? []).map((id) => [id, { conversationId: 'cv_known', storedMessageId: 'ms_known' }])) },
    }),
    loadParticipation: async () => new Set(),
    markUnreferenced: async () => undefined,
    loadRoutingContext: async () => ({ users: new Map(), teamMembers: new Map() }),
    nextTurn: async () => 0,
    storeBodies: async () => ({}),
    commit: async () => undefined,
    finishCommit: async () => undefined,
    newId: (prefix) => `${prefix}_new${++ids}`,
  };
}

export async function explainMessage(raw: Readable, options: ExplainOptions = {}): Promise<Record<string, unknown>> {
  const inboxAddress = options.inbox ? routingAddress(options.inbox) : undefined;
  const trusted = (options.trusted ?? []).map((email) => email.trim().toLowerCase());
  const inboxDomain = (options.inboxDomain ?? process.env.INBOX_DOMAIN ?? 'inbox.example.com').toLowerCase();
  const ports = dryRunPorts(raw, { inbox: inboxAddress, trusted, inboxDomain });
  const envelope = {
    raw: { bucket: 'file', key: 'message.eml' },
    recipients: inboxAddress ? [inboxAddress] : [],
    receivedAt: new Date().toISOString(),
  };
  // Every address plays the one synthetic inbox: one plan.
  // A file has no SES receipt: judged as the local stack judges its listener's mail (see TRUST_UNJUDGED_MAIL).
  const [plan] = await ingestInbound(envelope, ports, { inboxDomain, trustUnjudgedMail: true });
  return explanation(plan);
}

function explanation(plan: InboundPlan): Record<string, unknown> {
  const common = { trace: plan.trace };
  switch (plan.outcome) {
    case 'stored':
      return {
        outcome: 'stored',
        classification: 'message',
        reason: null,
        contact: { email: plan.contact.email, name: plan.contact.name },
        attribution: plan.attribution,
        forwardedBy: plan.forwardedBy,
        inbox: plan.route.address,
        thread: { rule: plan.conversation.rule, evidence: plan.conversation.evidence },
        message: { subject: plan.message.subject, messageId: plan.message.messageIdHeader ?? null, attachments: plan.message.attachments.length, sizeBytes: plan.message.sizeBytes, newText: newTextOf(plan.message.text) },
        verdicts: plan.message.verdicts ?? null,
        ...common,
      };
    case 'quarantined':
    case 'duplicate':
      return {
        outcome: plan.outcome,
        // A message with no usable sender is a message nobody can be attributed: quarantined as such.
        classification: plan.classification === 'no-sender' || plan.classification === 'duplicate' ? 'message' : plan.classification,
        reason: plan.reason,
        contact: null,
        attribution: null,
        forwardedBy: null,
        inbox: plan.route.address,
        forwardingConfirmation: plan.forwardingConfirmation ?? null,
        message: plan.summary,
        verdicts: plan.verdicts ?? null,
        ...common,
      };
    case 'failed':
    case 'unroutable':
      return { outcome: plan.outcome, classification: null, reason: { rule: plan.outcome, evidence: plan.reason }, contact: null, attribution: null, forwardedBy: null, ...common };
    case 'already-processed':
      throw new Error('explain never sees a receipt');
  }
}
