/**
 * The attribution corpus, generated from templates: forwards as each mail client family writes them, in
 * each locale it writes, in each form — forward prefix in the subject, the colleague's own subject,
 * HTML-only, the original attached as message/rfc822 — as complete MIME messages (quoted-printable and
 * base64; UTF-8 and the locale's legacy charset), each sent by a trusted, authenticated colleague (the
 * inner sender is expected) and by a stranger (the stranger is expected). Plus replies that look like
 * forwards (the outer sender is expected) and forwards of forwards. Formats follow what the clients
 * write, as `email-forward-parser`'s own fixtures show them.
 */
import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import libmime from 'libmime';

export type Family =
  | 'apple-mail' | 'ios-mail' | 'gmail' | 'outlook-live' | 'owa' | 'outlook-2013' | 'outlook-2019' | 'new-outlook'
  | 'outlook-desktop' | 'yahoo' | 'thunderbird' | 'missive' | 'hubspot' | 'ionos' | 'mailmate' | 'nested' | 'reply';
export type Form = 'prefix' | 'own-subject' | 'html-only' | 'attached';
export type Sender = 'trusted' | 'stranger';

export interface CorpusMessage {
  readonly name: string;
  readonly family: Family;
  readonly locale: string;
  readonly form: Form;
  readonly sender: Sender;
  readonly raw: Buffer;
  /** The inbox's trusted forwarders for this message. */
  readonly trusted: readonly string[];
  readonly expect: { readonly email: string; readonly rule: string };
}

export const COLLEAGUE = { name: 'Alex Agent', email: 'agent@acme.com' };
/** A second colleague, trusted by the inbox's list: forwards of forwards go through them. */
export const SECOND_COLLEAGUE = { name: 'Sam Second', email: 'sam@acme.com' };
export const CORPUS_INBOX = 'support@acme.inbox.example.com';

interface Labels {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly date: string;
  /** Outlook's and Yahoo's "Sent" label. */
  readonly sent: string;
}

interface Locale {
  readonly labels: Labels;
  readonly charset: string;
  readonly apple?: string;
  readonly yahoo?: string;
  readonly yahooLabels?: Partial<Labels>;
  readonly thunderbird?: string;
  readonly thunderbirdLabels?: Partial<Labels>;
  readonly hubspot?: string;
  readonly gmailFrom?: string;
  /** Outlook 2019's quote line ("On …, "Name" <address> wrote:"). */
  readonly outlook2019?: (name: string, email: string) => string;
  /** Outlook Live / new Outlook's forward prefix. */
  readonly outlookPrefix: string;
  readonly newOutlook?: boolean;
  readonly originalMessage?: string;
  readonly note: string;
}

const L = (from: string, to: string, subject: string, date: string, sent: string): Labels => ({ from, to, subject, date, sent });

