/**
 * Fallback for forwarded header blocks `email-forward-parser` does not read: Outlook desktop (no separator
 * line in the text part), Japanese and Chinese labels (差出人, 发件人), a no-break space before the colon
 * (French Outlook), `-----Original Message-----`, HTML-only forwards whose rule became dashes. A block
 * counts only after a separator line or under a forward subject prefix, so ordinary mail that happens
 * to contain "From: someone@x" is not taken for a forward.
 */
import { normalizeEmail, isValidEmail } from '../addresses';
import type { Mailbox } from '../outcome';

const FROM_LABELS = ['from', 'de', 'von', 'van', 'od', 'från', 'fra', 'da', 'от', 'від', 'kimden', 'feladó', 'lähettäjä', 'afzender', 'remitente', 'expéditeur', '差出人', '发件人', '寄件者', '보낸 사람', '送信者'];
const SUBJECT_LABELS = ['subject', 'objet', 'betreff', 'onderwerp', 'temat', 'ämne', 'emne', 'oggetto', 'asunto', 'assunto', 'тема', 'konu', 'tárgy', 'aihe', '件名', '主题', '主旨', '제목'];
const LABEL_LINE = /^[\s>*]*([^:：<>@\n]{1,24}?)\s*[:：]\s*(.*)$/;
const SEPARATOR = /^[\s>*]*(?:[-_=]{5,}.*|.*(?:original message|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|転送されたメッセージ|转发的邮件|원본 메시지).*|.{0,40}[:：])\s*$/i;
const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|tr|wg|rv|enc|pd|vs|vb|i|rif|doorst|fs|trs|пересл|転送|转发|轉寄|전달)\s*[:：]/i;
/** How many lines a header block spans at most (From, Sent, To, Cc, Subject and a wrapped line). */
const BLOCK_LINES = 8;

export interface ForwardedBlock {
  readonly sender: Mailbox;
  readonly fromLine: string;
}

export function findForwardedBlock(text: string, subject: string): ForwardedBlock | undefined {
  const lines = text.replace(/[\u00a0\u202f]/g, ' ').split(/\r?\n/);
  const forwardSubject = FORWARD_SUBJECT.test(subject);
  for (const [index, line] of lines.entries()) {
    const label = labelOf(line);
    if (!label || !FROM_LABELS.includes(label.name)) continue;
    const sender = mailboxIn(label.value);
    if (!sender) continue;
    const block = lines.slice(index + 1, index + BLOCK_LINES);
    if (!block.some((next) => SUBJECT_LABELS.includes(labelOf(next)?.name ?? ''))) continue;
    const above = lines.slice(Math.max(0, index - 3), index).filter((previous) => previous.trim());
    if (forwardSubject || above.some((previous) => SEPARATOR.test(previous) && !labelOf(previous)?.value)) {
      return { sender, fromLine: line.replace(/^[\s>*]+/, '').trim() };
    }
  }
  return undefined;
}

function labelOf(line: string): { name: string; value: string } | undefined {
  const match = line.match(LABEL_LINE);
  return match ? { name: match[1].trim().replace(/\*/g, '').toLowerCase(), value: match[2].trim() } : undefined;
}

/** `Name <email>`, `Name [mailto:email]`, `"Name" email`, or a bare address. */
function mailboxIn(value: string): Mailbox | undefined {
  const match = value.match(/^(.*?)[<[](?:mailto:)?([^<>[\]\s]+@[^<>[\]\s]+)[>\]]/i) ?? value.match(/^(.*?)\b([^\s<>[\]"]+@[^\s<>[\]"]+\.\w+)/);
  if (!match || !isValidEmail(match[2])) return undefined;
  return { email: normalizeEmail(match[2]), name: match[1].trim().replace(/^['"]|['"]$/g, '').trim() };
}
