/** Accounts (tenants), their users and teams: plain data, as the API returns it. */
import type { Role } from '../api/routes';

export type { Role };
export type Availability = 'available' | 'away';

/**
 * Users stored before roles existed have no role: they read as admins, because until then every user could
 * change every setting (and an account without an admin could never be administered again).
 */
export const LEGACY_ROLE: Role = 'admin';

export interface Account {
  readonly accountId: string;
  readonly name: string;
  /** Unique across the deployment: addresses live at `<local>@<subdomain>.<inbox domain>`. */
  readonly subdomain: string;
}

export interface User {
  readonly userId: string;
  readonly accountId: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly availability: Availability;
  /** Most open conversations auto-assignment gives this user at once; null: no limit. */
  readonly capacity: number | null;
  /** Open conversations assigned to this user across the account's inboxes (the count of "Assigned to me" everywhere); read only, kept by assignments. */
  readonly openAssigned?: number;
  /** Appended to this user's replies, above the inbox's signature. */
  readonly signature?: string;
}

export interface Team {
  readonly teamId: string;
  readonly accountId: string;
  readonly name: string;
  readonly memberIds: readonly string[];
}
