/**
 * Addresses we host: `<local part>@<account subdomain>.<inbox domain>`. Local parts are a conservative
 * dot-atom (lowercase letters, digits, `.`, `_`, `-`), never `+` (tags carry reply tokens), never a role
 * name that mail systems and abuse desks expect to reach a human at the domain.
 */
import * as z from 'zod';

export const RESERVED_LOCAL_PARTS: ReadonlySet<string> = new Set([
  'postmaster', 'abuse', 'mailer-daemon', 'hostmaster', 'webmaster', 'root', 'noc', 'security', 'no-reply', 'noreply', 'admin', 'administrator',
]);

const LOCAL_PART = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const localPart = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((value, context) => {
    if (!LOCAL_PART.test(value) || value.includes('..')) {
      context.addIssue({
        code: 'custom',
        params: { rule: 'invalid_local_part' },
        message: 'must be 1-64 of a-z, 0-9, ".", "_" or "-", starting and ending with a letter or digit, without ".."',
      });
    } else if (RESERVED_LOCAL_PARTS.has(value)) {
      context.addIssue({ code: 'custom', params: { rule: 'reserved_name' }, message: `"${value}" is reserved for mail administration` });
    }
  })
  // For the OpenAPI document: LOCAL_PART before trimming and lowercasing (".." and reserved names are refused too).
  .meta({ pattern: '^\\s*[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?\\s*$' });

export const hostedDomain = (subdomain: string, inboxDomain: string) => `${subdomain}.${inboxDomain}`;

export const hostedAddress = (local: string, subdomain: string, inboxDomain: string) => `${local}@${hostedDomain(subdomain, inboxDomain)}`;

/** `support-k3x9q2` from "Support": readable, and random enough that generated addresses rarely collide. */
export function generatedLocalPart(inboxName: string, random: string): string {
  const slug = inboxName.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'inbox';
  return `${slug}-${random}`;
}