/** The 22 locales `email-forward-parser` knows; which clients write each comes from its fixtures. */
export const LOCALES: Record<string, Locale> = {
  cs: { labels: L('Od', 'Komu', 'Předmět', 'Datum', 'Odesláno'), charset: 'iso-8859-2', apple: 'Začátek přeposílané zprávy:', yahoo: '----- Přeposlaná zpráva -----', yahooLabels: { sent: 'Datum' }, thunderbird: '-------- Přeposlaná zpráva --------', outlook2019: (n, e) => `Dne 28.10.2021 12:46, ${n} <${e}> napsal(a):`, outlookPrefix: 'Fw', newOutlook: true, note: 'Můžete to prosím vyřídit?' },
  da: { labels: L('Fra', 'Til', 'Emne', 'Dato', 'Sendt'), charset: 'windows-1252', apple: 'Start på videresendt besked:', yahoo: '----- Videresendt meddelelse -----', thunderbird: '-------- Videresendt meddelelse --------', outlook2019: (n, e) => `D. 28.10.2021 12.46 skrev "${n}" <${e}>:`, outlookPrefix: 'VS', newOutlook: true, note: 'Kan du tage denne?' },
  de: { labels: L('Von', 'An', 'Betreff', 'Datum', 'Gesendet'), charset: 'iso-8859-1', apple: 'Anfang der weitergeleiteten Nachricht:', yahoo: '----- Weitergeleitete Nachricht -----', thunderbird: '-------- Weitergeleitete Nachricht --------', hubspot: '---------- Weitergeleitete Nachricht ---------', outlook2019: (n, e) => `Am 28.10.21, 12:46 schrieb "${n}" <${e}>:`, outlookPrefix: 'WG', newOutlook: true, originalMessage: '-----Ursprüngliche Nachricht-----', note: 'Kannst du das übernehmen?' },
  en: { labels: L('From', 'To', 'Subject', 'Date', 'Sent'), charset: 'us-ascii', apple: 'Begin forwarded message:', yahoo: '----- Forwarded Message -----', thunderbird: '-------- Forwarded Message --------', hubspot: '---------- Forwarded message ---------', outlook2019: (n, e) => `On 28/10/2021 12:46, "${n}" <${e}> wrote:`, outlookPrefix: 'FW', newOutlook: true, originalMessage: '-----Original Message-----', note: 'Can you take this one?' },
  es: { labels: L('De', 'Para', 'Asunto', 'Fecha', 'Enviado'), charset: 'windows-1252', apple: 'Inicio del mensaje reenviado:', yahoo: '----- Mensaje reenviado -----', thunderbird: '-------- Mensaje reenviado --------', hubspot: '---------- Mensaje reenviado ---------', outlook2019: (n, e) => `El 28/10/21 12:46, "${n}" <${e}> escribió:`, outlookPrefix: 'RV', newOutlook: true, originalMessage: '-----Mensaje original-----', note: '¿Puedes encargarte de esto?' },
  fi: { labels: L('Lähettäjä', 'Vastaanottaja', 'Aihe', 'Päivämäärä', 'Lähetetty'), charset: 'iso-8859-15', apple: 'Välitetty viesti alkaa:', yahoo: '----- Edelleenlähetetty viesti -----', thunderbird: '-------- Välitetty viesti / Fwd.Msg --------', hubspot: '---------- Edelleenlähetetty viesti ---------', outlook2019: (n, e) => `${n} <${e}> kirjoitti 28.10.2021 klo 12.46:`, outlookPrefix: 'VL', newOutlook: true, note: 'Voitko hoitaa tämän?' },
  fr: { labels: L('De', 'À', 'Objet', 'Date', 'Envoyé'), charset: 'windows-1252', apple: 'Début du message réexpédié :', yahoo: '----- Message transmis -----', thunderbird: '-------- Message transféré --------', thunderbirdLabels: { subject: 'Sujet', to: 'Pour' }, hubspot: '---------- Message transféré ---------', outlook2019: (n, e) => `Le 28/10/2021 12:46, « ${n} » <${e}> a écrit :`, outlookPrefix: 'TR', newOutlook: true, originalMessage: "-----Message d'origine-----", note: 'Tu peux t’en occuper ?' },
  hr: { labels: L('Šalje', 'Prima', 'Predmet', 'Datum', 'Poslano'), charset: 'iso-8859-2', apple: 'Započni proslijeđenu poruku:', thunderbird: '-------- Proslijeđena poruka --------', thunderbirdLabels: { subject: 'Naslov' }, outlookPrefix: 'Fw', note: 'Možeš li ovo preuzeti?' },
  hu: { labels: L('Feladó', 'Címzett', 'Tárgy', 'Dátum', 'Elküldve'), charset: 'iso-8859-2', apple: 'Továbbított levél kezdete:', yahoo: '----- Továbbított üzenet -----', thunderbird: '-------- Továbbított üzenet --------', outlook2019: (n, e) => `2021. 10. 28. 12:46 időpontban ${n} <${e}> ezt írta:`, outlookPrefix: 'Fw', newOutlook: true, note: 'Át tudnád venni?' },
  it: { labels: L('Da', 'A', 'Oggetto', 'Data', 'Inviato'), charset: 'iso-8859-15', apple: 'Inizio messaggio inoltrato:', yahoo: '----- Messaggio inoltrato -----', thunderbird: '-------- Messaggio Inoltrato --------', thunderbirdLabels: { from: 'Mittente' }, hubspot: '---------- Messaggio inoltrato ---------', outlook2019: (n, e) => `Il giorno 28/10/21, 12:46, "${n}" <${e}> ha scritto:`, outlookPrefix: 'I', newOutlook: true, note: 'Puoi occupartene tu?' },
  ja: { labels: L('差出人', '宛先', '件名', '日付', '送信日時'), charset: 'iso-2022-jp', apple: '転送されたメッセージ:', hubspot: '---------- メッセージを転送 ---------', outlookPrefix: 'FW', note: 'こちらの対応をお願いできますか？' },
  nl: { labels: L('Van', 'Aan', 'Onderwerp', 'Datum', 'Verzonden'), charset: 'windows-1252', apple: 'Begin doorgestuurd bericht:', yahoo: '----- Doorgestuurd bericht -----', thunderbird: '-------- Doorgestuurd bericht --------', hubspot: '---------- Doorgestuurd bericht ---------', outlook2019: (n, e) => `Op 28-10-2021 12:46 heeft ${n} <${e}> geschreven:`, outlookPrefix: 'FW', newOutlook: true, originalMessage: '-----Oorspronkelijk bericht-----', note: 'Kun jij dit oppakken?' },
  no: { labels: L('Fra', 'Til', 'Emne', 'Dato', 'Sendt'), charset: 'iso-8859-1', apple: 'Videresendt melding:', yahoo: '----- Videresendt melding -----', thunderbird: '-------- Videresendt melding --------', outlook2019: (n, e) => `${n} <${e}> skrev følgende den 28.10.2021 12:46:`, outlookPrefix: 'Vs', note: 'Kan du ta denne?' },
  pl: { labels: L('Od', 'Do', 'Temat', 'Data', 'Wysłano'), charset: 'iso-8859-2', apple: 'Początek przekazywanej wiadomości:', yahoo: '----- Przekazana wiadomość -----', thunderbird: '--- Treść przekazanej wiadomości ---', thunderbirdLabels: { from: 'Nadawca', to: 'Adresat' }, hubspot: '---------- Wiadomość przesłana dalej ---------', outlook2019: (n, e) => `Dnia 28.10.2021 12:46 „${n}” <${e}> napisał:`, outlookPrefix: 'PD', newOutlook: true, note: 'Możesz się tym zająć?' },
  pt: { labels: L('De', 'Para', 'Assunto', 'Data', 'Enviado'), charset: 'iso-8859-1', apple: 'Início da mensagem reencaminhada:', yahoo: '----- Mensagem reencaminhada -----', thunderbird: '-------- Mensagem reencaminhada --------', outlook2019: (n, e) => `Em 28/10/21, 12:46, "${n}" <${e}> escreveu:`, outlookPrefix: 'FW', newOutlook: true, note: 'Podes tratar disto?' },
  'pt-br': { labels: L('De', 'Para', 'Assunto', 'Data', 'Enviado'), charset: 'windows-1252', apple: 'Início da mensagem encaminhada:', yahoo: '----- Mensagem encaminhada -----', thunderbird: '-------- Mensagem encaminhada --------', hubspot: '---------- Mensagem encaminhada ---------', outlookPrefix: 'ENC', newOutlook: true, note: 'Você pode cuidar disso?' },
  ro: { labels: L('Expeditorul', 'Destinatarul', 'Subiectul', 'Dată', 'Trimis'), charset: 'iso-8859-16', apple: 'Începe mesajul redirecționat:', yahoo: '----- Mesaj redirecționat -----', yahooLabels: { from: 'De la', to: 'Către', subject: 'Subiect' }, outlookPrefix: 'Redir.', note: 'Te poți ocupa de asta?' },
  ru: { labels: L('От', 'Кому', 'Тема', 'Дата', 'Отправлено'), charset: 'koi8-r', apple: 'Начало переадресованного сообщения:', yahoo: '----- Пересылаемое сообщение -----', thunderbird: '-------- Перенаправленное сообщение --------', outlook2019: (n, e) => `28.10.2021, 12:46 пользователь "${n}" <${e}> написал:`, outlookPrefix: 'FW', newOutlook: true, note: 'Можешь взять это?' },
  sk: { labels: L('Od', 'Komu', 'Predmet', 'Dátum', 'Odoslané'), charset: 'iso-8859-2', apple: 'Začiatok preposlanej správy:', yahoo: '----- Preposlaná správa -----', thunderbird: '-------- Preposlaná správa --- Forwarded Message --------', outlook2019: (n, e) => `28. 10. 2021 12:46 používateľ ${n} (<${e}>) napísal:`, outlookPrefix: 'Fw', newOutlook: true, note: 'Môžeš to prevziať?' },
  sv: { labels: L('Från', 'Till', 'Ämne', 'Datum', 'Skickat'), charset: 'iso-8859-1', apple: 'Vidarebefordrat mejl:', yahoo: '----- Vidarebefordrat meddelande -----', thunderbird: '-------- Vidarebefordrat meddelande --------', hubspot: '---------- Vidarebefordrat meddelande ---------', outlook2019: (n, e) => `Den 2021-10-28 12:46 skrev "${n}" <${e}> följande:`, outlookPrefix: 'VB', newOutlook: true, note: 'Kan du ta den här?' },
  tr: { labels: L('Kimden', 'Kime', 'Konu', 'Tarih', 'Gönderilen'), charset: 'windows-1254', apple: 'İleti başlangıcı:', yahoo: '----- İletilmiş Mesaj -----', thunderbird: '-------- İletilen İleti --------', outlook2019: (n, e) => `"${n}" <${e}>, 28.10.2021 12:46 tarihinde şunu yazdı:`, outlookPrefix: 'İLT', newOutlook: true, note: 'Bununla ilgilenebilir misin?' },
  uk: { labels: L('Від', 'Кому', 'Тема', 'Дата', 'Відправлено'), charset: 'windows-1251', apple: 'Початок листа, що пересилається:', yahoo: '----- Перенаправлене повідомлення -----', thunderbird: '-------- Переслане повідомлення --------', outlookPrefix: 'FW', note: 'Можеш взяти це?' },
};

