/**
 * The "connect a team email" wizard: an inbox starts as a draft, each step saves one setting, and connect
 * freezes the forwarding address. Every step reads the inbox in the caller's account, computes the next
 * state as plain data, and saves it conditionally on the version it read.
 */
import { Conflict, NotFound, ValidationFailed } from '../commons/errors';
import { ownerIssues } from '../contacts/owner';
import { placementIssues } from '../tickets/use-cases';
import type { DirectoryStore } from '../directory/ports';
import { refuseIssues, Scope, unknownTeams, unknownUsers } from '../directory/use-cases';
import type { PipelineCatalog } from '../tickets/pipelines';
import { domainOf, isWithinDomain } from '../inbound/domain/addresses';
import { generatedLocalPart, hostedAddress, hostedDomain } from './addresses';
import type { Assignment, Inbox, ReplySettings, SenderAddress, TicketSettings } from './model';
import { AddressTaken, InboxStore, StaleInbox } from './ports';
import type { AssignmentInput, NewInboxInput, SenderAddressInput, TicketsInput, TrustedForwardersInput } from './schemas';
import { SenderPreview, senderPreview } from './sender';

export interface WizardContext {
  readonly inboxes: InboxStore;
  readonly directory: DirectoryStore;
  readonly pipelines: PipelineCatalog;
  readonly inboxDomain: string;
  readonly newId: (prefix: string) => string;
  /** A short random suffix for generated forwarding addresses. */
  readonly randomSuffix: () => string;
  readonly now: () => Date;
  /** True when the account connected the domain for sending and it is verified (functions/domains); absent: never. */
  readonly verifiedDomain?: (scope: Scope, domain: string) => Promise<boolean>;
}

export type SetupStep = 'sender-name' | 'sender-address' | 'sender-address-verification';

const STEP_TEXT: Record<SetupStep, string> = {
  'sender-name': 'choose a sender name',
  'sender-address': 'choose a sender address',
  'sender-address-verification': 'verify the sender address (follow the link in the email sent to it)',
};

export function missingSteps(inbox: Inbox): SetupStep[] {
  const missing: SetupStep[] = [];
  if (!inbox.senderName) missing.push('sender-name');
  if (!inbox.senderAddress) missing.push('sender-address');
  else if (inbox.senderAddress.mode === 'custom' && !inbox.senderAddress.verified) missing.push('sender-address-verification');
  return missing;
}

export type InboxView = Omit<Inbox, 'claimedAddresses' | 'senderAddress'> & {
  readonly senderAddress?: Omit<Extract<SenderAddress, { mode: 'custom' }>, 'pendingTokenHash'> | Extract<SenderAddress, { mode: 'default' }>;
  readonly senderPreview?: SenderPreview;
  readonly setup: { readonly ready: boolean; readonly missing: SetupStep[]; readonly forwardingAddressEditable: boolean };
};

/** What clients see: internal bookkeeping removed, the From preview and what is left to do added. */
export function inboxView(inbox: Inbox, agentName: string): InboxView {
  const { claimedAddresses: _claims, senderAddress, ...rest } = inbox;
  const missing = missingSteps(inbox);
  let shownAddress: InboxView['senderAddress'];
  if (senderAddress?.mode === 'custom') {
    const { pendingTokenHash: _hash, ...visible } = senderAddress;
    shownAddress = visible;
  } else shownAddress = senderAddress;
  return {
    ...rest,
    senderAddress: shownAddress,
    senderPreview: senderPreview(inbox.senderName, inbox.senderAddress, agentName),
    setup: { ready: missing.length === 0, missing, forwardingAddressEditable: inbox.status === 'draft' },
  };
}

/** Addresses routed to the inbox: the forwarding address, and a default sender address replies come to. */
function claimsOf(inbox: Inbox): string[] {
  const claims = new Set([inbox.forwardingAddress]);
  if (inbox.senderAddress?.mode === 'default') claims.add(inbox.senderAddress.address);
  return [...claims];
}

async function subdomainOf(context: WizardContext, scope: Scope): Promise<string> {
  const account = await context.directory.account(scope.accountId);
  if (!account) throw new NotFound('account');
  return account.subdomain;
}

export async function getInbox(context: WizardContext, scope: Scope, inboxId: string): Promise<Inbox> {
  const inbox = await context.inboxes.inbox(scope.accountId, inboxId);
  if (!inbox) throw new NotFound('inbox');
  return inbox;
}

