/**
 * Roles, enforced in one place: `apiHandler` checks the role the route table declares for the route before
 * the route runs. The role is read from the user item (strongly consistent, one GetItem) on admin routes only,
 * not taken from a token claim: a demotion takes effect on the next request instead of when the token
 * expires, and no claim has to be kept in sync with the directory (nor set by an external identity provider).
 */
import { Forbidden } from '../../commons/errors';
import type { Role } from '../routes';
import type { Caller } from './request';

/** The caller's role in its account; undefined when the caller is no user of it (any more). */
export type RoleReader = (accountId: string, userId: string) => Promise<Role | undefined>;

/** Throws Forbidden unless `caller` has `role` (every user has `agent`: that needs no read). */
export async function requireRole(caller: Caller, role: Role, readRole: RoleReader): Promise<void> {
  if (role === 'agent') return;
  const actual = await readRole(caller.accountId, caller.userId);
  if (actual === undefined) throw new Forbidden('the caller is not a user of this account');
  if (actual !== role) throw new Forbidden(`this needs the ${role} role: ask an admin of the account`);
}
