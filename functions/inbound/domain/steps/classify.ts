/**
 * Step 4 (classify): mail that must never become a customer conversation — our own mail coming back
 * (loops), Gmail's forwarding confirmation (captured for the setup wizard), bounces and auto-replies.
 * Checked in that order: a bounce of our own mail is a loop first; a confirmation is never an auto-reply.
 */
import { domainOf, isWithinDomain } from '../addresses';
import { firstHeader, headerLine, ParsedMessage } from '../message';
import { Classification, ClassificationRule, Decision } from '../outcome';
import { evidenceText, TraceEntry } from '../trace';

export interface ForwardingConfirmation {
  /** Newer confirmations carry only the link. */
  readonly code: string | null;
  readonly link: string | null;
  /** The Gmail address asking to forward to us. */
  readonly requestedBy?: string;
  /** Why a link-like text was not kept as the link (it was not one of Gmail's own confirmation URLs). */
  readonly linkDropped?: string;
}

export interface ClassifyResult {
  readonly classification: Classification;
  readonly reason?: Decision<ClassificationRule>;
  readonly forwardingConfirmation?: ForwardingConfirmation;
  readonly trace: TraceEntry;
}

/** Every rule a check finds, in order, lazily: a release may skip the one that held a message and go on to the next. */
type Check = (message: ParsedMessage, ownDomains: readonly string[]) => Iterable<Omit<ClassifyResult, 'trace'>>;

const GMAIL_FORWARDING_SENDER = 'forwarding-noreply@google.com';

const loop: Check = function* (message, ownDomains) {
  const ownMessageId = message.messageId && ownDomains.some((own) => isWithinDomain(domainOf(message.messageId!), own));
  if (ownMessageId) yield quarantine('loop', 'own-message-id', headerLine(message, 'message-id'));
  const from = message.from?.email;
  if (from && ownDomains.some((own) => isWithinDomain(domainOf(from), own))) {
    yield quarantine('loop', 'own-sender-address', headerLine(message, 'from'));
  }
};

