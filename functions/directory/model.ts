/** Accounts (tenants), their users and teams: plain data, as the API returns it. */
export type Availability = 'available' | 'away';

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
  readonly availability: Availability;
  /** Most open conversations auto-assignment gives this user at once; null: no limit. */
  readonly capacity: number | null;
}

export interface Team {
  readonly teamId: string;
  readonly accountId: string;
  readonly name: string;
  readonly memberIds: readonly string[];
}
