/** Request bodies of the sending-domain routes. */
import * as z from 'zod';

/** A DNS name of at least two labels, lowercase, no trailing dot (RFC 1035 lengths). */
export const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, 'must be at most 253 characters')
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, { message: 'must be a domain name such as acme.example' });

export const newSendingDomainSchema = z.strictObject({ domain: domainName });
export type NewSendingDomainInput = z.infer<typeof newSendingDomainSchema>;
