/**
 * Step 5 (attribute the original sender): the core promise — a conversation belongs to whoever wrote to
 * the team, never to the colleague who forwarded it. A forwarded message's inner sender is believed only
 * when the forwarder is trusted (a member, the team address, a listed forwarder) and, where SES judged it,
 * the outer message passed SPF or DKIM: otherwise anyone could file mail under anyone.
 */
import EmailForwardParser from 'email-forward-parser';
import { addressesIn, isValidEmail, normalizeEmail } from '../addresses';
import { firstHeader, headerLine, ParsedMessage } from '../message';
import { AttributionRule, Decision, Mailbox } from '../outcome';
import { evidenceText, TraceEntry } from '../trace';
import { authenticationPassed, Verdicts } from './screen';
import { findForwardedBlock } from './forwarded-block';

export interface TrustPolicy {
  /** Why this address may forward on the team's behalf, or undefined when it may not. */
  trustReason(email: string): string | undefined;
}

export type AttributeResult =
  | {
      readonly contact: Mailbox;
      readonly attribution: Decision<AttributionRule>;
      readonly forwardedBy: string | null;
      readonly trace: TraceEntry;
    }
  | { readonly contact: null; readonly trace: TraceEntry };

export interface Forward {
  readonly kind: 'inline-forward' | 'attached-forward';
  readonly sender: Mailbox;
  readonly evidence: string;
}

const forwardParser = new EmailForwardParser();

/** What the message says about its senders: read once per message, whatever the trust turns out to be. */
export interface Senders {
  /** Who sent what we received (the Google Group poster, else From), with any auto-forward trace. */
  readonly outer?: OuterSender;
  /** The sender named inside a manual forward, if the message is one. */
  readonly forward?: Forward;
}

export function readSenders(message: ParsedMessage): Senders {
  const outer = outerSender(message);
  return { outer, forward: outer && (attachedForward(message) ?? inlineForward(message)) };
}

export function attributeSender({ outer, forward }: Senders, trust: TrustPolicy, verdicts?: Verdicts): AttributeResult {
  if (!outer) {
    return { contact: null, trace: { step: 'attribute', decision: 'no sender', why: 'no usable From or X-Original-Sender address' } };
  }
  if (forward) {
    const trustReason = trust.trustReason(outer.mailbox.email);
    const authenticated = authenticationPassed(verdicts);
    if (!trustReason) {
      return decided(outer.mailbox, 'untrusted-forwarder', `${outer.evidence} (not a trusted forwarder; ignored ${forward.evidence})`, null);
    }
    if (authenticated === false) {
      const authEvidence = verdicts?.authEvidence ?? 'SES: neither SPF nor DKIM passed';
      return decided(outer.mailbox, 'forwarder-failed-authentication', `${outer.evidence} (${trustReason}, but ${authEvidence})`, null);
    }
    return decided(forward.sender, forward.kind, forward.evidence, outer.mailbox.email, `forwarder ${outer.mailbox.email}: ${trustReason}`);
  }
  return decided(outer.mailbox, outer.rule, outer.evidence, outer.forwardedBy);
}

function decided(contact: Mailbox, rule: AttributionRule, evidence: string, forwardedBy: string | null, note?: string): AttributeResult {
  const attribution = { rule, evidence: evidenceText(evidence) };
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

function attachedForward(message: ParsedMessage): Forward | undefined {
  const attached = message.attachedMessages.find((inner) => inner.from && isValidEmail(inner.from.email));
  if (!attached?.from) return undefined;
  return { kind: 'attached-forward', sender: attached.from, evidence: attached.fromLine ?? `From: ${attached.from.email}` };
}

/**
 * A quick look before the full parser: every client's forwarded block carries a header-like line with an
 * address (`From: …`, `De : …`, `Von: …`, `差出人: …`). Labels hold no digits or commas, which keeps reply
 * quote lines ("On Mon, 3 Mar 2025 at 10:00, Jane <jane@…> wrote:") out. Most mail costs nothing more.
 */
const FORWARDED_BLOCK_HINT = /^[ \t>*]*[^:：\n\d,]{1,24}[:：].*@/m;

function inlineForward(message: ParsedMessage): Forward | undefined {
  if (!message.text || !FORWARDED_BLOCK_HINT.test(message.text)) return undefined;
  // Called without the subject: with one, the parser ignores bodies whose subject lacks a forward prefix.
  const result = forwardParser.read(message.text);
  const address = result.forwarded ? result.email?.from?.address : null;
  if (!address || !isValidEmail(address)) {
    const block = findForwardedBlock(message.text, message.subject);
    return block && { kind: 'inline-forward', sender: block.sender, evidence: block.fromLine };
  }
  const email = normalizeEmail(address);
  const name = (result.email.from.name ?? '').replace(/^['"]|['"]$/g, '').trim();
  const evidenceLine = message.text.split(/\r?\n/).find((line) => line.toLowerCase().includes(email)) ?? `From: ${email}`;
  return { kind: 'inline-forward', sender: { email, name: name === address ? '' : name }, evidence: evidenceLine.replace(/^[\s>*]+/, '') };
}
