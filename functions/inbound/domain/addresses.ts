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

/** Every address-looking token in a header value (for headers mailparser does not parse as addresses). */
export function addressesIn(value: string): string[] {
  return (value.match(ADDRESS_PATTERN) ?? []).map(normalizeEmail);
}

export function isValidEmail(address: string): boolean {
  const match = normalizeEmail(address).match(ADDRESS_PATTERN);
  return match !== null && match[0] === normalizeEmail(address);
}

/** Message-IDs without angle brackets, lower-cased domain part kept as sent (ids compare exactly). */
export function messageIdsIn(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  const ids = bracketed ? bracketed.map((id) => id.slice(1, -1)) : value.split(/\s+/);
  return ids.map((id) => id.trim()).filter((id) => id.includes('@'));
}