const NAMES = ['John Doe', 'Zoë Müller', 'María García', 'Chen Wei', 'Olu Adeyemi', 'Anna Kowalska', 'Léa Martin', 'Ivan Petrov'];
const JA_NAMES = ['山田 太郎', '佐藤 花子'];
const ORIGINAL_SUBJECT = 'Order 4411 arrived damaged';
const ORIGINAL_BODY = ['Hello,', '', 'my order 4411 arrived with a broken screen. Could you send a replacement?', '', 'Thanks'];

interface Original {
  readonly name: string;
  readonly email: string;
  readonly subject: string;
  readonly body: readonly string[];
}

/** The block a client writes above the forwarded message, as plain text lines (the body follows). */
type Template = (locale: Locale, original: Original) => { lines: string[]; htmlLines?: string[]; bodyPrefix?: string; subjectPrefix: string; html: HtmlStyle };
type HtmlStyle = 'gmail' | 'outlook' | 'apple' | 'yahoo' | 'quote' | 'plain';

const mailbox = (name: string, email: string) => `${name} <${email}>`;
const TO_COLLEAGUE = mailbox(COLLEAGUE.name, COLLEAGUE.email);
const labelsOf = (locale: Locale, overrides?: Partial<Labels>): Labels => ({ ...locale.labels, ...overrides });

