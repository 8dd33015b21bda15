/** The From header a sender name becomes (issue 11 #9): an encoded-word look-alike is encoded, never passed through. */
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
