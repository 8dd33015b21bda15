/**
 * Users and teams of the caller's account. Input arrives validated by `schemas.ts`; these check what a
 * schema cannot (ids that must exist in this account, unique emails) and return plain data.
 */
import { Conflict, FieldIssue, Forbidden, NotFound, ValidationFailed } from '../commons/errors';
import type { Account, Team, User } from './model';
import { ActorNotAdmin, DirectoryStore, EmailInUse, SignIns, TeamChanges, UserChanges } from './ports';
import { withSignIn } from './sign-ins';
import type { NewTeamInput, NewUserInput } from './schemas';

export interface Scope {
  readonly accountId: string;
}

/** Who acts: a scope and the user. */
export interface Actor extends Scope {
  readonly userId: string;
}

export async function getAccount(store: DirectoryStore, scope: Scope): Promise<Account> {
  const account = await store.account(scope.accountId);
  if (!account) throw new NotFound('account');
  return account;
}

export async function renameAccount(store: DirectoryStore, scope: Scope, name: string): Promise<Account> {
  const account = await store.renameAccount(scope.accountId, name);
  if (!account) throw new NotFound('account');
  return account;
}

export async function getUser(store: DirectoryStore, scope: Scope, userId: string): Promise<User> {
  const user = await store.user(scope.accountId, userId);
  if (!user) throw new NotFound('user');
  return user;
}

/** In AWS (`signIns` given) the invited user also gets their sign-in, with the claims the API reads. */
export async function createUser(store: DirectoryStore, scope: Scope, input: NewUserInput, newId: (prefix: string) => string, signIns?: SignIns): Promise<User> {
  const user: User = {
    userId: newId('usr'),
    accountId: scope.accountId,
    email: input.email,
    name: input.name,
    // Invited people work the inbox; an admin makes them admins explicitly.
    role: input.role ?? 'agent',
    availability: input.availability ?? 'available',
    capacity: input.capacity ?? null,
    openAssigned: 0,
  };
  try {
    await withSignIn(signIns, user, () => store.createUser(user));
  } catch (error) {
    if (error instanceof EmailInUse) throw new Conflict('email_in_use', `a user with the email ${input.email} already exists`);
    throw error;
  }
  return user;
}

/**
 * A role changes only by another admin: nobody demotes themselves, and the acting admin must still be one
 * when the change commits, so the account always keeps at least one admin.
 */
export async function updateUser(store: DirectoryStore, actor: Actor, userId: string, changes: UserChanges): Promise<User> {
  if (changes.role !== undefined && userId === actor.userId) {
    throw new Conflict('own_role', 'You cannot change your own role; another admin of the account can.');
  }
  let user: User | undefined;
  try {
    user = await store.updateUser(actor.accountId, userId, changes, changes.role === undefined ? undefined : actor.userId);
  } catch (error) {
    if (error instanceof ActorNotAdmin) throw new Forbidden('only an admin of the account may change roles');
    throw error;
  }
  if (!user) throw new NotFound('user');
  return user;
}

/** Issues for the ids in `field` that are not users of this account, each named by its position. */
export async function unknownUsers(store: DirectoryStore, scope: Scope, field: string, userIds: readonly string[]): Promise<FieldIssue[]> {
  const found = userIds.length ? await store.usersById(scope.accountId, userIds) : new Map();
  return userIds.flatMap((userId, index) =>
    found.has(userId) ? [] : [{ field: `${field}.${index}`, rule: 'unknown_user', message: `${userId} is not a user of this account` }],
  );
}

export async function unknownTeams(store: DirectoryStore, scope: Scope, field: string, teamIds: readonly string[]): Promise<FieldIssue[]> {
  const found = teamIds.length ? await store.teamsById(scope.accountId, teamIds) : new Map();
  return teamIds.flatMap((teamId, index) =>
    found.has(teamId) ? [] : [{ field: `${field}.${index}`, rule: 'unknown_team', message: `${teamId} is not a team of this account` }],
  );
}

/** Throws one 400 listing every issue, if any. */
export function refuseIssues(issues: readonly FieldIssue[]): void {
  if (issues.length) throw new ValidationFailed(issues);
}

export async function getTeam(store: DirectoryStore, scope: Scope, teamId: string): Promise<Team> {
  const team = await store.team(scope.accountId, teamId);
  if (!team) throw new NotFound('team');
  return team;
}

export async function createTeam(store: DirectoryStore, scope: Scope, input: NewTeamInput, newId: (prefix: string) => string): Promise<Team> {
  refuseIssues(await unknownUsers(store, scope, 'memberIds', input.memberIds));
  const team: Team = { teamId: newId('team'), accountId: scope.accountId, name: input.name, memberIds: input.memberIds };
  await store.createTeam(team);
  return team;
}

export async function updateTeam(store: DirectoryStore, scope: Scope, teamId: string, changes: TeamChanges): Promise<Team> {
  if (changes.memberIds) refuseIssues(await unknownUsers(store, scope, 'memberIds', changes.memberIds));
  const team = await store.updateTeam(scope.accountId, teamId, changes);
  if (!team) throw new NotFound('team');
  return team;
}
