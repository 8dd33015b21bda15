/**
 * Is the forwarder's message really from the forwarder's domain? SPF or DKIM passing proves only that
 * *some* domain vouched for it — an attacker's own envelope domain passes SPF. It counts only when aligned
 * with the From domain (DMARC's test): DMARC pass, or, where there is no DMARC verdict (the domain
 * publishes no record), an SPF pass for the envelope domain or a DKIM pass for the signing domain that
 * shares From's organizational domain (relaxed alignment).
 */
import { domainOf } from '../addresses';
import type { Verdicts, VerdictStatus } from './screen';

export interface ForwarderAuthentication {
  /** undefined: SES did not judge (no verdicts, or scanning disabled) — not a failure. */
  readonly authenticated: boolean | undefined;
  readonly why: string;
}

/** Whether SES judged the sender's authentication at all (DISABLED, PROCESSING_FAILED or absent: it did not). */
export function authenticationJudged(verdicts: Verdicts | undefined): boolean {
  const judged = (status?: VerdictStatus) => status === 'PASS' || status === 'FAIL' || status === 'GRAY';
  return !!verdicts && (judged(verdicts.spf) || judged(verdicts.dkim) || verdicts.dmarc === 'PASS' || verdicts.dmarc === 'FAIL');
}

export function forwarderAuthentication(verdicts: Verdicts | undefined, fromEmail: string): ForwarderAuthentication {
  const fromDomain = domainOf(fromEmail);
  if (!verdicts || !authenticationJudged(verdicts)) return { authenticated: undefined, why: 'SES judged neither SPF, DKIM nor DMARC' };
  if (verdicts.dmarc === 'PASS') return { authenticated: true, why: `dmarc=pass for ${fromDomain}` };
  if (verdicts.dmarc === 'FAIL') return { authenticated: false, why: `dmarc=fail: neither SPF nor DKIM aligned with ${fromDomain}` };
  const spf = alignedPass('spf', verdicts.spf, verdicts.spfDomain ? [verdicts.spfDomain] : [], fromDomain);
  // SES's own DKIM verdict names no domain: the signatures' d= stand in only when every one of them aligns.
  const dkimDomains = verdicts.dkimDomains?.length ? verdicts.dkimDomains : allAligned(verdicts.signatureDomains ?? [], fromDomain);
  const dkim = alignedPass('dkim', verdicts.dkim, dkimDomains, fromDomain);
  const authenticated = spf.aligned || dkim.aligned;
  return { authenticated, why: `no DMARC verdict; ${spf.why}; ${dkim.why}${authenticated ? '' : `: nothing aligned with ${fromDomain}`}` };
}

function alignedPass(method: 'spf' | 'dkim', status: VerdictStatus | undefined, domains: readonly string[], fromDomain: string) {
  const verdict = `${method}=${(status ?? 'none').toLowerCase()}`;
  if (status !== 'PASS') return { aligned: false, why: verdict };
  if (!domains.length) return { aligned: false, why: `${verdict} for an unknown domain` };
  const aligned = domains.find((domain) => aligns(domain, fromDomain));
  return aligned ? { aligned: true, why: `${verdict} for ${aligned}, aligned` } : { aligned: false, why: `${verdict} for ${domains.join(', ')}, not aligned` };
}

function allAligned(domains: readonly string[], fromDomain: string): string[] {
  return domains.length && domains.every((domain) => aligns(domain, fromDomain)) ? [...domains] : [];
}

/** Relaxed alignment: the same organizational domain (`mail.acme.com` aligns with `acme.com`). */
export function aligns(domain: string, fromDomain: string): boolean {
  return organizationalDomain(domain) === organizationalDomain(fromDomain);
}

/** Second-level labels under which registries sell names (`acme.co.uk`, `acme.com.au`, `acme.ne.jp`). */
const REGISTRY_SECOND_LEVELS = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'ne', 'or', 'go', 'gob', 'nic', 'ltd', 'plc', 'sch', 'mil']);

/**
 * The registrable domain, approximated without the Public Suffix List: the last two labels, or three
 * under a two-letter country code's registry second level. Errs towards a longer domain (stricter).
 */
export function organizationalDomain(domain: string): string {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const keep = labels.length > 2 && labels.at(-1)!.length === 2 && REGISTRY_SECOND_LEVELS.has(labels.at(-2)!) ? 3 : 2;
  return labels.slice(-keep).join('.');
}
