/**
 * Reads a message body for a manual forward: who wrote the forwarded message, found how, or why the
 * body is a reply or names nobody. `email-forward-parser` first — with the subject when the subject marks
 * a forward (it then also reads blocks with no separator), and without it (separator lines) — then our
 * own reading of header blocks it misses (forwarded-block.ts). Replies are told from forwards here: a
 * quote header ("On … wrote:") followed by history is a reply unless the subject says forward.
 */
import EmailForwardParser from 'email-forward-parser';
import { isValidEmail, normalizeEmail } from '../addresses';
import type { Mailbox } from '../outcome';
import { findForwardedBlock } from './forwarded-block';

export type ForwardReading =
  | {
      readonly kind: 'forward';
      readonly sender: Mailbox;
      /** The line that names the sender, verbatim. */
      readonly evidence: string;
      /** Which reader found it, and what made it a forward. */
      readonly how: string;
      /** What follows the sender's line: the forwarded message, where a forward of a forward is looked for. */
      readonly inner: string;
    }
  | { readonly kind: 'reply' | 'none'; readonly why?: string };

/**
 * Forward prefixes clients put in the subject: those `email-forward-parser` knows (Fwd, FW, WG, TR, RV, I,
 * VS, Vs, PD, ENC, Redir., VB, VL, Videresend, İLT) and Rif, Doorst, Fs, Trs, Пересл, 転送, 转发, 轉寄, 전달.
 * A bracketed tag may precede it (`[EXT] FW:`).
 */
const FORWARD_SUBJECT = /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:fwd?|fw|tr|wg|rv|enc|pd|vs|vb|vl|i|rif|doorst|fs|trs|redir\.?|videresend|i̇lt|ilt|пересл|転送|转发|轉寄|전달)\s*[:：]/i;

/** The end of a quote header in the locales we read: "wrote:", "a écrit :", "schrieb:", "書きました:", … */
const QUOTE_HEADER = /(?:wrote|a écrit|schrieb|escribió|ha scritto|geschreven|escreveu|napsal(?:\(a\))?|skrev|följande|napisał|kirjoitti|написал|написав|ezt írta|napísal|yazdı|scris|napisao|書きました|写道|작성)\s*(?:.{0,60})?[:：]\s*$/i;

/** Mail bodies are read only this far for a forward: blocks sit at the top, and every pattern stays bounded. */
const READ_LIMIT = 32 * 1024;
/** Longer lines are cut before the forward parser's patterns see them (some backtrack over a line). */
const LINE_LIMIT = 1000;

const forwardParser = new EmailForwardParser();

export function isForwardSubject(subject: string): boolean {
  return FORWARD_SUBJECT.test(subject);
}

export function readForward(rawText: string, subject: string): ForwardReading {
  const forwardSubject = isForwardSubject(subject);
  // The cheap first pass, safe by construction: no reader names a sender without an '@' in the body.
  if (!rawText.includes('@')) return { kind: 'none', why: forwardSubject ? `subject "${short(subject)}" says forward, but the body names no address` : undefined };
  const text = readable(rawText);
  let unusable: string | undefined;
  let found: ForwardReading | undefined;
  // With a forward subject the parser also splits at a From line when no separator is found; when it does
  // not know the prefix it reads nothing, and is asked again without the subject (separators only).
  for (const withSubject of forwardSubject ? [true, false] : [false]) {
    const result = forwardParser.read(text, withSubject ? subject : undefined);
    const from = result.forwarded ? result.email?.from : undefined;
    if (from?.address && isValidEmail(from.address)) {
      found = located(text, { email: normalizeEmail(from.address), name: cleanName(from.name, from.address) }, `email-forward-parser${withSubject ? ' (with the subject)' : ''}`, result.email.body);
    } else if (from?.name || from?.address) {
      // The subject alone makes the parser say "forwarded": only a block that names someone is unusable.
      unusable ??= `a forwarded block was found, but its sender "${short(from.name ?? from.address ?? '')}" has no usable address`;
    }
    // It read the body with the subject: without it, it would look for the same separators again.
    if (found || result.forwarded) break;
  }
  if (!found) {
    const block = findForwardedBlock(text, forwardSubject);
    if (block) found = located(text, block.sender, `our header-block reader (${block.because})`);
  }
  const quoteHeader = firstQuoteHeader(text);
  if (found?.kind === 'forward' && !forwardSubject) {
    const quotedFirst = quoteHeader && quoteHeader.index <= text.indexOf(found.evidence);
    if (quotedFirst || QUOTE_HEADER.test(found.evidence)) {
      return { kind: 'reply', why: `quote header "${short(quoteHeader?.line ?? found.evidence)}" followed by history, and no forward prefix in the subject: a reply` };
    }
  }
  if (found) return found;
  if (quoteHeader && !forwardSubject) return { kind: 'reply', why: `quote header "${short(quoteHeader.line)}" followed by history: a reply` };
  if (unusable) return { kind: 'none', why: unusable };
  return { kind: 'none', why: forwardSubject ? `subject "${short(subject)}" says forward, but no forwarded block was found` : undefined };
}