const TEMPLATES: Partial<Record<Family, { locales: (locale: Locale) => boolean; template: Template }>> = {
  'apple-mail': {
    locales: (l) => !!l.apple,
    template: (l, o) => {
      const t = l.labels;
      return { lines: [l.apple!, '', `${t.from}: ${mailbox(o.name, o.email)}`, `${t.subject}: ${o.subject}`, `${t.date}: 3 March 2025 at 16:44:00 CET`, `${t.to}: ${TO_COLLEAGUE}`, ''], subjectPrefix: 'Fwd', html: 'apple' };
    },
  },
  'ios-mail': {
    locales: (l) => l === LOCALES.en || l === LOCALES.fr,
    template: (l, o) => {
      const t = l.labels;
      const separator = l === LOCALES.fr ? 'Début du message transféré\u00a0:' : 'Begin forwarded message:';
      return { lines: ['Sent from my iPhone', '', separator, '', `${t.from}: ${mailbox(o.name, o.email)}`, `${t.date}: 3 March 2025 at 16:44:00 CET`, `${t.to}: ${COLLEAGUE.email}`, `${t.subject}: ${o.subject}`, ''], subjectPrefix: 'Fwd', html: 'apple' };
    },
  },
  gmail: {
    locales: () => true,
    template: (l, o) => ({ lines: ['---------- Forwarded message ---------', `${l.gmailFrom ?? l.labels.from}: ${mailbox(o.name, o.email)}`, 'Date: Mon, Mar 3, 2025 at 4:44\u202fPM', `Subject: ${o.subject}`, `To: <${COLLEAGUE.email}>`, '', ''], subjectPrefix: 'Fwd', html: 'gmail' }),
  },
  'outlook-live': {
    locales: () => true,
    template: (l, o) => ({ lines: ['________________________________', `From: ${mailbox(o.name, o.email)}`, 'Sent: Monday, March 3, 2025 4:44 PM', `To: ${TO_COLLEAGUE}`, `Subject: ${o.subject}`, ''], subjectPrefix: l.outlookPrefix, html: 'outlook' }),
  },
  owa: {
    locales: () => true,
    template: (l, o) => {
      const t = l.labels;
      return { lines: ['________________________________', `${t.from}: ${mailbox(o.name, o.email)}`, `${t.sent}: 3 March 2025 16:44`, `${t.to}: ${TO_COLLEAGUE}`, `${t.subject}: ${o.subject}`, ''], subjectPrefix: l.outlookPrefix, html: 'outlook' };
    },
  },
  'outlook-2013': {
    locales: () => true,
    template: (l, o) => {
      const t = l.labels;
      return { lines: [`${t.from}: ${o.name} [mailto:${o.email}]`, `${t.sent}: 25 October 2021 11:17`, `${t.to}: ${COLLEAGUE.email}`, `${t.subject}: ${o.subject}`, '', ''], subjectPrefix: l.outlookPrefix, html: 'outlook' };
    },
  },
  'new-outlook': {
    locales: (l) => !!l.newOutlook,
    template: (l, o) => {
      const t = l.labels;
      const colon = l === LOCALES.fr ? '\u00a0:' : ':';
      return { lines: [`${t.from}${colon} ${mailbox(o.name, o.email)}`, `${t.date}${colon} Thursday, 28 October 2021 at 12:06`, `${t.to}${colon} ${COLLEAGUE.email} <${COLLEAGUE.email}>`, `${t.subject}${colon} ${o.subject}`], subjectPrefix: l.outlookPrefix, html: 'outlook' };
    },
  },
  'outlook-2019': {
    locales: (l) => !!l.outlook2019,
    template: (l, o) => ({ lines: [l.outlook2019!(o.name, o.email), ''], bodyPrefix: '    ', subjectPrefix: 'FW', html: 'quote' }),
  },
  'outlook-desktop': {
    locales: (l) => !!l.originalMessage,
    template: (l, o) => {
      const t = l.labels;
      return { lines: [l.originalMessage!, `${t.from}: ${mailbox(o.name, o.email)}`, `${t.sent}: Monday, March 3, 2025 4:44 PM`, `${t.to}: ${COLLEAGUE.email}`, `${t.subject}: ${o.subject}`, ''], subjectPrefix: l.outlookPrefix, html: 'outlook' };
    },
  },
  yahoo: {
    locales: (l) => !!l.yahoo,
    template: (l, o) => {
      const t = labelsOf(l, l.yahooLabels);
      // Yahoo's text part runs the header lines together on one line.
      const header = [`${t.from}: ${mailbox(o.name, o.email)}`, `${t.to}: "${COLLEAGUE.email}" <${COLLEAGUE.email}>`, `${t.sent}: Monday, March 3, 2025, 04:44:50 PM GMT+1`, `${t.subject}: ${o.subject}`];
      return { lines: [`   ${l.yahoo} ${header.join('')}`], htmlLines: [l.yahoo!, ...header], subjectPrefix: 'Fw', html: 'yahoo' };
    },
  },
  thunderbird: {
    locales: (l) => !!l.thunderbird,
    template: (l, o) => {
      const t = labelsOf(l, l.thunderbirdLabels);
      return { lines: [l.thunderbird!, `${t.subject}: \t${o.subject}`, `${t.date}: \tMon, 3 Mar 2025 16:44:00 +0100`, `${t.from}: \t${mailbox(o.name, o.email)}`, `${t.to}: \t${COLLEAGUE.email}`, '', ''], subjectPrefix: 'Fwd', html: 'plain' };
    },
  },
  missive: {
    locales: (l) => l === LOCALES.en,
    template: (_l, o) => ({ lines: ['---------- Forwarded message ----------', `From: ${mailbox(o.name, o.email)}`, 'Date: March 3, 2025 at 4:44 PM', `To: ${COLLEAGUE.email}`, `Subject: ${o.subject}`, ''], bodyPrefix: '> ', subjectPrefix: 'Fwd', html: 'plain' }),
  },
  hubspot: {
    locales: (l) => !!l.hubspot,
    template: (l, o) => {
      const ja = l === LOCALES.ja;
      const t = ja ? L('送信元', '送信先', '件名', '日付', '') : l.labels;
      const line = (label: string, value: string) => (ja ? `${label}：${value}` : `${label}: ${value}`);
      return { lines: [l.hubspot!, line(t.from, mailbox(o.name, o.email)), line(t.date, '2025年3月3日月曜日 16:44:00 +0100'), line(t.subject, o.subject), line(t.to, COLLEAGUE.email), ''], subjectPrefix: 'Fwd', html: 'plain' };
    },
  },
  ionos: {
    locales: (l) => l === LOCALES.en,
    template: (_l, o) => ({ lines: ['> ---------- Original Message ----------', `> From: ${mailbox(o.name, o.email)}`, `> To: "${COLLEAGUE.email}" <${COLLEAGUE.email}>`, '> Date: 03/03/2025 4:44 PM CET', `> Subject: ${o.subject}`, '>  ', '>  '], bodyPrefix: '> ', subjectPrefix: 'Fwd', html: 'plain' }),
  },
  mailmate: {
    locales: (l) => l === LOCALES.en,
    template: (_l, o) => ({ lines: ['Forwarded message:', '', `> From: ${mailbox(o.name, o.email)}`, `> To: ${COLLEAGUE.email}`, `> Subject: ${o.subject}`, '> Date: Mon, 3 Mar 2025 16:44:00 +0000', '>'], bodyPrefix: '> ', subjectPrefix: 'Fwd', html: 'plain' }),
  },
};

