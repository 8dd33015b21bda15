import type { Account, Team, User } from './model';

/** Thrown by `createUser` when the email already signs in somewhere (emails are unique, like in Cognito). */
export class EmailInUse extends Error {}

export type UserChanges = Partial<Pick<User, 'name' | 'availability' | 'capacity'>>;
export type TeamChanges = Partial<Pick<Team, 'name' | 'memberIds'>>;

/** Every read and write is scoped by account id: another account's record is simply not found. */
export interface DirectoryStore {
  account(accountId: string): Promise<Account | undefined>;
  renameAccount(accountId: string, name: string): Promise<Account | undefined>;
  users(accountId: string): Promise<User[]>;
  user(accountId: string, userId: string): Promise<User | undefined>;
  usersById(accountId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, User>>;
  createUser(user: User): Promise<void>;
  updateUser(accountId: string, userId: string, changes: UserChanges): Promise<User | undefined>;
  teams(accountId: string): Promise<Team[]>;
  team(accountId: string, teamId: string): Promise<Team | undefined>;
  teamsById(accountId: string, teamIds: readonly string[]): Promise<ReadonlyMap<string, Team>>;
  createTeam(team: Team): Promise<void>;
  updateTeam(accountId: string, teamId: string, changes: TeamChanges): Promise<Team | undefined>;
}
