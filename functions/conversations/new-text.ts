/**
 * The text an agent reads first: the message without quoted history and without the signature
 * (`email-reply-parser`: quote headers in many languages and clients, `>` quotes, `--` and "Sent from my …"
 * signatures). Our own handling where it falls short: the input is bounded first (it is regex-driven, so
 * cost grows with the text), CR/LF are normalized, and a message that is nothing but quote (a top-quoted
 * forward, a reply with the answer inside the quote) keeps its whole text rather than showing nothing.
 */
import EmailReplyParser from 'email-reply-parser';

/** What the parser reads; the whole text stays available as `text`. */
export const NEW_TEXT_INPUT_LIMIT = 32 * 1024;
/** Characters of new text in a view's snippet. */
export const SNIPPET_LENGTH = 200;

const parser = new EmailReplyParser();

export function newTextOf(text: string): string {
  const bounded = text.slice(0, NEW_TEXT_INPUT_LIMIT).replace(/\r\n?/g, '\n');
  const visible = parser.read(bounded).getVisibleText().trim();
  return visible || bounded.trim();
}

/** About 200 characters of new text on one line, cut at a word where one is near. */
export function snippetOf(newText: string): string {
  const line = newText.slice(0, SNIPPET_LENGTH * 4).replace(/\s+/g, ' ').trim();
  if (line.length <= SNIPPET_LENGTH) return line;
  const cut = line.slice(0, SNIPPET_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${space > SNIPPET_LENGTH * 0.75 ? cut.slice(0, space) : cut}…`;
}
