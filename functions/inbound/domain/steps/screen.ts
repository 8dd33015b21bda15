/**
 * Step 2 (screen): SES's spam, virus, SPF, DKIM and DMARC verdicts. From the SES receipt event when we have
 * it; otherwise from the headers SES prepends to the stored message — only those in SES's own block, above
 * its `X-SES-RECEIPT` line: anything below was written by the sender, and a forged `dmarc=pass` there counts
 * for nothing. Spam or virus FAIL quarantines.
 */
import { Decision } from '../outcome';
import { headerLine, ParsedMessage } from '../message';
import { evidenceText, TraceEntry } from '../trace';

export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED' | 'DISABLED';

export interface Verdicts {
  readonly spam?: VerdictStatus;
  readonly virus?: VerdictStatus;
  readonly spf?: VerdictStatus;
  readonly dkim?: VerdictStatus;
  readonly dmarc?: VerdictStatus;
  readonly source: 'ses-event' | 'ses-headers';
  /** What SPF/DKIM were judged from: the Authentication-Results line, or the event's verdicts. */
  readonly authEvidence?: string;
  /** The domain SPF was checked for (the envelope sender's), for alignment with From. */
  readonly spfDomain?: string;
  /** The domains of the DKIM signatures that passed, as Authentication-Results names them. */
  readonly dkimDomains?: readonly string[];
  /** The `d=` of every DKIM-Signature header: stands in for dkimDomains when SES's verdict names none. */
  readonly signatureDomains?: readonly string[];
}

export interface ScreenResult {
  readonly verdicts?: Verdicts;
  readonly quarantine?: { classification: 'spam' | 'virus' } & Decision<'ses-spam-verdict' | 'ses-virus-verdict'>;
  readonly trace: TraceEntry;
}

/**
 * The headers SES itself prepended: those above its `X-SES-RECEIPT` line (or the local listener's receipt
 * line, which says nothing was judged); none when there is no such line.
 */
function sesBlock(message: Pick<ParsedMessage, 'headerLines'>): Pick<ParsedMessage, 'headerLines'> {
  const receipt = message.headerLines.findIndex((header) => header.key === 'x-ses-receipt' || header.key === 'x-hosted-inbox-local-receipt');
  return { headerLines: receipt < 0 ? [] : message.headerLines.slice(0, receipt) };
}

export function verdictsFromHeaders(message: Pick<ParsedMessage, 'headerLines'>): Verdicts | undefined {
  const block = sesBlock(message);
  const spamLine = headerLine(block, 'x-ses-spam-verdict');
  const virusLine = headerLine(block, 'x-ses-virus-verdict');
  const authResults = block.headerLines.find(
    (header) => header.key === 'authentication-results' && /:\s*amazonses\.com\s*;/i.test(header.line),
  )?.line;
  if (!spamLine && !virusLine && !authResults) return undefined;
  const method = (name: string) => {
    const match = authResults?.match(new RegExp(`\\b${name}=(\\w+)`, 'i'));
    return match ? authResultToVerdict(match[1]) : undefined;
  };
  return {
    spam: statusOf(spamLine),
    virus: statusOf(virusLine),
    spf: method('spf'),
    dkim: method('dkim'),
    dmarc: method('dmarc'),
    source: 'ses-headers',
    authEvidence: authResults && evidenceText(authResults),
    ...(authResults && { spfDomain: spfDomainIn(authResults), dkimDomains: dkimDomainsIn(authResults) }),
  };
}

/** `smtp.mailfrom=` / `envelope-from=` (SES writes the latter), else "domain of X designates". */
function spfDomainIn(authResults: string): string | undefined {
  const address = authResults.match(/\b(?:smtp\.mailfrom|envelope-from)=([^\s;]{1,320})/i)?.[1] ?? authResults.match(/\bdomain of ([^\s;]{1,255}) designates/i)?.[1];
  return address ? address.slice(address.lastIndexOf('@') + 1).replace(/[<>]/g, '').toLowerCase() : undefined;
}

/** The `header.d=` (or the domain of `header.i=`) of each `dkim=pass` result. */
function dkimDomainsIn(authResults: string): string[] {
  return authResults
    .split(';')
    .map((result) => result.match(/\bdkim=pass\b.*?\bheader\.[di]=([^\s;]{1,320})/i)?.[1])
    .filter((value): value is string => !!value)
    .map((value) => value.slice(value.lastIndexOf('@') + 1).toLowerCase());
}

