/**
 * Step 5 (attribute the original sender): the core promise — a conversation belongs to whoever wrote to
 * the team, never to the colleague who forwarded it. A forwarded message's inner sender is believed only
 * when the forwarder is trusted (a member, the team address, a listed forwarder) and its message is
 * authenticated for its own domain (DMARC, or SPF/DKIM aligned with From): otherwise anyone could file
 * mail under anyone. Forwards of forwards are walked inward while each forwarder is trusted.
 */
import { addressesIn, isValidEmail } from '../addresses';
import { firstHeader, headerLine, ParsedMessage } from '../message';
import { cleanMailText, MAX_NAME_TEXT } from '../../../commons/text';
import { AttributionDecision, AttributionRule, Mailbox } from '../outcome';
import { evidenceText, TraceEntry } from '../trace';
import type { Verdicts } from './screen';
import { forwarderAuthentication } from './authentication';
import { readForward } from './read-forward';

export interface TrustPolicy {
  /** Why this address may forward on the team's behalf, or undefined when it may not. */
  trustReason(email: string): string | undefined;
}

export type AttributeResult =
  | {
      readonly contact: Mailbox;
      readonly attribution: AttributionDecision;
      readonly forwardedBy: string | null;
      readonly trace: TraceEntry;
    }
  | { readonly contact: null; readonly trace: TraceEntry };

export interface Forward {
  readonly kind: 'inline-forward' | 'attached-forward';
  readonly sender: Mailbox;
  readonly evidence: string;
  /** How it was found: the reader, and what made it a forward. */
  readonly how: string;
}

/** How deep forwards of forwards are followed. */
const MAX_FORWARD_DEPTH = 5;

/** What the message says about its senders: read once per message, whatever the trust turns out to be. */
export interface Senders {
  /** Who sent what we received (the Google Group poster, else From), with any auto-forward trace. */
  readonly outer?: OuterSender;
  /** The senders named by a manual forward, outermost first: [1] is named inside [0]'s forwarded message. */
  readonly forwards: readonly Forward[];
  /** Why the body named no forwarded sender, when worth saying: a reply, a forward subject with no block, … */
  readonly reading?: string;
}

export function readSenders(message: ParsedMessage): Senders {
  const outer = outerSender(message);
  if (!outer) return { forwards: [] };
  const attached = message.attachedMessages.find((inner) => inner.from && isValidEmail(inner.from.email));
  if (attached?.from) {
    const forward: Forward = { kind: 'attached-forward', sender: attached.from, evidence: attached.fromLine ?? `From: ${attached.from.email}`, how: 'a message/rfc822 attachment' };
    return { outer, forwards: [forward, ...inlineForwards(attached.text ?? '', attached.subject ?? '', [attached.from.email]).forwards] };
  }
  return { outer, ...inlineForwards(message.text, message.subject, []) };
}

/** Inline forwards, outermost first, each looked for in the message the previous one forwarded. */
function inlineForwards(text: string, subject: string, seen: string[]): { forwards: Forward[]; reading?: string } {
  const forwards: Forward[] = [];
  let reading: string | undefined;
  for (let depth = 0; depth < MAX_FORWARD_DEPTH && text; depth++) {
    const found = readForward(text, depth ? '' : subject);
    if (found.kind !== 'forward') {
      if (!depth && !seen.length) reading = found.why && `${found.kind === 'reply' ? 'reply' : 'no forward'}: ${found.why}`;
      break;
    }
    if (seen.includes(found.sender.email)) break;
    seen.push(found.sender.email);
    forwards.push({ kind: 'inline-forward', sender: found.sender, evidence: found.evidence, how: found.how });
    text = found.inner;
  }
  return { forwards, reading };
}

