/**
 * patches/ keeps three costs out of every cold start without changing what anything produces: libmime builds no
 * GBK codec at import (it told double-byte codecs apart by comparing with one) and loads encoding-japanese only when
 * Japanese text first needs it; mailparser sets its linkifier up when a text part is first linkified.
 */
import { execFileSync } from 'node:child_process';
import iconv from 'iconv-lite';

/** What a fresh Node process has loaded and built after importing libmime, then after decoding an encoded word in `charset`. */
function freshProcess(charset?: string, base64?: string) {
  const script = `
    const iconv = require('iconv-lite');
    const libmime = require('libmime');
    const loaded = () => ({
      encodingJapanese: Object.keys(require.cache).some((file) => file.includes('/encoding-japanese/')),
      codecs: Object.keys(iconv._codecDataCache ?? {}).sort(),
    });
    const afterImport = loaded();
    const text = ${JSON.stringify(charset ? `=?${charset}?B?${base64}?=` : '')} ? libmime.decodeWords(${JSON.stringify(charset ? `=?${charset}?B?${base64}?=` : '')}) : undefined;
    console.log(JSON.stringify({ afterImport, afterDecode: loaded(), text }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' }));
}

describe('patched libmime', () => {
  it('builds no double-byte codec and loads no encoding-japanese at import', () => {
    const { afterImport } = freshProcess();
    expect(afterImport.encodingJapanese).toBe(false);
    expect(afterImport.codecs.filter((name: string) => iconv.getCodec(name) instanceof (iconv as any).encodings._dbcs)).toEqual([]);
    // the import still resolves the codecs it refuses (UTF-7 and friends): the check above saw a populated cache
    expect(afterImport.codecs).toContain('utf7');
  });

  it('loads encoding-japanese when ISO-2022-JP text arrives, and decodes it', () => {
    const jis = Buffer.from('1b2442467c4b5c386c1b2842', 'hex'); // 日本語 in ISO-2022-JP
    const { afterDecode, text } = freshProcess('iso-2022-jp', jis.toString('base64'));
    expect(afterDecode.encodingJapanese).toBe(true);
    expect(text).toBe('日本語');
  });

  it('tells double-byte codecs apart exactly as before, for every encoding iconv-lite knows', () => {
    iconv.getCodec('utf8'); // iconv-lite loads its encodings on first use
    const encodings = (iconv as any).encodings as Record<string, any>;
    const names = Object.keys(encodings).filter((name) => !name.startsWith('_') && typeof encodings[name] !== 'string');
    expect(names.length).toBeGreaterThan(100);
    const gbkDecoder = iconv.getCodec('gbk').decoder;
    const doubleByte = names.filter((name) => {
      const codec = iconv.getCodec(name);
      const before = codec.decoder === gbkDecoder;
      expect(codec instanceof encodings._dbcs).toBe(before);
      return before;
    });
    expect(doubleByte).toEqual(expect.arrayContaining(['gbk', 'gb18030', 'shiftjis', 'eucjp', 'cp949', 'big5hkscs']));
  });
});

describe('patched mailparser', () => {
  it('sets its linkifier up once, when the first text part is linkified, and links as before', () => {
    const script = `
      const linkifyPath = require.resolve('linkify-it');
      const LinkifyIt = require(linkifyPath);
      let created = 0;
      require.cache[linkifyPath].exports = function (...args) { created++; return LinkifyIt.apply(this, args); };
      const { simpleParser } = require('mailparser');
      const afterImport = created;
      const mail = 'From: a@example.org\\r\\nSubject: x\\r\\nContent-Type: text/plain\\r\\n\\r\\nSee https://example.com/order and write to @acme or b@example.org\\r\\n';
      (async () => {
        const first = await simpleParser(Buffer.from(mail));
        await simpleParser(Buffer.from(mail));
        console.log(JSON.stringify({ afterImport, afterTwo: created, html: first.textAsHtml }));
      })();`;
    const { afterImport, afterTwo, html } = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' }));
    expect(afterImport).toBe(0);
    expect(afterTwo).toBe(1);
    expect(html).toContain('<a href="https://example.com/order">https://example.com/order</a>');
    expect(html).toContain('<a href="https://twitter.com/acme">@acme</a>');
    expect(html).toContain('<a href="mailto:b@example.org">b@example.org</a>');
  });
});