/** Which client families write which forms; Outlook 2019's own-subject form is read as a reply (see README). */
export const FORMS: readonly Form[] = ['prefix', 'own-subject', 'html-only', 'attached'];

let sequence = 0;

export function attributionCorpus(): CorpusMessage[] {
  sequence = 0;
  const messages: CorpusMessage[] = [];
  for (const [family, { locales, template }] of Object.entries(TEMPLATES) as Array<[Family, NonNullable<(typeof TEMPLATES)[Family]>]>) {
    for (const [code, locale] of Object.entries(LOCALES)) {
      if (!locales(locale)) continue;
      for (const form of FORMS) {
        for (const sender of ['trusted', 'stranger'] as const) messages.push(forwardMessage(family, code, locale, form, sender, template));
      }
    }
  }
  for (const [code, locale] of Object.entries(LOCALES)) for (const sender of ['trusted', 'stranger'] as const) messages.push(...replies(code, locale, sender));
  messages.push(...nestedForwards());
  return messages;
}

function originalFor(code: string, index: number): Original {
  const name = code === 'ja' ? JA_NAMES[index % JA_NAMES.length] : NAMES[index % NAMES.length];
  return { name, email: `customer${index}@shop-${code}.example`, subject: ORIGINAL_SUBJECT, body: ORIGINAL_BODY };
}

function outerOf(sender: Sender, index: number) {
  return sender === 'trusted' ? COLLEAGUE : { name: 'Stan Stranger', email: `stranger${index}@partner-${index % 7}.example` };
}

