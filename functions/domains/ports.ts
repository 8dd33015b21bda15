import type { DomainStatus, SendingDomain } from './model';

/** What the email service knows of a domain identity. */
export interface IdentityState {
  readonly status: DomainStatus;
  readonly dkimTokens: readonly string[];
}

/**
 * Domain identities of the email service: SES v2 (Easy DKIM) in AWS; locally an adapter whose records a
 * developer marks as found (`hosted-inbox mark-domain-verified`), since the local SES has no identity API.
 */
export interface SendingIdentities {
  /** Creates the identity, or returns it when it exists already (idempotent). */
  connect(domain: string): Promise<IdentityState>;
  /** Undefined when there is no such identity. */
  state(domain: string): Promise<IdentityState | undefined>;
}

/** Another account connected this domain. */
export class DomainTaken extends Error {}

/** Sending domains in their account's partition, each claimed across all accounts. */
export interface SendingDomainStore {
  domain(accountId: string, domain: string): Promise<SendingDomain | undefined>;
  domains(accountId: string): Promise<SendingDomain[]>;
  /** Claims the domain for the account and records it. Throws DomainTaken; resolves false if this account has it already. */
  claim(domain: SendingDomain): Promise<boolean>;
  /** Records what the email service reports. */
  update(accountId: string, domain: string, state: IdentityState & { readonly verifiedAt?: string }): Promise<void>;
}
