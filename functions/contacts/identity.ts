/** A contact's id, derived from its address: the inbound chain and re-attribution find or create it with no read. */
import { createHash } from 'node:crypto';
import { normalizeEmail } from '../inbound/domain/addresses';

/** Contacts are keyed by normalized email within an account, so an upsert needs no read. */
export function contactIdOf(email: string): string {
  return `ct_${createHash('sha256').update(normalizeEmail(email)).digest('hex').slice(0, 32)}`;
}
