/**
 * Connecting an account's own domain for sending: claimed across all accounts, an email-service identity
 * with Easy DKIM created, the DNS records to publish returned; the status is what the service reports.
 */
import { Conflict, NotFound, UpstreamFailed, ValidationFailed } from '../commons/errors';
import { isWithinDomain } from '../inbound/domain/addresses';
import type { Scope } from '../directory/use-cases';
import { dnsRecords, SendingDomain, SendingDomainView } from './model';
import { DomainTaken, IdentityState, SendingDomainStore, SendingIdentities } from './ports';
import type { NewSendingDomainInput } from './schemas';

export interface DomainContext {
  readonly sendingDomains: SendingDomainStore;
  readonly identities: SendingIdentities;
  readonly inboxDomain: string;
  readonly now: () => Date;
}

const view = (domain: SendingDomain): SendingDomainView => ({ ...domain, records: dnsRecords(domain) });

/** Stores what the service reports, if it changed; the first report of "verified" records when. */
async function refreshed(context: DomainContext, domain: SendingDomain, state: IdentityState): Promise<SendingDomain> {
  const unchanged = state.status === domain.status && state.dkimTokens.join() === domain.dkimTokens.join();
  if (unchanged) return domain;
  const verifiedAt = state.status === 'verified' ? (domain.verifiedAt ?? context.now().toISOString()) : undefined;
  const next = { ...domain, ...state, verifiedAt };
  await context.sendingDomains.update(domain.accountId, domain.domain, next);
  return next;
}

async function identityOf(context: DomainContext, domain: string): Promise<IdentityState> {
  try {
    return (await context.identities.state(domain)) ?? (await context.identities.connect(domain));
  } catch (error) {
    throw new UpstreamFailed('identity_unavailable', `the email service did not answer for ${domain}: ${(error as Error).message}`);
  }
}

/** 201 with the records to publish; connecting a domain the account has already is that domain again (200). */
export async function connectDomain(context: DomainContext, scope: Scope, input: NewSendingDomainInput): Promise<{ created: boolean; domain: SendingDomainView }> {
  if (isWithinDomain(input.domain, context.inboxDomain)) {
    throw ValidationFailed.field('domain', 'hosted_domain', `${context.inboxDomain} and its subdomains are ours: every account sends from its own subdomain already`);
  }
  const record: SendingDomain = { domain: input.domain, accountId: scope.accountId, status: 'pending', dkimTokens: [], createdAt: context.now().toISOString() };
  let created: boolean;
  try {
    created = await context.sendingDomains.claim(record);
  } catch (error) {
    if (error instanceof DomainTaken) throw new Conflict('domain_taken', `${input.domain} is connected to another account`);
    throw error;
  }
  const stored = created ? record : ((await context.sendingDomains.domain(scope.accountId, input.domain)) ?? record);
  let state: IdentityState;
  try {
    state = await context.identities.connect(input.domain);
  } catch (error) {
    // The claim stays: GET /sending-domains/{domain} creates the identity when the service answers again.
    throw new UpstreamFailed('identity_not_created', `the email service did not create the identity of ${input.domain}: ${(error as Error).message}`);
  }
  return { created, domain: view(await refreshed(context, stored, state)) };
}

export async function listDomains(context: DomainContext, scope: Scope): Promise<SendingDomainView[]> {
  return (await context.sendingDomains.domains(scope.accountId)).map(view);
}

/** The domain with the status the email service reports now. */
export async function getDomain(context: DomainContext, scope: Scope, domainName: string): Promise<SendingDomainView> {
  const domain = await context.sendingDomains.domain(scope.accountId, domainName.toLowerCase());
  if (!domain) throw new NotFound('sending domain');
  return view(await refreshed(context, domain, await identityOf(context, domain.domain)));
}

/** True when the account connected `domain` and the email service reports it verified (asked again while pending). */
export async function isVerifiedDomain(context: DomainContext, scope: Scope, domainName: string): Promise<boolean> {
  const domain = await context.sendingDomains.domain(scope.accountId, domainName);
  if (!domain) return false;
  if (domain.status === 'verified') return true;
  return (await refreshed(context, domain, await identityOf(context, domain.domain))).status === 'verified';
}
