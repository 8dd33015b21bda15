/**
 * Message HTML through the sanitizer: the OWASP filter-evasion vectors (test/fixtures/xss) come out inert.
 * The output is parsed (htmlparser2, what sanitize-html itself builds on) and every element and attribute
 * checked, rather than compared with expected strings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'htmlparser2';
import { sanitizeMessageHtml } from '../../functions/conversations/sanitize';

const VECTORS = readFileSync(join(__dirname, '../fixtures/xss/owasp-vectors.txt'), 'utf8').split('\n').filter((line) => line.trim());
const FORBIDDEN_TAGS = new Set(['script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'base', 'link', 'meta', 'svg', 'math', 'textarea', 'body', 'video', 'source', 'bgsound', 'xss']);
const URL_ATTRIBUTES = new Set(['href', 'src', 'background', 'dynsrc', 'lowsrc', 'action', 'formaction', 'xlink:href', 'data']);

interface Element { name: string; attribs: Record<string, string>; children?: Node[] }
type Node = Element | { type: string; children?: Node[] };

/** What is wrong with the sanitized output, if anything: one line per finding. */
function findings(html: string): string[] {
  const found: string[] = [];
  const visit = (node: Node) => {
    if ('name' in node) {
      if (FORBIDDEN_TAGS.has(node.name.toLowerCase())) found.push(`<${node.name}>`);
      for (const [name, value] of Object.entries(node.attribs)) {
        if (/^on/i.test(name)) found.push(`${node.name} ${name}`);
        // Browsers ignore control characters and whitespace inside a scheme: compare without them.
        const url = value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        if (URL_ATTRIBUTES.has(name.toLowerCase()) && !/^(https?:|mailto:|tel:|data:image\/(png|gif|jpe?g|webp|bmp);base64,)/.test(url)) found.push(`${node.name} ${name}=${value}`);
        if (name === 'style' && /expression|url\(|javascript|\\|@import|binding/i.test(value)) found.push(`${node.name} style=${value}`);
      }
    }
    for (const child of node.children ?? []) visit(child);
  };
  visit(parseDocument(html) as unknown as Node);
  return found;
}

describe('sanitizeMessageHtml', () => {
  const options = { remoteImages: false, inlineImage: () => undefined };

  it('the checker itself finds what raw vectors carry', () => {
    // Without this, an empty checker would pass every vector.
    expect(VECTORS.length).toBeGreaterThan(70);
    expect(VECTORS.filter((vector) => findings(vector).length > 0).length).toBeGreaterThan(55);
  });

  it.each(VECTORS.map((vector, index) => [index, vector]))('vector %i comes out inert', (_index, vector) => {
    expect(findings(sanitizeMessageHtml(vector, options))).toEqual([]);
  });

  it('all vectors together, and inside a message layout, come out inert', () => {
    const all = `<table><tr><td>${VECTORS.join('<br>')}</td></tr></table>`;
    expect(findings(sanitizeMessageHtml(all, options))).toEqual([]);
    expect(findings(sanitizeMessageHtml(all, { remoteImages: true, inlineImage: () => 'https://bucket.example/x?sig=1' }))).toEqual([]);
  });

  it('keeps ordinary formatting, links (opening apart), raster data: images; blocks remote images unless asked', () => {
    const html = '<p style="color: #333; font-weight: bold">Hi <a href="https://acme.example/o/1">order</a></p><img src="data:image/png;base64,iVBORw0KGgo="><img src="https://t.example/p.gif">';
    const blocked = sanitizeMessageHtml(html, options);
    expect(blocked).toContain('<p style="color:#333;font-weight:bold">');
    expect(blocked).toContain('<a href="https://acme.example/o/1" target="_blank" rel="noopener noreferrer nofollow">order</a>');
    expect(blocked).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" />');
    expect(blocked).toContain('<img data-blocked-src="https://t.example/p.gif" />');
    expect(sanitizeMessageHtml(html, { ...options, remoteImages: true })).toContain('<img src="https://t.example/p.gif" />');
  });

  it('points cid: images at their attachment links and drops unknown ones', () => {
    const html = '<img src="cid:logo@acme"><img src="cid:missing">';
    const links = new Map([['logo@acme', 'https://s3.example/a?X-Amz-Signature=1&x=2']]);
    expect(sanitizeMessageHtml(html, { remoteImages: false, inlineImage: (id) => links.get(id) })).toBe('<img src="https://s3.example/a?X-Amz-Signature=1&amp;x=2" /><img />');
  });
});