function forwardMessage(family: Family, code: string, locale: Locale, form: Form, sender: Sender, template: Template): CorpusMessage {
  const index = ++sequence;
  const original = originalFor(code, index);
  const outer = outerOf(sender, index);
  const block = template(locale, original);
  const body = original.body.map((line) => `${block.bodyPrefix ?? ''}${line}`);
  const subject = form === 'own-subject' ? locale.note : `${block.subjectPrefix}: ${original.subject}`;
  const textLines = [locale.note, '', ...block.lines, ...body];
  const readAsReply = family === 'outlook-2019' && form === 'own-subject';
  const rule = form === 'attached' ? 'attached-forward' : 'inline-forward';
  const expect = sender === 'stranger'
    ? { email: outer.email, rule: readAsReply ? 'from-header' : 'untrusted-forwarder' }
    : readAsReply ? { email: outer.email, rule: 'from-header' } : { email: original.email, rule };
  let content: MimePart;
  if (form === 'attached') {
    content = multipart('mixed', [textPart([locale.note], locale, index), attachedOriginal(original, locale, index)]);
  } else if (form === 'html-only') {
    content = htmlPart(htmlOf(block.html, locale.note, block.htmlLines ?? block.lines, body), locale, index);
  } else {
    const text = textPart(textLines, locale, index);
    content = index % 3 === 0 ? multipart('alternative', [text, htmlPart(htmlOf(block.html, locale.note, block.htmlLines ?? block.lines, body), locale, index + 1)]) : text;
  }
  const raw = message({ from: outer, subject, content, index });
  return { name: `${family}/${code}/${form}/${sender}`, family, locale: code, form, sender, raw, trusted: [COLLEAGUE.email], expect };
}

/** Replies that look like forwards: a quote header, then `>`-quoted or blockquoted history. The outer sender is expected. */
function replies(code: string, locale: Locale, sender: Sender): CorpusMessage[] {
  const made: CorpusMessage[] = [];
  const styles: Array<{ form: Form; subject: (s: string) => string; header: (o: Original) => string; quoted: (o: Original) => string[]; html?: boolean }> = [
    { form: 'prefix', subject: (s) => `Re: ${s}`, header: (o) => `On Mon, 3 Mar 2025 at 16:44, ${mailbox(o.name, o.email)} wrote:`, quoted: (o) => o.body.map((line) => `> ${line}`) },
    { form: 'own-subject', subject: () => locale.note, header: (o) => `On 3 Mar 2025, at 16:44, ${mailbox(o.name, o.email)} wrote:`, quoted: (o) => o.body.map((line) => `> ${line}`) },
    {
      form: 'own-subject', subject: () => locale.note,
      header: (o) => `On Mon, 3 Mar 2025 at 16:44, ${mailbox(o.name, o.email)} wrote:`,
      quoted: (o) => ['> ---------- Forwarded message ---------', `> From: ${mailbox('Other Person', 'other@elsewhere.example')}`, '> Date: Sun, Mar 2, 2025', `> Subject: ${o.subject}`, '> To: <x@elsewhere.example>', '>', ...o.body.map((line) => `> ${line}`)],
    },
    { form: 'html-only', subject: (s) => `Re: ${s}`, header: (o) => `On Mon, 3 Mar 2025 at 16:44, ${mailbox(o.name, o.email)} wrote:`, quoted: (o) => [...o.body], html: true },
  ];
  if (locale.outlook2019) {
    const quoteLine = locale.outlook2019;
    styles.push({ form: 'prefix', subject: (s) => `RE: ${s}`, header: (o) => quoteLine(o.name, o.email), quoted: (o) => o.body.map((line) => `> ${line}`) });
    styles.push({ form: 'own-subject', subject: () => locale.note, header: (o) => quoteLine(o.name, o.email), quoted: (o) => o.body.map((line) => `> ${line}`) });
  }
  for (const style of styles) {
    const index = ++sequence;
    const original = originalFor(code, index);
    const outer = outerOf(sender, index);
    const content = style.html
      ? htmlPart(`<div dir="ltr">${escapeHtml(locale.note)}</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">${linked(style.header(original))}<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${style.quoted(original).map((line) => `<div>${linked(line)}</div>`).join('')}</blockquote></div>`, locale, index)
      : textPart([locale.note, '', style.header(original), ...style.quoted(original)], locale, index);
    const raw = message({ from: outer, subject: style.subject(original.subject), content, index });
    made.push({ name: `reply/${code}/${style.form}/${sender}/${index}`, family: 'reply', locale: code, form: style.form, sender, raw, trusted: [COLLEAGUE.email], expect: { email: outer.email, rule: 'from-header' } });
  }
  return made;
}

/**
 * Forwards of forwards: the colleague forwards (Gmail) what a second colleague forwarded (Outlook) from a
 * customer — the customer when the second colleague is trusted, else the second colleague; and the same
 * inside an attached message.
 */
