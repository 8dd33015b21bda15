import type { Account, Role, Team, User } from './model';

/** Thrown by `createUser` when the email already signs in somewhere (emails are unique, like in Cognito). */
export class EmailInUse extends Error {}

export type UserChanges = Partial<Pick<User, 'name' | 'availability' | 'capacity' | 'role' | 'signature'>>;

/** A role change was refused: the acting admin is no longer one (a concurrent demotion won). */
export class ActorNotAdmin extends Error {}
export type TeamChanges = Partial<Pick<Team, 'name' | 'memberIds'>>;

/** Every read and write is scoped by account id: another account's record is simply not found. */
export interface DirectoryStore {
  account(accountId: string): Promise<Account | undefined>;
  renameAccount(accountId: string, name: string): Promise<Account | undefined>;
  users(accountId: string): Promise<User[]>;
  user(accountId: string, userId: string): Promise<User | undefined>;
  /** The user's role, read strongly consistent (a demotion counts at once); undefined: no such user. */
  role(accountId: string, userId: string): Promise<Role | undefined>;
  usersById(accountId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, User>>;
  createUser(user: User): Promise<void>;
  /**
   * With a `role` in `changes`, only while `actorId` is still an admin (checked in the same transaction, so two
   * admins demoting each other at once cannot both succeed). Throws ActorNotAdmin.
   */
  updateUser(accountId: string, userId: string, changes: UserChanges, actorId?: string): Promise<User | undefined>;
  teams(accountId: string): Promise<Team[]>;
  team(accountId: string, teamId: string): Promise<Team | undefined>;
  teamsById(accountId: string, teamIds: readonly string[]): Promise<ReadonlyMap<string, Team>>;
  createTeam(team: Team): Promise<void>;
  updateTeam(accountId: string, teamId: string, changes: TeamChanges): Promise<Team | undefined>;
}

/** Thrown by `openAccount` when another account already has the subdomain. */
export class SubdomainTaken extends Error {}

/** A new account and its first admin, written together. Throws SubdomainTaken. */
export interface AccountStore {
  openAccount(account: Account, admin: Pick<User, 'userId' | 'email' | 'name'>): Promise<void>;
}

/**
 * Where people sign in: Cognito in AWS (created with the `custom:account_id`/`custom:user_id` attributes the
 * API reads). Locally there is none (the local stack signs tokens itself), and the port is simply absent.
 */
export interface SignIns {
  /** Throws EmailInUse when the email already signs in. */
  create(user: Pick<User, 'accountId' | 'userId' | 'email' | 'name'>): Promise<void>;
  /** Undoes `create` when the user's record could not be written after all. */
  remove(email: string): Promise<void>;
}
