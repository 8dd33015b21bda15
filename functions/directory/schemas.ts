/** Request bodies of the directory routes: strict (unknown fields are refused), every rule named. */
import * as z from 'zod';
import { changesObject, displayName, emailAddress, idList } from './fields';

const availability = z.enum(['available', 'away'], { message: 'must be "available" or "away"' });
const role = z.enum(['admin', 'agent'], { message: 'must be "admin" or "agent"' });
const capacity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').nullable();

export const renameAccountSchema = z.strictObject({ name: displayName() });

export const newUserSchema = z.strictObject({ email: emailAddress, name: displayName(), role: role.optional(), availability: availability.optional(), capacity: capacity.optional() });
export type NewUserInput = z.infer<typeof newUserSchema>;

export const userChangesSchema = changesObject({ name: displayName().optional(), role: role.optional(), availability: availability.optional(), capacity: capacity.optional() });

export const availabilitySchema = z.strictObject({ availability });

export const newTeamSchema = z.strictObject({ name: displayName(), memberIds: idList('usr', 500).default([]) });
export type NewTeamInput = z.infer<typeof newTeamSchema>;

export const teamChangesSchema = changesObject({ name: displayName().optional(), memberIds: idList('usr', 500).optional() });

/** An account's subdomain: one DNS label, lowercase (addresses live at `<local>@<subdomain>.<inbox domain>`). */
export const subdomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { message: 'must be a DNS label: a-z, 0-9 and inner hyphens, at most 63 characters' });

export const newAccountSchema = z.strictObject({ name: displayName(), subdomain, adminEmail: emailAddress, adminName: displayName().optional() });
export type NewAccountInput = z.infer<typeof newAccountSchema>;

/** A user's own signature (`PUT /me/signature`); inboxes take the same shape. */
export { signatureSchema } from './fields';
