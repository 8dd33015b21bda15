/**
 * The parse step bundled as the Lambda is bundled (ES module builds of the dependencies, UTF-8 output, minified)
 * reads every message exactly as the source does: every charset and transfer encoding mailparser decodes, on the
 * fixtures, the attribution corpus and a generated corpus of the charsets iconv-lite's tables serve.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { bundleLikeLambda } from '../support/lambda-bundle';
import { discardAttachments, parseMime } from '../../functions/inbound/parse/parse-mime';
import { attributionCorpus, quotedPrintable, wrap } from '../support/attribution-corpus';

/** Text in the script each charset encodes, so every table is read (not only its ASCII half). */
const SAMPLES: Record<string, string> = {
  japanese: '日本語のメール、半角ｶﾀｶﾅと全角カタカナ。',
  simplified: '请帮忙处理这封邮件，谢谢！简体中文',
  traditional: '請幫忙處理這封郵件，謝謝！繁體中文',
  korean: '이 메일을 처리해 주시겠어요? 한국어',
  thai: 'ช่วยจัดการอีเมลนี้หน่อยได้ไหม',
  cyrillic: 'Можешь взять это? Щёлк, ёж, Ґанок',
  greek: 'Μπορείς να το αναλάβεις; Ελληνικά',
  hebrew: 'האם תוכל לטפל בזה? עברית',
  arabic: 'هل يمكنك التعامل مع هذا؟ العربية',
  turkish: 'Bununla ilgilenebilir misin? İğüşöç',
  baltic: 'Ar gali tuo pasirūpinti? Ąčęėįšųūž',
  vietnamese: 'Bạn có thể xử lý việc này không? Tiếng Việt',
  central: 'Můžeš to převzít? Łódź, Győr, Brașov',
  western: 'Peux-tu t’en occuper ? Größe, niño, €uro',
};

const CHARSETS: Record<string, string[]> = {
  japanese: ['shift_jis', 'euc-jp', 'cp932'],
  simplified: ['gb2312', 'gbk', 'gb18030'],
  traditional: ['big5', 'big5-hkscs', 'cp950'],
  korean: ['euc-kr', 'ks_c_5601-1987', 'cp949'],
  thai: ['windows-874', 'tis-620', 'iso-8859-11'],
  cyrillic: ['koi8-r', 'koi8-u', 'windows-1251', 'iso-8859-5', 'cp866'],
  greek: ['windows-1253', 'iso-8859-7'],
  hebrew: ['windows-1255', 'iso-8859-8'],
  arabic: ['windows-1256', 'iso-8859-6'],
  turkish: ['windows-1254', 'iso-8859-9'],
  baltic: ['windows-1257', 'iso-8859-13', 'iso-8859-4'],
  vietnamese: ['windows-1258'],
  central: ['windows-1250', 'iso-8859-2', 'iso-8859-16'],
  western: ['windows-1252', 'iso-8859-1', 'iso-8859-15', 'macintosh', 'utf-8', 'utf-16le'],
};

