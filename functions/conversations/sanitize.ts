/**
 * Message HTML as clients may render it, through `sanitize-html` (an allow-list: anything not named here is
 * dropped). Gone: scripts, event handlers, forms, `<base>`, `<style>` blocks, frames and objects; `javascript:`,
 * `vbscript:` and `data:` URLs (but `data:` raster images); CSS other than plain properties with plain values
 * (no `expression()`, no `url()`). Remote images and tracking pixels are blocked unless the client asks (their
 * address is kept in `data-blocked-src`, inert, for a "show images" button); `cid:` images point at the
 * message's attachment download links.
 */
import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** Load remote images (`?images=remote`); off by default: remote images tell the sender the mail was read. */
  readonly remoteImages: boolean;
  /** The download link of an inline attachment, by Content-ID (without angle brackets). */
  readonly inlineImage: (contentId: string) => string | undefined;
}

/** Raster images only: an SVG can carry script. */
const DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]+$/i;
/** A CSS value without functions, escapes, comments or at-rules: colours, lengths, keywords, font lists. */
const PLAIN_CSS_VALUE = [/^[#a-z0-9 .,%'"-]{1,200}$/i];
const STYLED = ['color', 'background-color', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-align', 'text-decoration',
  'line-height', 'margin', 'margin-left', 'margin-right', 'margin-top', 'margin-bottom', 'padding', 'padding-left', 'padding-right',
  'padding-top', 'padding-bottom', 'border', 'border-collapse', 'width', 'height', 'vertical-align', 'white-space'];

const BASE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((tag) => tag !== 'style'), 'img', 'font', 'center', 'u', 's'],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-blocked-src'],
    font: ['color', 'size', 'face'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    table: ['width', 'cellpadding', 'cellspacing', 'border', 'align'],
    '*': ['style', 'dir', 'lang'],
  },
  allowedStyles: { '*': Object.fromEntries(STYLED.map((property) => [property, PLAIN_CSS_VALUE])) },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https', 'data', 'cid'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

export function sanitizeMessageHtml(html: string, options: SanitizeOptions): string {
  return sanitizeHtml(html, {
    ...BASE_OPTIONS,
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => ({ tagName, attribs: imageAttributes(attribs, options) }),
    },
  });
}

function imageAttributes(attribs: Record<string, string>, options: SanitizeOptions): Record<string, string> {
  const { src = '', 'data-blocked-src': _forged, ...rest } = attribs;
  const source = src.trim();
  if (/^cid:/i.test(source)) {
    const link = options.inlineImage(source.slice(4).replace(/^<|>$/g, ''));
    return link ? { ...rest, src: link } : rest;
  }
  if (/^data:/i.test(source)) return DATA_IMAGE.test(source) ? { ...rest, src: source } : rest;
  if (!/^https?:\/\//i.test(source)) return rest; // relative or any other scheme: nothing a mail can load
  return options.remoteImages ? { ...rest, src: source } : { ...rest, 'data-blocked-src': source };
}
