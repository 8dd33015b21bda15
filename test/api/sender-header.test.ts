/** The From header a sender name becomes (issue 11 #9): an encoded-word look-alike is encoded, never passed through. */
import { looksLikeEncodedWord } from '../../functions/commons/text';
import { formatFrom } from '../../functions/inboxes/sender';

const decodedByClients = (header: string) => {
  // What a mail client shows: RFC 2047 words decoded (here only the Q form this code writes).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const libmime = require('libmime') as { decodeWords(value: string): string };
  return libmime.decodeWords(header);
};

describe('formatFrom', () => {
  it('encodes a company name that reads as an RFC 2047 encoded word, so clients show it literally', () => {
    const name = '=?utf-8?q?PayPal_Security?=';
    const header = formatFrom(name, 'help@acme.example');
    expect(header.startsWith(`${name} `)).toBe(false);
    expect(header).toMatch(/^=\?UTF-8\?Q\?.+\?= <help@acme\.example>$/);
    expect(decodedByClients(header)).toBe(`${name} <help@acme.example>`);
  });

  it('leaves plain names plain, quotes specials, encodes non-ASCII', () => {
    expect(formatFrom('Acme Support', 'a@b.example')).toBe('Acme Support <a@b.example>');
    expect(formatFrom('Acme, Inc.', 'a@b.example')).toBe('"Acme, Inc." <a@b.example>');
    expect(decodedByClients(formatFrom('Åcme', 'a@b.example'))).toBe('Åcme <a@b.example>');
  });
});

describe('formatFrom against libmime (the encoder it replaced, byte for byte)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const libmime = require('libmime') as { encodeWord(value: string, encoding: 'Q', maxLength: number): string; encodeWords(value: string, encoding: 'Q', maxLength: number): string };
  /** The libmime-based formatFrom as it was, the oracle. */
  const libmimeFormatFrom = (name: string, address: string) => {
    const phrase = looksLikeEncodedWord(name)
      ? libmime.encodeWord(name, 'Q', 52)
      : // eslint-disable-next-line no-control-regex
        /[^\x00-\x7f]/.test(name)
        ? libmime.encodeWords(name, 'Q', 52)
        : /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(name)
          ? name
          : `"${name.replace(/(["\\])/g, '\\$1')}"`;
    return `${phrase} <${address}>`;
  };

  const SCRIPTS = ['Müller', 'Zoë', 'Ελληνικά', 'Москва', 'العربية', 'עברית', '東京', '日本語カナ', '한국어', 'ไทย', 'हिन्दी', 'Ω', 'ß', 'ﬁ', 'e\u0301', '😀', '👩‍💻', '\ud800', '\udc00x', '\u00a0', '\u3000', '\u2003', '\ufeff', '€', '\u0080'];
  const ASCII = ['Acme', 'Support', 'Inc.', '"Q"', '=?', '?=', '=?utf-8?q?x?=', '_', '=', ',', '(x)', '<a>', '\\', 'from', 'a=C3=A9', '?'];
  const SEPARATORS = [' ', '', '  ', '\t', '-', '\u00a0', '\u3000'];

  /** Names from templates: 1–8 tokens in many scripts, some repeated past one encoded word's length. */
  function corpus(size: number): string[] {
    let seed = 12;
    const pick = <T>(list: readonly T[]) => list[Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * list.length)];
    return Array.from({ length: size }, () => {
      const tokens = Array.from({ length: pick([1, 2, 3, 4, 5, 6, 7, 8]) }, () => {
        const token = pick([SCRIPTS, SCRIPTS, ASCII]);
        return pick(token).repeat(pick([1, 1, 1, 2, 5, 12]));
      });
      return tokens.reduce((name, token) => name + pick(SEPARATORS) + token);
    });
  }

  it('writes exactly what libmime wrote, for 5,000 generated names in many scripts', () => {
    const names = corpus(5000);
    expect(names.filter((name) => /[^\x00-\x7f]/.test(name)).length).toBeGreaterThan(4000);
    expect(names.filter((name) => libmimeFormatFrom(name, 'a@b.example').includes('?= =?')).length).toBeGreaterThan(1000);
    const differing = names.filter((name) => formatFrom(name, 'a@b.example') !== libmimeFormatFrom(name, 'a@b.example'));
    expect(differing).toEqual([]);
  });
});
