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
}

export interface ClassifyResult {
  readonly classification: Classification;
  readonly reason?: Decision<ClassificationRule>;
  readonly forwardingConfirmation?: ForwardingConfirmation;
  readonly trace: TraceEntry;
}

type Check = (message: ParsedMessage, ownDomains: readonly string[]) => Omit<ClassifyResult, 'trace'> | undefined;

const GMAIL_FORWARDING_SENDER = 'forwarding-noreply@google.com';

const loop: Check = (message, ownDomains) => {
  const ownMessageId = message.messageId && ownDomains.some((own) => isWithinDomain(domainOf(message.messageId!), own));
  if (ownMessageId) return quarantine('loop', 'own-message-id', headerLine(message, 'message-id'));
  const from = message.from?.email;
  if (from && ownDomains.some((own) => isWithinDomain(domainOf(from), own))) {
    return quarantine('loop', 'own-sender-address', headerLine(message, 'from'));
  }
  return undefined;
};

const gmailForwardingConfirmation: Check = (message) => {
  if (message.from?.email !== GMAIL_FORWARDING_SENDER) return undefined;
  const code = message.subject.match(/\(#(\d{6,})\)/)?.[1] ?? message.text.match(/:\s*(\d{6,})\b/)?.[1] ?? null;
  // The confirmation link is vf-…; the same mail carries a uf-… link that cancels: never keep that one.
  const link = message.text.match(/https:\/\/mail(?:-settings)?\.google\.com\/mail\/(?:u\/\d+\/)?vf-[^\s<>"')\]]+/)?.[0] ?? null;
  const requestedBy = message.subject.match(/[\w.+-]+@[\w.-]+\.\w+/)?.[0]?.toLowerCase();
  return {
    ...quarantine('forwarding-confirmation', 'gmail-forwarding-confirmation', headerLine(message, 'from')),
    forwardingConfirmation: { code, link, requestedBy },
  };
};

const bounce: Check = (message) => {
  const contentType = headerLine(message, 'content-type');
  if (contentType && /multipart\/report/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType)) {
    return quarantine('bounce', 'delivery-status-report', contentType);
  }
  const failed = headerLine(message, 'x-failed-recipients');
  if (failed) return quarantine('bounce', 'x-failed-recipients', failed);
  const returnPath = firstHeader(message, 'return-path');
  if (returnPath !== undefined && /^<\s*>$/.test(returnPath)) {
    return quarantine('bounce', 'empty-return-path', headerLine(message, 'return-path'));
  }
  const localPart = message.from?.email.split('@')[0];
  if (localPart === 'mailer-daemon' || localPart === 'postmaster') {
    return quarantine('bounce', 'mailer-daemon-sender', headerLine(message, 'from'));
  }
  return undefined;
};

const autoReply: Check = (message) => {
  const autoSubmitted = firstHeader(message, 'auto-submitted')?.split(';')[0].trim().toLowerCase();
  // RFC 3834: "no" means a person sent it. "auto-forwarded" is a forward of a person's mail — exactly what
  // a hosted inbox exists to receive — so it is not an auto-reply either.
  if (autoSubmitted && autoSubmitted !== 'no' && autoSubmitted !== 'auto-forwarded') {
    return quarantine('auto-reply', 'auto-submitted', headerLine(message, 'auto-submitted'));
  }
  for (const [header, rule] of [
    ['x-autoreply', 'x-autoreply'],
    ['x-autorespond', 'x-autorespond'],
  ] as const) {
    const line = headerLine(message, header);
    if (line) return quarantine('auto-reply', rule, line);
  }
  const precedence = firstHeader(message, 'precedence')?.toLowerCase();
  // A Google Group relays people's mail with "Precedence: list"; it is still a person writing to the team.
  const groupRelayed = headerLine(message, 'x-original-sender') || headerLine(message, 'x-google-group-id');
  if (precedence && /^(bulk|junk|list)$/.test(precedence) && !(precedence === 'list' && groupRelayed)) {
    return quarantine('auto-reply', 'precedence', headerLine(message, 'precedence'));
  }
  const suppress = headerLine(message, 'x-auto-response-suppress');
  if (suppress) return quarantine('auto-reply', 'x-auto-response-suppress', suppress);
  return undefined;
};

const CHECKS: readonly Check[] = [loop, gmailForwardingConfirmation, bounce, autoReply];

/** @param ownDomains domains we send from and receive at (the inbox domain and the inbox's own address). */
export function classify(message: ParsedMessage, ownDomains: readonly string[]): ClassifyResult {
  for (const check of CHECKS) {
    const result = check(message, ownDomains);
    if (result) {
      return { ...result, trace: { step: 'classify', decision: result.classification, why: `${result.reason!.rule}: ${result.reason!.evidence}` } };
    }
  }
  return { classification: 'message', trace: { step: 'classify', decision: 'message', why: 'no auto-reply, bounce, loop or confirmation markers' } };
}

function quarantine(classification: Classification, rule: ClassificationRule, line: string | undefined) {
  return { classification, reason: { rule, evidence: evidenceText(line ?? rule) } };
}
