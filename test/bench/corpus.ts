/**
 * Benchmark corpus: the fixture .eml files plus generated, deterministic "realistic" mail — plain text,
 * HTML + text, trusted inline forwards, replies with References, some with a small attachment — so the
 * figures do not hinge on a few odd fixtures.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type BenchKind = 'fixture' | 'plain' | 'html' | 'forward' | 'reply' | 'attribution';

export interface BenchMessage {
  readonly name: string;
  readonly kind: BenchKind;
  readonly raw: Buffer;
  /** Forwarders the inbox trusts for this message. */
  readonly trusted: readonly string[];
  /** Message-IDs the inbox already knows (a reply's parent), for in-memory threading. */
  readonly knownThreadIds: readonly string[];
}

export const BENCH_INBOX = 'support@acme.inbox.example.com';
export const AGENT = 'agent@acme.com';
const FIXTURES = join(__dirname, '../fixtures/inbound');
const CRLF = '\r\n';

/** Every fixture on disk except empty ones, with its case's trusted forwarders. */
export function fixtureMessages(): BenchMessage[] {
  const cases: Array<{ file: string; trusted: string[] }> = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));
  const trusted = new Map(cases.map((testCase) => [testCase.file, testCase.trusted]));
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.eml') && statSync(join(FIXTURES, file)).size > 0)
    .sort()
    .map((file) => ({ name: file, kind: 'fixture' as const, raw: readFileSync(join(FIXTURES, file)), trusted: trusted.get(file) ?? [], knownThreadIds: [] }));
}

const WORDS = (
  'order invoice delivery printer account refund password update screen login broken shipment ' +
  'please could you help thanks team support issue ticket since yesterday again still waiting ' +
  'payment card address contract renewal meeting tomorrow error message attached photo the a is ' +
  'we our my your with for from about when after before this that it not working customer'
).split(' ');
const NAMES = ['Jane Doe', 'Ravi Patel', 'María García', 'Chen Wei', 'Olu Adeyemi', 'Anna Kowalska', 'Tom Berg', 'Léa Martin'];

/** xorshift32, so every run benchmarks the same bytes. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/**
 * `count` messages to `to`: 30% plain, 30% HTML + text, 15% trusted inline forwards, 25% replies (In-Reply-To
 * and References to earlier messages, quoted text); every 10th carries a ~20 KB attachment. Message-IDs use
 * `idPrefix`, so separate runs against one inbox do not collide.
 */