const gmailForwardingConfirmation: Check = function* (message) {
  if (message.from?.email !== GMAIL_FORWARDING_SENDER) return;
  const code = message.subject.match(/\(#(\d{6,})\)/)?.[1] ?? message.text.match(/:\s*(\d{6,})\b/)?.[1] ?? null;
  // The confirmation link is vf-…; the same mail carries a uf-… link that cancels: never keep that one.
  // Tokens, not a pattern over the text: linear in a body anyone can write (From is not proof of Google).
  const candidates = message.text.slice(0, 64 * 1024).split(/[\s<>"')\]]+/).filter((token) => token.includes('/vf-')).slice(0, 10);
  const link = candidates.find((candidate) => !gmailLinkProblem(candidate)) ?? null;
  const linkDropped = !link && candidates.length ? `${evidenceText(candidates[0]).slice(0, 120)}: ${gmailLinkProblem(candidates[0])}` : undefined;
  const requestedBy = message.subject.match(/[\w.+-]+@[\w.-]+\.\w+/)?.[0]?.toLowerCase();
  yield {
    ...quarantine('forwarding-confirmation', 'gmail-forwarding-confirmation', headerLine(message, 'from')),
    forwardingConfirmation: { code, link, requestedBy, ...(linkDropped ? { linkDropped } : {}) },
  };
};

/** Gmail's own confirmation hosts: the link is shown to people to click, so nothing else is ever kept. */
const GMAIL_CONFIRMATION_HOSTS = new Set(['mail.google.com', 'mail-settings.google.com']);
/** `/mail/vf-<token>` or `/mail/u/<n>/vf-<token>`; the token is Gmail's `[…]-…` of base64url characters. */
const GMAIL_CONFIRMATION_PATH = /^\/mail\/(?:u\/\d{1,2}\/)?vf-([A-Za-z0-9%_-]{1,1024})$/;

/** Why `url` is not exactly one of Gmail's confirmation link forms, or undefined when it is. */
export function gmailLinkProblem(url: string): string | undefined {
  if (url.length > 2048) return 'longer than any Gmail confirmation link';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:') return `scheme ${parsed.protocol} is not https`;
  if (!GMAIL_CONFIRMATION_HOSTS.has(parsed.hostname) || parsed.port || parsed.username || parsed.password) return `host ${parsed.host} is not Gmail's`;
  if (parsed.search || parsed.hash || url.includes('?') || url.includes('#')) return 'carries parameters (a redirect?)';
  // Checked on the text as sent: URL parsing would already have resolved a `..`.
  const path = url.slice(url.indexOf(parsed.hostname) + parsed.hostname.length);
  const token = path.match(GMAIL_CONFIRMATION_PATH)?.[1];
  if (!token) return 'path is not /mail/vf-<token>';
  let decoded: string;
  try {
    decoded = decodeURIComponent(token);
  } catch {
    return 'token is not valid percent-encoding';
  }
  if (!/^[A-Za-z0-9_[\]-]+$/.test(decoded)) return 'token holds characters Gmail never uses (encoded dots, slashes or parameters?)';
  return undefined;
}

const bounce: Check = function* (message) {
  const contentType = headerLine(message, 'content-type');
  if (contentType && /multipart\/report/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType)) {
    yield quarantine('bounce', 'delivery-status-report', contentType);
  }
  const failed = headerLine(message, 'x-failed-recipients');
  if (failed) yield quarantine('bounce', 'x-failed-recipients', failed);
  const returnPath = firstHeader(message, 'return-path');
  if (returnPath !== undefined && /^<\s*>$/.test(returnPath)) {
    yield quarantine('bounce', 'empty-return-path', headerLine(message, 'return-path'));
  }
  const localPart = message.from?.email.split('@')[0];
  if (localPart === 'mailer-daemon' || localPart === 'postmaster') {
    yield quarantine('bounce', 'mailer-daemon-sender', headerLine(message, 'from'));
  }
};

const autoReply: Check = function* (message) {
  const autoSubmitted = firstHeader(message, 'auto-submitted')?.split(';')[0].trim().toLowerCase();
  // RFC 3834: "no" means a person sent it. "auto-forwarded" is a forward of a person's mail — exactly what
  // a hosted inbox exists to receive — so it is not an auto-reply either.
  if (autoSubmitted && autoSubmitted !== 'no' && autoSubmitted !== 'auto-forwarded') {
    yield quarantine('auto-reply', 'auto-submitted', headerLine(message, 'auto-submitted'));
  }
  for (const [header, rule] of [
    ['x-autoreply', 'x-autoreply'],
    ['x-autorespond', 'x-autorespond'],
  ] as const) {
    const line = headerLine(message, header);
    if (line) yield quarantine('auto-reply', rule, line);
  }
  const precedence = firstHeader(message, 'precedence')?.toLowerCase();
  // A Google Group relays people's mail with "Precedence: list"; it is still a person writing to the team.
  const groupRelayed = headerLine(message, 'x-original-sender') || headerLine(message, 'x-google-group-id');
  if (precedence && /^(bulk|junk|list)$/.test(precedence) && !(precedence === 'list' && groupRelayed)) {
    yield quarantine('auto-reply', 'precedence', headerLine(message, 'precedence'));
  }
  const suppress = headerLine(message, 'x-auto-response-suppress');
  if (suppress) yield quarantine('auto-reply', 'x-auto-response-suppress', suppress);
};

const CHECKS: readonly Check[] = [loop, gmailForwardingConfirmation, bounce, autoReply];

/**
 * @param ownDomains domains we send from and receive at (the inbox domain and the inbox's own address).
 * @param skip rules a release of quarantined mail bypasses: the chain goes on to the next rule that applies.
 */
export function classify(message: ParsedMessage, ownDomains: readonly string[], skip: ReadonlySet<string> = NO_RULES): ClassifyResult {
  const skipped: string[] = [];
  for (const check of CHECKS) {
    for (const result of check(message, ownDomains)) {
      if (skip.has(result.reason!.rule)) {
        skipped.push(result.reason!.rule);
        continue;
      }
      return { ...result, trace: { step: 'classify', decision: result.classification, why: `${result.reason!.rule}: ${result.reason!.evidence}` } };
    }
  }
  const why = skipped.length ? `no markers but those released past (${skipped.join(', ')})` : 'no auto-reply, bounce, loop or confirmation markers';
  return { classification: 'message', trace: { step: 'classify', decision: 'message', why } };
}

const NO_RULES: ReadonlySet<string> = new Set();

function quarantine(classification: Classification, rule: ClassificationRule, line: string | undefined) {
  return { classification, reason: { rule, evidence: evidenceText(line ?? rule) } };
}