const base64Lines = (bytes: Buffer) => wrap(bytes.toString('base64'));
/** Every byte but letters and digits as =XX: what an RFC 2047 Q word may hold. */
const qWordText = (bytes: Buffer) => [...bytes].map((byte) => (/[A-Za-z0-9]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** One message per charset and transfer encoding: encoded-word subject and sender, text and HTML parts, an RFC 2231 filename. */
function charsetMessage(script: string, charset: string, transfer: 'base64' | 'quoted-printable', wordEncoding: 'B' | 'Q'): Buffer {
  const text = SAMPLES[script];
  const bytes = (value: string) => iconv.encode(value, charset);
  const word = (value: string) => `=?${charset}?${wordEncoding}?${wordEncoding === 'B' ? bytes(value).toString('base64') : qWordText(bytes(value))}?=`;
  const body = (value: string) => (transfer === 'base64' ? base64Lines(bytes(value)) : quotedPrintable(bytes(value)));
  const filename = [...bytes(`${text.slice(0, 6)}.txt`)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  return Buffer.from(
    [
      `From: ${word(text.slice(0, 8))} <sender@example.org>`,
      'To: support@acme.inbox.example.com',
      `Subject: ${word(text)}`,
      `Message-ID: <${charset}-${transfer}-${wordEncoding}@example.org>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      `Content-Type: text/plain; charset="${charset}"`,
      `Content-Transfer-Encoding: ${transfer}`,
      '',
      body(`${text}\r\n\r\n> ${text}`),
      '--inner',
      `Content-Type: text/html; charset="${charset}"`,
      `Content-Transfer-Encoding: ${transfer}`,
      '',
      body(`<p>${text}</p><blockquote>${text} &amp; &eacute;</blockquote>`),
      '--inner--',
      '--outer',
      `Content-Type: text/plain; charset="${charset}"`,
      `Content-Disposition: attachment; filename*=${charset}''${filename}`,
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(bytes(text)),
      '--outer--',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

function charsetCorpus(): Buffer[] {
  return Object.entries(CHARSETS).flatMap(([script, charsets]) =>
    charsets.flatMap((charset) => (['base64', 'quoted-printable'] as const).flatMap((transfer) => (['B', 'Q'] as const).map((word) => charsetMessage(script, charset, transfer, word)))),
  );
}

const fixturesDir = join(__dirname, '..', 'fixtures', 'inbound');
const fixtures = () => readdirSync(fixturesDir).filter((name) => name.endsWith('.eml')).map((name) => readFileSync(join(fixturesDir, name)));

describe('the bundled parse step', () => {
  let dir: string;
  let bundle: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hosted-inbox-bundled-parse-'));
    bundle = join(dir, 'parse.mjs');
    bundleLikeLambda(join(__dirname, '..', 'support', 'bundled-parse-entry.ts'), bundle);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function parseBothWays(raws: Buffer[]) {
    const input = join(dir, 'input.json');
    const output = join(dir, 'output.json');
    writeFileSync(input, JSON.stringify(raws.map((raw) => raw.toString('base64'))));
    execFileSync(process.execPath, [bundle, input, output], { stdio: ['ignore', 'ignore', 'inherit'] });
    const bundled = JSON.parse(readFileSync(output, 'utf8'));
    const source = [];
    for (const raw of raws) source.push(JSON.parse(JSON.stringify(await parseMime(Readable.from(raw), discardAttachments))));
    return { bundled, source };
  }

  it('decodes the charsets of iconv-lite\'s tables (CJK, Thai, Cyrillic, Greek, …) exactly as the source does', async () => {
    const raws = charsetCorpus();
    const { bundled, source } = await parseBothWays(raws);
    expect(raws.length).toBeGreaterThan(150);
    // The corpus really is decoded: the sample text comes back in subject, text, HTML and attachment name.
    const japanese = source.find((message: { messageId: string }) => message.messageId === 'shift_jis-base64-B@example.org');
    expect(japanese.subject).toBe(SAMPLES.japanese);
    expect(source.find((message: { messageId: string }) => message.messageId === 'euc-kr-quoted-printable-Q@example.org').subject).toBe(SAMPLES.korean);
    expect(japanese.text).toContain(SAMPLES.japanese);
    expect(japanese.html).toContain(SAMPLES.japanese);
    expect(japanese.attachments.map((attachment: { filename: string }) => attachment.filename)).toContain(`${SAMPLES.japanese.slice(0, 6)}.txt`);
    expect(bundled).toEqual(source);
  }, 90_000);

  it('reads the fixtures and the attribution corpus (its charsets, quoted-printable and base64) exactly as the source does', async () => {
    const raws = [...fixtures(), ...attributionCorpus().map((message) => message.raw)];
    const { bundled, source } = await parseBothWays(raws);
    expect(bundled.length).toBe(raws.length);
    expect(bundled).toEqual(source);
  }, 180_000);
});