export function attributeSender({ outer, forwards, reading }: Senders, trust: TrustPolicy, verdicts?: Verdicts): AttributeResult {
  if (!outer) {
    return { contact: null, trace: { step: 'attribute', decision: 'no sender', why: 'no usable From or X-Original-Sender address' } };
  }
  const [first] = forwards;
  if (!first) return decided(outer.mailbox, outer.rule, outer.evidence, outer.forwardedBy, reading);
  const forwarder = outer.mailbox.email;
  const trustReason = trust.trustReason(forwarder);
  if (!trustReason) {
    const note = `a forwarded block was found (${first.how}), but ${forwarder} is not a trusted forwarder`;
    return decided(outer.mailbox, 'untrusted-forwarder', `${outer.evidence} (not a trusted forwarder; ignored ${first.evidence})`, null, note, first.sender);
  }
  const authentication = forwarderAuthentication(verdicts, forwarder);
  if (authentication.authenticated === false) {
    const evidence = `${outer.evidence} (${trustReason}, but ${authentication.why}${verdicts?.authEvidence ? `; ${verdicts.authEvidence}` : ''})`;
    return decided(outer.mailbox, 'forwarder-failed-authentication', evidence, null, `a forwarded block was found (${first.how}), but the forwarder's message is not authenticated for its domain`, first.sender);
  }
  const walked = [`forwarder ${forwarder}: ${trustReason}; ${authentication.authenticated ? `authenticated (${authentication.why})` : authentication.why}`];
  let level = 0;
  let setAside: Mailbox | undefined;
  while (level + 1 < forwards.length) {
    const inner = forwards[level].sender.email;
    const innerReason = trust.trustReason(inner);
    if (!innerReason) {
      walked.push(`stopped at ${inner}: not a trusted forwarder, so the forward inside its message (${forwards[level + 1].evidence}) is ignored`);
      setAside = forwards[level + 1].sender;
      break;
    }
    walked.push(`${inner} forwarded it in turn (${innerReason})`);
    level++;
  }
  const chosen = forwards[level];
  return decided(chosen.sender, chosen.kind, chosen.evidence, forwarder, [`found by ${chosen.how}`, ...walked].join('; '), setAside);
}

function decided(contact: Mailbox, rule: AttributionRule, evidence: string, forwardedBy: string | null, note?: string, candidate?: Mailbox): AttributeResult {
  const attribution: AttributionDecision = {
    rule,
    evidence: evidenceText(evidence),
    ...(candidate ? { candidate: { email: candidate.email, name: cleanMailText(candidate.name, MAX_NAME_TEXT) } } : {}),
  };
  const why = `${rule}: ${attribution.evidence}${note ? `; ${note}` : ''}`;
  return { contact, attribution, forwardedBy, trace: { step: 'attribute', decision: contact.email, why } };
}

export interface OuterSender {
  readonly mailbox: Mailbox;
  readonly rule: AttributionRule;
  readonly evidence: string;
  readonly forwardedBy: string | null;
}

/** Who sent the message we received: the Google Group poster, else From; and any trace of an auto-forward. */
function outerSender(message: ParsedMessage): OuterSender | undefined {
  const originalSender = addressesIn(firstHeader(message, 'x-original-sender') ?? '')[0];
  if (originalSender) {
    // Google Groups rewrites From to "'Jane Doe' via Support <support@acme.com>" (or keeps it, when the
    // sender's DMARC policy allows); the group itself is named in Mailing-list / List-Post.
    const fromKept = message.from?.email === originalSender;
    const name = fromKept ? message.from!.name : (message.from?.name ?? '').match(/^(.*?)\s+via\s/i)?.[1] ?? '';
    const group = addressesIn(firstHeader(message, 'mailing-list') ?? firstHeader(message, 'list-post') ?? '')[0];
    return {
      mailbox: { email: originalSender, name: name.replace(/^['"]|['"]$/g, '').trim() },
      rule: 'x-original-sender',
      evidence: headerLine(message, 'x-original-sender')!,
      forwardedBy: group ?? (fromKept ? null : message.from?.email ?? null),
    };
  }
  if (!message.from || !isValidEmail(message.from.email)) return undefined;
  for (const header of ['x-forwarded-for', 'resent-from', 'x-forwarded-to']) {
    const line = headerLine(message, header);
    const forwarder = addressesIn(line?.slice(line.indexOf(':') + 1) ?? '')[0];
    if (line && forwarder) {
      const forwardedBy = header === 'x-forwarded-to' ? null : forwarder;
      return { mailbox: message.from, rule: 'auto-forward', evidence: `${headerLine(message, 'from')} kept; ${line}`, forwardedBy };
    }
  }
  return { mailbox: message.from, rule: 'from-header', evidence: headerLine(message, 'from') ?? `From: ${message.from.email}`, forwardedBy: null };
}