function nestedForwards(): CorpusMessage[] {
  const made: CorpusMessage[] = [];
  for (const secondTrusted of [true, false]) {
    for (const form of ['prefix', 'own-subject', 'attached'] as const) {
      const index = ++sequence;
      const customer = originalFor('en', index);
      const innerLines = ['FYI', '', '________________________________', `From: ${mailbox(customer.name, customer.email)}`, 'Sent: Monday, March 3, 2025 4:44 PM', `To: ${mailbox(SECOND_COLLEAGUE.name, SECOND_COLLEAGUE.email)}`, `Subject: ${customer.subject}`, '', ...customer.body];
      const trusted = secondTrusted ? [COLLEAGUE.email, SECOND_COLLEAGUE.email] : [COLLEAGUE.email];
      // The customer is named by the inline block inside whatever carried it.
      const expect = secondTrusted ? { email: customer.email, rule: 'inline-forward' } : { email: SECOND_COLLEAGUE.email, rule: form === 'attached' ? 'attached-forward' : 'inline-forward' };
      let content: MimePart;
      if (form === 'attached') {
        const inner = message({ from: SECOND_COLLEAGUE, subject: `FW: ${customer.subject}`, content: textPart(innerLines, LOCALES.en, index), index, received: false });
        content = multipart('mixed', [textPart(['Please see the attached.'], LOCALES.en, index), { headers: ['Content-Type: message/rfc822', 'Content-Disposition: attachment; filename="forwarded.eml"'], body: inner.toString('latin1') }]);
      } else {
        const lines = ['Over to support.', '', '---------- Forwarded message ---------', `From: ${mailbox(SECOND_COLLEAGUE.name, SECOND_COLLEAGUE.email)}`, 'Date: Mon, Mar 3, 2025 at 5:10\u202fPM', `Subject: FW: ${customer.subject}`, `To: <${COLLEAGUE.email}>`, '', '', ...innerLines];
        content = textPart(lines, LOCALES.en, index);
      }
      const subject = form === 'own-subject' ? 'Can you take this one?' : `Fwd: FW: ${customer.subject}`;
      const raw = message({ from: COLLEAGUE, subject, content, index });
      made.push({ name: `nested/en/${form}/${secondTrusted ? 'second-trusted' : 'second-untrusted'}`, family: 'nested', locale: 'en', form, sender: 'trusted', raw, trusted, expect });
    }
  }
  return made;
}

interface MimePart {
  readonly headers: string[];
  readonly body: string;
}

/** The locale's legacy charset for even-numbered messages where it can hold the text, else UTF-8. */
function charsetFor(text: string, locale: Locale, index: number): string {
  if (index % 2 === 1 || locale.charset === 'us-ascii') return 'utf-8';
  if (locale.charset === 'iso-2022-jp') return locale.charset;
  return iconv.decode(iconv.encode(text, locale.charset), locale.charset) === text ? locale.charset : 'utf-8';
}

function bytesOf(text: string, charset: string): Buffer {
  // iconv-lite has no ISO-2022-JP encoder; encoding-japanese (mailparser's decoder for it) has.
  if (charset === 'iso-2022-jp') return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: 'JIS', from: 'UNICODE' }));
  return iconv.encode(text, charset);
}

/** Quoted-printable or base64, alternating every two messages (so every charset meets both). */
function encodedBody(text: string, charset: string, index: number): { encoding: string; body: string } {
  const bytes = bytesOf(text, charset);
  if (charset === 'iso-2022-jp') return { encoding: index % 4 < 2 ? '7bit' : 'base64', body: index % 4 < 2 ? bytes.toString('latin1') : wrap(bytes.toString('base64')) };
  return index % 4 < 2 ? { encoding: 'quoted-printable', body: quotedPrintable(bytes) } : { encoding: 'base64', body: wrap(bytes.toString('base64')) };
}

export function wrap(base64: string): string {
  return base64.replace(/.{76}/g, '$&\r\n');
}

function textPart(lines: readonly string[], locale: Locale, index: number): MimePart {
  const text = lines.join('\r\n');
  const charset = charsetFor(text, locale, index);
  const { encoding, body } = encodedBody(text, charset, index);
  return { headers: [`Content-Type: text/plain; charset="${charset}"`, `Content-Transfer-Encoding: ${encoding}`], body };
}

function htmlPart(html: string, locale: Locale, index: number): MimePart {
  const document = `<html><body>${html}</body></html>`;
  const charset = charsetFor(document, locale, index);
  const { encoding, body } = encodedBody(document, charset, index);
  return { headers: [`Content-Type: text/html; charset="${charset}"`, `Content-Transfer-Encoding: ${encoding}`], body };
}