/**
 * The sender's line in the text (for evidence) and the forwarded message (where a forward inside the forward
 * is looked for): the parser's body when it gives one, else what follows the sender's line.
 */
function located(text: string, sender: Mailbox, how: string, body?: string): ForwardReading | undefined {
  const at = text.toLowerCase().indexOf(sender.email);
  if (at < 0) return undefined;
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  const line = text.slice(start, end < 0 ? text.length : end);
  return { kind: 'forward', sender, evidence: line.replace(/^[\s>*]+/, '').trim(), how, inner: body ?? (end < 0 ? '' : text.slice(end + 1)) };
}

function firstQuoteHeader(text: string): { line: string; index: number } | undefined {
  let index = 0;
  for (const line of text.split('\n')) {
    if (line.length < 300 && endsWithColon(line) && QUOTE_HEADER.test(line)) return { line: line.trim(), index };
    index += line.length + 1;
  }
  return undefined;
}

/**
 * What the readers see: bounded, `\n` line ends, and HTML-only mail's links unwrapped — mailparser renders
 * `<a href="mailto:x">x</a>` as `x [x]` (or `x [mailto:x]`), which no reader takes for an address.
 */
function readable(text: string): string {
  const bounded = text.length > READ_LIMIT ? text.slice(0, READ_LIMIT) : text;
  const lines = unwrapQuoteHeaders(bounded.replace(/\r\n?/g, '\n').split('\n')).join('\n');
  return lines.includes('[') ? lines.replace(/(@[^\s<>[\]]{1,255})\s{1,3}\[(?:mailto:)?[^\s[\]@]{1,64}@[^\s[\]]{1,255}\]/g, '$1') : lines;
}

/**
 * Lines are cut to LINE_LIMIT; and mailparser renders HTML-only mail to text wrapped at 80 columns, which
 * splits a long quote header ("On …, "Name" <address> wrote:") over two lines: joined again when only
 * together they make one.
 */
function unwrapQuoteHeaders(lines: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].length > LINE_LIMIT ? lines[index].slice(0, LINE_LIMIT) : lines[index];
    const next = lines[index + 1];
    if (next !== undefined && next.length < 300 && endsWithColon(next) && line.includes('@') && !QUOTE_HEADER.test(line) && QUOTE_HEADER.test(`${line} ${next}`)) {
      joined.push(`${line} ${next}`);
      index++;
    } else {
      joined.push(line);
    }
  }
  return joined;
}

function endsWithColon(line: string): boolean {
  const end = line.trimEnd();
  return end.endsWith(':') || end.endsWith('：');
}

function cleanName(name: string | null | undefined, address: string): string {
  const cleaned = (name ?? '').replace(/^['"]|['"]$/g, '').trim();
  return cleaned === address ? '' : cleaned;
}

function short(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