function addressConflict(error: unknown): never {
  if (error instanceof AddressTaken) throw new Conflict('address_taken', `${error.address} is already in use; choose another`);
  if (error instanceof StaleInbox) throw new Conflict('concurrent_update', 'the inbox changed while this was being saved; reload it and try again');
  throw error;
}

/** Reads the inbox, applies `edit`, and saves the result if nobody changed it meanwhile. */
export async function change(context: WizardContext, scope: Scope, inboxId: string, edit: (inbox: Inbox) => Inbox | Promise<Inbox>): Promise<Inbox> {
  const previous = await getInbox(context, scope, inboxId);
  const edited = await edit(previous);
  const next: Inbox = { ...edited, claimedAddresses: claimsOf(edited), version: previous.version + 1 };
  try {
    await context.inboxes.save(previous, next);
  } catch (error) {
    addressConflict(error);
  }
  return next;
}

export async function createInbox(context: WizardContext, scope: Scope, input: NewInboxInput): Promise<Inbox> {
  const subdomain = await subdomainOf(context, scope);
  // A generated address can collide with one chosen elsewhere; a new suffix is enough.
  for (let attempt = 1; ; attempt++) {
    const forwardingAddress = hostedAddress(generatedLocalPart(input.name, context.randomSuffix()), subdomain, context.inboxDomain);
    const inbox: Inbox = {
      inboxId: context.newId('inb'),
      accountId: scope.accountId,
      ...input,
      status: 'draft',
      forwardingAddress,
      assignment: { mode: 'off' },
      tickets: { enabled: false },
      teamAddresses: [],
      trustedForwarders: [],
      membersTrusted: true,
      claimedAddresses: [forwardingAddress],
      version: 1,
      createdAt: context.now().toISOString(),
    };
    try {
      await context.inboxes.create(inbox);
      return inbox;
    } catch (error) {
      if (!(error instanceof AddressTaken) || attempt === 3) addressConflict(error);
    }
  }
}

export function setSenderName(context: WizardContext, scope: Scope, inboxId: string, senderName: Inbox['senderName']): Promise<Inbox> {
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, senderName }));
}

export async function setSenderAddress(context: WizardContext, scope: Scope, inboxId: string, input: SenderAddressInput): Promise<Inbox> {
  if (input.mode === 'default') {
    const address = hostedAddress(input.username, await subdomainOf(context, scope), context.inboxDomain);
    return change(context, scope, inboxId, (inbox) => ({ ...inbox, senderAddress: { mode: 'default', username: input.username, address }, teamAddresses: [] }));
  }
  const domain = input.address.split('@')[1];
  if (domain === context.inboxDomain || domain.endsWith(`.${context.inboxDomain}`)) {
    throw ValidationFailed.field('address', 'hosted_domain', `addresses under ${context.inboxDomain} are ours: choose mode "default" with a username instead`);
  }
  // An address on a verified sending domain of the account needs no verification email.
  const domainVerified = (await context.verifiedDomain?.(scope, domain)) ?? false;
  return change(context, scope, inboxId, (inbox) => {
    const current = inbox.senderAddress;
    // Re-saving the same address keeps its verification; a different one starts unverified.
    const kept = current?.mode === 'custom' && current.address === input.address ? current : undefined;
    const senderAddress: SenderAddress =
      kept?.verified ? kept : domainVerified ? { mode: 'custom', address: input.address, verified: true, verifiedAt: context.now().toISOString() } : (kept ?? { mode: 'custom', address: input.address, verified: false });
    // An address is the team's own (its forwards trusted) only once verified: see the verification's confirm.
    return { ...inbox, senderAddress, teamAddresses: senderAddress.verified ? [input.address] : [] };
  });
}

export async function setAssignment(context: WizardContext, scope: Scope, inboxId: string, assignment: AssignmentInput): Promise<Inbox> {
  const targets = assignment.mode === 'specific' ? { at: '', ...assignment } : assignment.mode === 'contact-owner' ? { at: 'fallback.', ...assignment.fallback } : undefined;
  if (targets) {
    const [users, teams] = await Promise.all([
      unknownUsers(context.directory, scope, `${targets.at}userIds`, targets.userIds),
      unknownTeams(context.directory, scope, `${targets.at}teamIds`, targets.teamIds),
    ]);
    refuseIssues([...users, ...teams]);
  }
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, assignment: assignment as Assignment }));
}

