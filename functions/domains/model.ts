/** Sending domains an account connects (its own domain, e.g. acme.example), so it may send as any address there. */

/** What SES reports of the domain's DKIM records, as the API names it. */
export type DomainStatus = 'pending' | 'verified' | 'failed' | 'temporary-failure' | 'not-started';

/** A DNS record to publish at the domain's DNS host. */
export interface DnsRecord {
  readonly purpose: 'dkim' | 'spf' | 'dmarc';
  readonly type: 'CNAME' | 'TXT';
  readonly name: string;
  readonly value: string;
  /** SPF and DMARC are recommended (Easy DKIM alone verifies the domain). */
  readonly required: boolean;
}

export interface SendingDomain {
  readonly domain: string;
  readonly accountId: string;
  readonly status: DomainStatus;
  /** The Easy DKIM tokens SES chose; the CNAME records derive from them. */
  readonly dkimTokens: readonly string[];
  readonly createdAt: string;
  readonly verifiedAt?: string;
}

export interface SendingDomainView extends SendingDomain {
  readonly records: DnsRecord[];
}

/** The records to publish: SES's three Easy DKIM CNAMEs, plus an SPF and a DMARC record as recommended. */
export function dnsRecords(domain: SendingDomain): DnsRecord[] {
  return [
    ...domain.dkimTokens.map((token): DnsRecord => ({ purpose: 'dkim', type: 'CNAME', name: `${token}._domainkey.${domain.domain}`, value: `${token}.dkim.amazonses.com`, required: true })),
    { purpose: 'spf', type: 'TXT', name: domain.domain, value: '"v=spf1 include:amazonses.com ~all"', required: false },
    { purpose: 'dmarc', type: 'TXT', name: `_dmarc.${domain.domain}`, value: '"v=DMARC1; p=none;"', required: false },
  ];
}
