/**
 * How the From header of mail sent from an inbox renders. The wizard shows exactly this string, so it is
 * built the way it will be sent: RFC 5322 quoting where the name needs it, RFC 2047 words for non-ASCII.
 */
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import type { SenderAddress, SenderName } from './model';
import { looksLikeEncodedWord } from '../commons/text';

/** RFC 5322 atext plus spaces: a display name made only of these needs no quotes. */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

export function displayNameFor(senderName: SenderName, agentName: string): string {
  return senderName.mode === 'agent-and-company' ? `${agentName} from ${senderName.companyName}` : senderName.companyName;
}

/** The longest encoded word written (the maxLength argument of libmime and nodemailer), so headers fold short. */
const ENCODED_WORD_LENGTH = 52;

/**
 * RFC 2047 Q words for the non-ASCII run of `text` (from the start of the word holding its first non-ASCII
 * character to the end of the word holding its last), the rest left as it is: exactly what libmime's
 * `encodeWords` writes, over nodemailer's `encodeWord`, which brings no charset tables (libmime's decoders pull
 * in iconv-lite and encoding-japanese, 570 KB). test/api/sender-header.test.ts compares both on a generated corpus.
 */
function encodeNonAsciiWords(text: string): string {
  const first = /(?:^|\s)([^\s]*[\u0080-\uFFFF])/.exec(text);
  if (!first) return text;
  const start = first.index + (/[^\s]/.exec(first[0])?.index ?? 0);
  let last = text.length - 1;
  while (last >= 0 && text.charCodeAt(last) < 0x80) last--;
  const spaceAfter = text.slice(last + 1).search(/\s/);
  const end = spaceAfter < 0 ? text.length : last + 1 + spaceAfter;
  return text.slice(0, start) + encodeWord(text.slice(start, end), 'Q', ENCODED_WORD_LENGTH) + text.slice(end);
}

export function formatFrom(displayName: string, address: string): string {
  let phrase: string;
  // A name that reads as an encoded word would be decoded by mail clients into anything: encode it whole.
  if (looksLikeEncodedWord(displayName)) phrase = encodeWord(displayName, 'Q', ENCODED_WORD_LENGTH);
  // eslint-disable-next-line no-control-regex
  else if (/[^\x00-\x7f]/.test(displayName)) phrase = encodeNonAsciiWords(displayName);
  else if (ATOM_PHRASE.test(displayName)) phrase = displayName;
  else phrase = `"${displayName.replace(/(["\\])/g, '\\$1')}"`;
  return `${phrase} <${address}>`;
}

export interface SenderPreview {
  /** The display name as people will see it. */
  readonly displayName: string;
  /** The header exactly as sent. */
  readonly header: string;
  /** Whether mail can be sent from this address now (a custom address must be verified first). */
  readonly canSend: boolean;
}

export function senderPreview(senderName: SenderName | undefined, senderAddress: SenderAddress | undefined, agentName: string): SenderPreview | undefined {
  if (!senderName || !senderAddress) return undefined;
  const displayName = displayNameFor(senderName, agentName);
  return {
    displayName,
    header: `From: ${formatFrom(displayName, senderAddress.address)}`,
    canSend: senderAddress.mode === 'default' || senderAddress.verified,
  };
}
