/**
 * How the From header of mail sent from an inbox renders. The wizard shows exactly this string, so it is
 * built the way it will be sent: RFC 5322 quoting where the name needs it, RFC 2047 words for non-ASCII.
 */
import libmime from 'libmime';
import type { SenderAddress, SenderName } from './model';
import { looksLikeEncodedWord } from '../commons/text';

/** RFC 5322 atext plus spaces: a display name made only of these needs no quotes. */
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

export function displayNameFor(senderName: SenderName, agentName: string): string {
  return senderName.mode === 'agent-and-company' ? `${agentName} from ${senderName.companyName}` : senderName.companyName;
}

export function formatFrom(displayName: string, address: string): string {
  let phrase: string;
  // A name that reads as an encoded word would be decoded by mail clients into anything: encode it whole.
  if (looksLikeEncodedWord(displayName)) phrase = libmime.encodeWord(displayName, 'Q', 52);
  // eslint-disable-next-line no-control-regex
  else if (/[^\x00-\x7f]/.test(displayName)) phrase = libmime.encodeWords(displayName, 'Q', 52);
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
