/** Email address normalization and extraction, shared by routing, attribution and contacts. */

/** Lower-cased, trimmed address: the identity of a contact within an account. */
export function normalizeEmail(address: string): string {
  return address.trim().replace(/^<|>$/g, '').toLowerCase();
}

/** Normalized, with any `+tag` removed from the local part: how forwarding addresses are matched. */
export function routingAddress(address: string): string {
  const email = normalizeEmail(address);
  const at = email.lastIndexOf('@');
  if (at < 0) return email;
  const plus = email.indexOf('+');
  return plus >= 0 && plus < at ? email.slice(0, plus) + email.slice(at) : email;
}

/** The `+tag` of an address, if any (our reply tokens). */
export function plusTag(address: string): string | undefined {
  const email = normalizeEmail(address);
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  return plus >= 0 && plus < at ? email.slice(plus + 1, at) : undefined;
}

export function domainOf(address: string): string {
  const email = normalizeEmail(address);
  return email.slice(email.lastIndexOf('@') + 1);
}

/** True when `domain` is `parent` or one of its subdomains. */
export function isWithinDomain(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

const ADDRESS_PATTERN = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+/gi;

/** RFC 5321's limit on a path (254 usable characters); longer tokens cannot be addresses. */
export const MAX_ADDRESS_LENGTH = 254;

/** Characters that never occur in an unquoted address: a header value is split on them first. */
const SEPARATORS = /[\s,;<>()"[\]:\\]+/;

/**
 * Every address-looking token in a header value (for headers mailparser does not parse as addresses).
 * Linear: the value is split on separators once and the pattern only runs on tokens short enough to be
 * an address (unbounded, it backtracks quadratically over a long run of local-part characters).
 */
export function addressesIn(value: string): string[] {
  const found: string[] = [];
  for (const token of value.split(SEPARATORS)) {
    if (token.length < 3 || token.length > MAX_ADDRESS_LENGTH + 2 || !token.includes('@')) continue;
    for (const match of token.match(ADDRESS_PATTERN) ?? []) if (match.length <= MAX_ADDRESS_LENGTH) found.push(normalizeEmail(match));
  }
  return found;
}

export function isValidEmail(address: string): boolean {
  const email = normalizeEmail(address);
  if (email.length > MAX_ADDRESS_LENGTH) return false;
  const match = email.match(ADDRESS_PATTERN);
  return match !== null && match[0] === email;
}

/** RFC 5322's line limit: a longer "Message-ID" is not one, and must not become a key. */
export const MAX_MESSAGE_ID_LENGTH = 998;

/**
 * Message-IDs without angle brackets, as sent except for the domain part, which is lower-cased (mail
 * systems lower-case it on the way: `<a@Example.COM>` and `<a@example.com>` are the same message).
 */
export function messageIdsIn(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  const ids = bracketed ? bracketed.map((id) => id.slice(1, -1)) : value.split(/\s+/);
  const found: string[] = [];
  for (const raw of ids) {
    const id = raw.trim();
    const at = id.lastIndexOf('@');
    if (at <= 0 || id.length > MAX_MESSAGE_ID_LENGTH) continue;
    found.push(id.slice(0, at + 1) + id.slice(at + 1).toLowerCase());
  }
  return found;
}
