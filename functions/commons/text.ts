/**
 * Text that enters the system from mail (subjects, display names, ticket names) or from the wizard. Control
 * characters (NUL, CR/LF, C1), bidi overrides and isolates, and zero-width characters are invisible or
 * reorder what people read (`U+202E` makes `exe.pdf` read `fdp.exe`); they are removed or refused, and
 * lengths are bounded before a value becomes part of an item. One linear pass, no regex backtracking.
 */

/** Line breaks, tabs and other C0/C1 controls, and the Unicode line/paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Bidi embeddings, overrides, isolates and marks; the Arabic letter mark. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** Zero-width space/joiners, word joiner, invisible operators, BOM, soft hyphen. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060-\u2064\ufeff\u00ad]/;

const UNSAFE_GLOBAL = new RegExp(`${CONTROL.source}|${BIDI.source}|${ZERO_WIDTH.source}`, 'gu');
const UNSAFE = new RegExp(`${CONTROL.source}|${BIDI.source}|${ZERO_WIDTH.source}`, 'u');

/** Longest subject, name or ticket name kept from mail (in characters). */
export const MAX_MAIL_TEXT = 998;
export const MAX_NAME_TEXT = 256;

/**
 * Mail text made safe to show and store: NFC, whitespace-like controls become spaces, every other unsafe
 * character is dropped, runs of spaces collapse, and at most `max` characters are kept (never splitting a
 * surrogate pair). Bounded first, so a 1 MiB value costs one slice, not a pass over the whole of it.
 */
export function cleanMailText(value: string, max: number = MAX_MAIL_TEXT): string {
  // Looking at 4× the limit is enough: removals rarely shrink text that much, and the cost stays bounded.
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const cleaned = head
    .normalize('NFC')
    .replace(/[\t\r\n\u000b\u000c\u2028\u2029]/g, ' ')
    .replace(UNSAFE_GLOBAL, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  return truncate(cleaned, max);
}

/** True when `value` holds a character `cleanMailText` would remove: the wizard refuses such names. */
export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE.test(value);
}

/** At most `max` UTF-16 units, without leaving half a surrogate pair at the end. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.charCodeAt(max - 1) >= 0xd800 && value.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return value.slice(0, cut);
}

/** Something that reads as an RFC 2047 encoded word (`=?charset?Q|B?…?=`), which mail clients would decode. */
export function looksLikeEncodedWord(value: string): boolean {
  return /=\?[^?\s]{1,64}\?[bq]\?[^?\s]{0,998}\?=/i.test(value.length > 4096 ? value.slice(0, 4096) : value);
}