/** Quoted-printable (RFC 2045): lines of at most 76 characters, soft breaks never inside an escape. */
export function quotedPrintable(bytes: Buffer): string {
  const lines: string[] = [];
  for (const line of bytes.toString('latin1').split('\r\n')) {
    let encoded = '';
    for (const [at, char] of [...line].entries()) {
      const code = char.charCodeAt(0);
      const plain = (code >= 33 && code <= 126 && char !== '=') || ((char === ' ' || char === '\t') && at < line.length - 1);
      encoded += plain ? char : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    while (encoded.length > 75) {
      let cut = 75;
      const escape = encoded.lastIndexOf('=', cut - 1);
      if (escape > cut - 3) cut = escape;
      lines.push(`${encoded.slice(0, cut)}=`);
      encoded = encoded.slice(cut);
    }
    lines.push(encoded);
  }
  return lines.join('\r\n');
}

function multipart(subtype: 'mixed' | 'alternative', parts: readonly MimePart[]): MimePart {
  const boundary = `=_corpus_${subtype}_${parts.length}_${sequence}`;
  const body = [...parts.map((part) => `--${boundary}\r\n${part.headers.join('\r\n')}\r\n\r\n${part.body}\r\n`), `--${boundary}--\r\n`].join('');
  return { headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`], body };
}

function attachedOriginal(original: Original, locale: Locale, index: number): MimePart {
  const inner = message({ from: original, subject: original.subject, content: textPart(original.body, locale, index), index, received: false });
  return { headers: ['Content-Type: message/rfc822', `Content-Disposition: attachment; filename="${original.subject}.eml"`], body: inner.toString('latin1') };
}

function message(input: { from: { name: string; email: string }; subject: string; content: MimePart; index: number; received?: boolean }): Buffer {
  const domain = input.from.email.slice(input.from.email.indexOf('@') + 1);
  const ses = input.received === false ? [] : [
    `Return-Path: <${input.from.email}>`,
    `Received: from mail.${domain} by inbound-smtp.us-east-1.amazonaws.com with SMTP id corpus${input.index} for ${CORPUS_INBOX}; Mon, 03 Mar 2025 16:50:00 +0000 (UTC)`,
    'X-SES-Spam-Verdict: PASS',
    'X-SES-Virus-Verdict: PASS',
    `Authentication-Results: amazonses.com; spf=pass (spfCheck: domain of ${domain} designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from=${input.from.email}; helo=mail.${domain}; dkim=pass header.i=@${domain}; dmarc=pass header.from=${domain};`,
    // SES's receipt line: the verdict headers above it are SES's own (screen ignores any below it).
    `X-SES-RECEIPT: corpus${input.index}`,
  ];
  const headers = [
    ...ses,
    `From: ${/^[\x20-\x7e]*$/.test(input.from.name) ? `"${input.from.name}"` : libmime.encodeWords(input.from.name, 'Q', 52)} <${input.from.email}>`,
    `To: ${input.received === false ? COLLEAGUE.email : CORPUS_INBOX}`,
    `Subject: ${/^[\x20-\x7e]*$/.test(input.subject) ? input.subject : libmime.encodeWords(input.subject, 'B', 52)}`,
    'Date: Mon, 3 Mar 2025 17:50:00 +0100',
    `Message-ID: <corpus-${input.index}-${input.received === false ? 'inner' : 'outer'}@${domain}>`,
    'MIME-Version: 1.0',
    ...input.content.headers,
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${input.content.body}\r\n`, 'latin1');
}

function htmlOf(style: HtmlStyle, note: string, blockLines: readonly string[], body: readonly string[]): string {
  const block = blockLines.filter((line) => line.trim()).map((line) => boldLabel(linked(line.replace(/^> ?/, ''))));
  const text = body.map((line) => `<div>${escapeHtml(line.replace(/^(?:> ?| {4})/, '')) || '<br>'}</div>`).join('');
  const top = `<div dir="ltr">${escapeHtml(note)}</div><br>`;
  switch (style) {
    case 'gmail':
      return `${top}<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">${block.join('<br>')}<br></div><br><br>${text}</div>`;
    case 'outlook':
      return `${top}<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">${block.join('<br>')}</font><div>&nbsp;</div></div>${text}`;
    case 'apple':
      return `${top}<div><blockquote type="cite">${block.map((line) => `<div>${line}</div>`).join('')}<br>${text}</blockquote></div>`;
    case 'yahoo':
      return `${top}<div class="yahoo_quoted">${block.map((line) => `<div>${line}</div>`).join('')}<br>${text}</div>`;
    case 'quote':
      return `${top}<div>${block.join('<br>')}</div><blockquote style="margin:0 0 0 40pt">${text}</blockquote>`;
    case 'plain':
      return `${top}<div>${block.join('<br>')}</div><br>${text}`;
  }
}

/** Addresses as clients link them: `Name &lt;<a href="mailto:x">x</a>&gt;`. */
function linked(line: string): string {
  return escapeHtml(line).replace(/([^\s;:&<>"[\]()]+@[^\s;&<>"[\]()]+\.[a-z]+)/gi, '<a href="mailto:$1">$1</a>');
}

function boldLabel(html: string): string {
  return html.replace(/^([^:：<]{1,30}[:：])/, '<b>$1</b>');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