/** The signing domain of every DKIM-Signature the sender wrote (what SES's bare DKIM verdict was about). */
function signatureDomainsIn(message: Pick<ParsedMessage, 'headerLines'>): string[] {
  return message.headerLines
    .filter((header) => header.key === 'dkim-signature')
    .slice(0, 20)
    .map((header) => header.line.match(/[;:\s]d=([a-z0-9.-]{1,255})/i)?.[1]?.toLowerCase() ?? '');
}

export function screen(message: Pick<ParsedMessage, 'headerLines'>, eventVerdicts?: Verdicts): ScreenResult {
  const merged = mergeVerdicts(eventVerdicts, verdictsFromHeaders(message));
  const signatureDomains = signatureDomainsIn(message);
  const verdicts = merged && signatureDomains.length ? { ...merged, signatureDomains } : merged;
  if (!verdicts) {
    return { trace: { step: 'screen', decision: 'no verdicts', why: "no SES verdicts in the event or in SES's own headers" } };
  }
  const fromEvent = (name: 'virus' | 'spam') => eventVerdicts?.[name] !== undefined && eventVerdicts[name] !== 'DISABLED';
  const evidence = (name: 'virus' | 'spam', header: string) =>
    fromEvent(name) ? `SES receipt ${name}Verdict: ${verdicts[name]}` : evidenceText(headerLine(message, header) ?? `${header}: ${verdicts[name]}`);
  // A virus is the graver finding: it wins when both fail.
  if (verdicts.virus === 'FAIL') {
    const quarantine = { classification: 'virus', rule: 'ses-virus-verdict', evidence: evidence('virus', 'x-ses-virus-verdict') } as const;
    return { verdicts, quarantine, trace: { step: 'screen', decision: 'quarantine: virus', why: quarantine.evidence } };
  }
  if (verdicts.spam === 'FAIL') {
    const quarantine = { classification: 'spam', rule: 'ses-spam-verdict', evidence: evidence('spam', 'x-ses-spam-verdict') } as const;
    return { verdicts, quarantine, trace: { step: 'screen', decision: 'quarantine: spam', why: quarantine.evidence } };
  }
  const summary = (['spam', 'virus', 'spf', 'dkim', 'dmarc'] as const)
    .filter((name) => verdicts[name])
    .map((name) => `${name}=${verdicts[name]}`)
    .join(' ');
  return { verdicts, trace: { step: 'screen', decision: 'pass', why: `${verdicts.source}: ${summary}` } };
}

/**
 * The event's verdicts win; where the event did not judge (DISABLED, absent), SES's headers fill in. Safe
 * even if a sender forged those headers: a verdict can only quarantine the sender's own mail or withhold
 * trust — never grant more than having no verdict at all.
 */
function mergeVerdicts(event: Verdicts | undefined, headers: Verdicts | undefined): Verdicts | undefined {
  if (!event || !headers) return event ?? headers;
  const judged = (name: 'spf' | 'dkim' | 'spam' | 'virus' | 'dmarc') => event[name] !== undefined && event[name] !== 'DISABLED';
  const pick = (name: 'spam' | 'virus' | 'spf' | 'dkim' | 'dmarc') => (judged(name) ? event[name] : headers[name] ?? event[name]);
  const authEvidence = judged('spf') || judged('dkim') ? event.authEvidence : headers.authEvidence;
  // Domains come from the headers where SES named them: the event names none but the envelope sender.
  const domains = { spfDomain: headers.spfDomain ?? event.spfDomain, dkimDomains: headers.dkimDomains };
  return { spam: pick('spam'), virus: pick('virus'), spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc'), source: event.source, authEvidence, ...domains };
}

function statusOf(line: string | undefined): VerdictStatus | undefined {
  const value = line?.slice(line.indexOf(':') + 1).trim().toUpperCase();
  return value && ['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED', 'DISABLED'].includes(value) ? (value as VerdictStatus) : undefined;
}

function authResultToVerdict(result: string): VerdictStatus {
  const lower = result.toLowerCase();
  if (lower === 'pass') return 'PASS';
  if (lower === 'fail' || lower === 'softfail') return 'FAIL';
  if (lower === 'temperror' || lower === 'permerror') return 'PROCESSING_FAILED';
  return 'GRAY';
}