export function generatedMessages(count: number, options: { to?: string; idPrefix?: string; seed?: number } = {}): BenchMessage[] {
  const to = options.to ?? BENCH_INBOX;
  const idPrefix = options.idPrefix ?? 'bench';
  const pick = prng(options.seed ?? 42);
  const sentence = () => {
    const words = Array.from({ length: 6 + pick(12) }, () => WORDS[pick(WORDS.length)]);
    return `${words[0][0].toUpperCase()}${words.join(' ').slice(1)}.`;
  };
  const paragraphs = (n: number) => Array.from({ length: n }, () => Array.from({ length: 2 + pick(4) }, sentence).join(' '));
  const sent: Array<{ id: string; references: string[]; subject: string; text: string; from: string }> = [];
  const messages: BenchMessage[] = [];

  for (let i = 0; i < count; i++) {
    const name = NAMES[pick(NAMES.length)];
    const email = `${name.normalize('NFD').replace(/[^\w ]/g, '').toLowerCase().replace(' ', '.')}${i % 7}@example.org`;
    const id = `${idPrefix}-${i}@mail.example.org`;
    const roll = pick(100);
    const kind: BenchKind = roll < 30 || (roll >= 75 && !sent.length) ? 'plain' : roll < 60 ? 'html' : roll < 75 ? 'forward' : 'reply';
    let from = `${name} <${email}>`;
    let subject = sentence().slice(0, 40);
    let text = [`Hello,`, ...paragraphs(1 + pick(4)), `Regards,`, name].join(CRLF + CRLF);
    const headers: string[] = [];
    let knownThreadIds: string[] = [];
    let trusted: string[] = [];

    if (kind === 'forward') {
      from = `Agent <${AGENT}>`;
      trusted = [AGENT];
      subject = `Fwd: ${subject}`;
      text = ['FYI, see below.', '', '---------- Forwarded message ---------', `From: ${name} <${email}>`, 'Date: Mon, 3 Mar 2025 at 10:00', `Subject: ${subject.slice(5)}`, `To: <${AGENT}>`, '', text].join(CRLF);
    } else if (kind === 'reply') {
      const parent = sent[pick(sent.length)];
      const references = [...parent.references, parent.id].slice(-10);
      from = parent.from;
      subject = `Re: ${parent.subject.replace(/^(Re|Fwd): /, '')}`;
      text = [...paragraphs(1 + pick(2)), '', `On Mon, 3 Mar 2025 at 10:00, Support <${to}> wrote:`, ...parent.text.split(CRLF).map((line) => `> ${line}`)].join(CRLF);
      headers.push(`In-Reply-To: <${parent.id}>`, `References: ${references.map((ref) => `<${ref}>`).join(CRLF + ' ')}`);
      knownThreadIds = [parent.id];
      sent.push({ id, references, subject, text, from });
    } else {
      sent.push({ id, references: [], subject, text, from });
    }

    const top = [
      'Return-Path: <bounce@example.org>',
      `Received: from mail.example.org by inbound-smtp.us-east-1.amazonaws.com with SMTP id ${idPrefix}${i} for ${to}; Mon, 03 Mar 2025 10:00:0${i % 10} +0000 (UTC)`,
      'X-SES-Spam-Verdict: PASS',
      'X-SES-Virus-Verdict: PASS',
      'Authentication-Results: amazonses.com; spf=pass; dkim=pass header.i=@example.org; dmarc=pass header.from=example.org;',
      'MIME-Version: 1.0',
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      'Date: Mon, 3 Mar 2025 10:00:00 +0000',
      `Message-ID: <${id}>`,
      ...headers,
    ];
    const textPart = ['Content-Type: text/plain; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(text)];
    const alternative = kind === 'plain' ? textPart : multipart('alternative', `alt${i}`, [textPart, htmlPart(text)]);
    const body = i % 10 === 9 ? multipart('mixed', `mix${i}`, [alternative, attachmentPart(pick, i)]) : alternative;
    messages.push({ name: `generated-${kind}-${i}`, kind, raw: Buffer.from([...top, ...body, ''].join(CRLF)), trusted, knownThreadIds });
  }
  return messages;
}

function multipart(subtype: string, boundary: string, parts: string[][]): string[] {
  return [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, '', ...parts.flatMap((part) => [`--${boundary}`, ...part]), `--${boundary}--`];
}

function htmlPart(text: string): string[] {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const html = `<div dir="ltr"><div style="font-family:Arial,sans-serif">${escaped.split(CRLF + CRLF).map((p) => `<p>${p.replace(/\r\n/g, '<br>')}</p>`).join('')}</div></div>`;
  return ['Content-Type: text/html; charset="UTF-8"', 'Content-Transfer-Encoding: quoted-printable', '', quotedPrintable(html)];
}

function attachmentPart(pick: (n: number) => number, i: number): string[] {
  const bytes = Buffer.from(Array.from({ length: 20_000 }, () => pick(256)));
  return [`Content-Type: image/png; name="photo-${i}.png"`, `Content-Disposition: attachment; filename="photo-${i}.png"`, 'Content-Transfer-Encoding: base64', '', ...(bytes.toString('base64').match(/.{1,76}/g) ?? [])];
}

/** Minimal quoted-printable: UTF-8 bytes, `=` and non-ASCII escaped, soft line breaks before 76 columns. */
function quotedPrintable(text: string): string {
  return text
    .split(CRLF)
    .map((line) => {
      const tokens = [...Buffer.from(line, 'utf8')].map((byte) => (byte === 61 || byte > 126 ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(byte)));
      const out = [''];
      for (const token of tokens) {
        if (out[out.length - 1].length + token.length > 72) out.push('');
        out[out.length - 1] += token;
      }
      return out.join(`=${CRLF}`);
    })
    .join(CRLF);
}
