/**
 * Our own reading of forwarded header blocks, for what `email-forward-parser` does not read: Outlook desktop
 * and new Outlook blocks with no separator under the colleague's own subject, Japanese and Chinese labels
 * (差出人, 发件人), a no-break space before the colon (French Outlook), `-----Original Message-----`, and
 * HTML-only forwards whose rule became dashes. A block counts when it follows a separator line or sits
 * under a forward subject prefix with a Subject line after its From line — or, with neither, when it is a
 * whole header block (From, then Subject and a Date/Sent or To line): ordinary mail that merely mentions
 * "From: someone@x" is not taken for a forward.
 */
import { normalizeEmail, isValidEmail } from '../addresses';
import type { Mailbox } from '../outcome';

/** The labels mail clients write in forwarded header blocks, in the 22 locales `email-forward-parser` knows, plus ja/zh/ko. */
const FROM_LABELS = new Set([
  'from', 'de', 'von', 'van', 'od', 'från', 'fra', 'da', 'от', 'від', 'kimden', 'feladó', 'lähettäjä', 'šalje', 'expeditorul',
  'отправитель', 'mittente', 'nadawca', 'de la', 'afzender', 'remitente', 'expéditeur', '差出人', '发件人', '寄件者', '보낸 사람', '送信者', '送信元',
]);
const SUBJECT_LABELS = new Set([
  'subject', 'objet', 'sujet', 'betreff', 'onderwerp', 'temat', 'ämne', 'emne', 'oggetto', 'asunto', 'assunto', 'тема', 'konu', 'tárgy',
  'aihe', 'předmět', 'predmet', 'subiectul', 'subiect', 'naslov', '件名', '主题', '主旨', '제목',
]);
const DATE_LABELS = new Set([
  'date', 'sent', 'datum', 'dato', 'envoyé', 'fecha', 'päivämäärä', 'päiväys', 'dátum', 'data', 'dată', 'дата', 'tarih', 'gesendet',
  'enviado', 'enviada', 'enviado el', 'inviato', 'verzonden', 'skickat', 'sendt', 'lähetetty', 'wysłano', 'odesláno', 'odoslané', 'отправлено',
  'надіслано', 'gönderildi', 'gönderilen', 'elküldve', 'trimis', 'poslano', '送信日時', '日付', '发送时间', '寄件日期', '보낸 날짜',
]);
const TO_LABELS = new Set([
  'to', 'à', 'pour', 'an', 'aan', 'para', 'a', 'til', 'till', 'do', 'adresat', 'komu', 'pre', 'кому', 'kime', 'címzett', 'vastaanottaja',
  'prima', 'destinatarul', 'către', '宛先', '收件人', '收件者', '받는 사람', '送信先',
]);
const LABEL_LINE = /^[\s>*]*([^:：<>@\n]{1,24}?)\s*[:：]\s*(.*)$/;
const SEPARATOR = /^[\s>*]*(?:[-_=]{5,}.*|.*(?:original message|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado|転送されたメッセージ|转发的邮件|원본 메시지).*|.{0,40}[:：])\s*$/i;
/** How many lines a header block spans at most (From, Sent, To, Cc, Subject and a wrapped line). */
const BLOCK_LINES = 8;

export interface ForwardedBlock {
  readonly sender: Mailbox;
  readonly fromLine: string;
  /** What made it a block: a separator above, the forward subject, or a whole header block. */
  readonly because: string;
}

export function findForwardedBlock(text: string, forwardSubject: boolean): ForwardedBlock | undefined {
  const lines = text.replace(/[\u00a0\u202f]/g, ' ').split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!line.includes('@')) continue;
    const label = labelOf(line);
    if (!label || !FROM_LABELS.has(label.name)) continue;
    const sender = mailboxIn(label.value);
    if (!sender) continue;
    const names = lines.slice(index + 1, index + BLOCK_LINES).map((next) => labelOf(next)?.name ?? '');
    if (!names.some((name) => SUBJECT_LABELS.has(name))) continue;
    const fromLine = line.replace(/^[\s>*]+/, '').trim();
    const above = lines.slice(Math.max(0, index - 3), index).filter((previous) => previous.trim());
    if (above.some((previous) => SEPARATOR.test(previous) && !labelOf(previous)?.value)) return { sender, fromLine, because: 'after a separator line' };
    if (forwardSubject) return { sender, fromLine, because: 'under a forward subject' };
    if (names.some((name) => DATE_LABELS.has(name) || TO_LABELS.has(name))) return { sender, fromLine, because: 'From, Subject and Date or To lines' };
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