export async function setTickets(context: WizardContext, scope: Scope, inboxId: string, tickets: TicketsInput): Promise<Inbox> {
  if (tickets.enabled) {
    const { template } = tickets;
    const [placement, owner] = await Promise.all([
      placementIssues(context.pipelines, scope, template.pipelineId, template.stageId, 'template.'),
      ownerIssues(context.directory, scope, 'template.owner.userId', template.owner.type === 'user' ? template.owner.userId : undefined),
    ]);
    refuseIssues([...placement, ...owner]);
  }
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, tickets: tickets as TicketSettings }));
}

/**
 * Whose manual forwards may name their inner sender. The inbound chain reads the inbox item for each message,
 * so a change applies to mail received from then on; what was attributed before stays as it was.
 */
/** The inbox's signature, below the agent's on every reply; an empty text removes it. */
export function setSignature(context: WizardContext, scope: Scope, inboxId: string, signature: string): Promise<Inbox> {
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, signature }));
}

export function setReplySettings(context: WizardContext, scope: Scope, inboxId: string, replySettings: ReplySettings): Promise<Inbox> {
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, replySettings }));
}

export function setTrustedForwarders(context: WizardContext, scope: Scope, inboxId: string, input: TrustedForwardersInput): Promise<Inbox> {
  const issues = input.addresses.flatMap((address, index) =>
    isWithinDomain(domainOf(address), context.inboxDomain)
      ? [{ field: `addresses.${index}`, rule: 'hosted_domain', message: `addresses under ${context.inboxDomain} are ours, not forwarders` }]
      : [],
  );
  refuseIssues(issues);
  return change(context, scope, inboxId, (inbox) => ({ ...inbox, trustedForwarders: input.addresses, membersTrusted: input.membersTrusted }));
}

/**
 * Changes the forwarding address while the inbox is a draft. `readInput` is only called for a draft: once
 * connected, any attempt is refused the same way, whatever it asks for.
 */
export function setForwardingAddress(context: WizardContext, scope: Scope, inboxId: string, readInput: () => { localPart: string }): Promise<Inbox> {
  return change(context, scope, inboxId, async (inbox) => {
    if (inbox.status !== 'draft') {
      throw new Conflict('forwarding_address_frozen', `The forwarding address cannot change after setup: mail is already forwarded to ${inbox.forwardingAddress}.`);
    }
    const { localPart } = readInput();
    return { ...inbox, forwardingAddress: `${localPart}@${hostedDomain(await subdomainOf(context, scope), context.inboxDomain)}` };
  });
}

/** Makes the inbox live. Connecting a connected inbox changes nothing. */
export function connect(context: WizardContext, scope: Scope, inboxId: string): Promise<Inbox> {
  return change(context, scope, inboxId, (inbox) => {
    if (inbox.status === 'connected') return inbox;
    const missing = missingSteps(inbox);
    if (missing.length) throw new Conflict('not_ready', `The inbox cannot connect yet: ${missing.map((step) => STEP_TEXT[step]).join('; ')}.`);
    return { ...inbox, status: 'connected', connectedAt: context.now().toISOString() };
  });
}

export interface Channel {
  readonly inboxId: string;
  readonly name: string;
  readonly forwardingAddress: string;
  readonly senderAddress?: string;
  readonly forwardingConfirmation?: Inbox['forwardingConfirmation'];
}

/**
 * Gmail's code is harmless to show (typing a wrong one into Gmail fails), but a link is only shown from mail
 * that authenticated as Google's: a forged confirmation must not put a phishing link in the wizard.
 */
function shownConfirmation(confirmation: NonNullable<Inbox['forwardingConfirmation']>) {
  return { ...confirmation, link: confirmation.authenticated ? confirmation.link : null };
}

/** The account's connected inboxes, with what the team needs to set up forwarding at its provider. */
export async function channels(context: WizardContext, scope: Scope): Promise<Channel[]> {
  const inboxes = await context.inboxes.inboxes(scope.accountId);
  return inboxes
    .filter((inbox) => inbox.status === 'connected')
    .map((inbox) => ({
      inboxId: inbox.inboxId,
      name: inbox.name,
      forwardingAddress: inbox.forwardingAddress,
      senderAddress: inbox.senderAddress?.address,
      forwardingConfirmation: inbox.forwardingConfirmation && shownConfirmation(inbox.forwardingConfirmation),
    }));
}
