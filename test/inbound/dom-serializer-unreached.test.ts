/**
 * package.json overrides dom-serializer's `entities` (4.5.0) with the 7.0.1 htmlparser2 already uses, so the
 * bundles carry one copy. Their encodeXML differs (4.5 also escapes `$`, and treats lone surrogates otherwise),
 * which is safe only because nothing we run ever serializes a DOM: html-to-text renders with dom-serializer only
 * for its 'blockHtml' and 'inlineHtml' formats, which mailparser never selects, and sanitize-html never calls
 * DomUtils. This proves it on the corpora: with dom-serializer replaced by a throwing stub, every fixture, every
 * message of the attribution corpus (HTML-only forwards among them) parses, and their HTML sanitizes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

jest.mock('dom-serializer', () => {
  const render = jest.fn(() => {
    throw new Error('dom-serializer was reached: the entities override of package.json is no longer safe');
  });
  return { __esModule: true, default: render, render };
});

import { discardAttachments, parseMime } from '../../functions/inbound/parse/parse-mime';
import { sanitizeMessageHtml } from '../../functions/conversations/sanitize';
import { attributionCorpus } from '../support/attribution-corpus';

it('the stub is what html-to-text loads: its blockHtml format reaches it', () => {
  const { htmlToText } = jest.requireActual<{ htmlToText: (html: string, options: object) => string }>('html-to-text');
  expect(() => htmlToText('<p>a</p>', { selectors: [{ selector: 'p', format: 'blockHtml' }] })).toThrow('dom-serializer was reached');
});

const fixturesDir = join(__dirname, '..', 'fixtures', 'inbound');
const xssVectors = readFileSync(join(__dirname, '../fixtures/xss/owasp-vectors.txt'), 'utf8').split('\n').filter((line) => line.trim());

it('no message of the corpora, parsed or sanitized, reaches dom-serializer', async () => {
  const render = jest.requireMock<{ render: jest.Mock }>('dom-serializer').render;
  render.mockClear();
  const raws = [...readdirSync(fixturesDir).filter((name) => name.endsWith('.eml')).map((name) => readFileSync(join(fixturesDir, name))), ...attributionCorpus().map((message) => message.raw)];
  const htmls: string[] = [];
  let htmlOnly = 0;
  for (const raw of raws) {
    const parsed = await parseMime(Readable.from(raw), discardAttachments);
    if (parsed.html) htmls.push(parsed.html);
    // mailparser made the text from the HTML (html-to-text): the path that could render with dom-serializer.
    if (parsed.html && parsed.text && !raw.toString('latin1').includes('text/plain')) htmlOnly++;
  }
  const options = { remoteImages: false, inlineImage: () => undefined };
  for (const html of [...htmls, ...xssVectors]) sanitizeMessageHtml(html, options);
  expect(htmls.length).toBeGreaterThan(100);
  expect(htmlOnly).toBeGreaterThan(10);
  expect(render).not.toHaveBeenCalled();
}, 120_000);
