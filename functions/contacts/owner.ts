/** Contacts and tickets are owned by a user of their account, or by nobody. */
import type { FieldIssue } from '../commons/errors';
import type { DirectoryStore } from '../directory/ports';
import type { Scope } from '../directory/use-cases';

/** The issue of `field` when `ownerId` names no user of this account; none for a user or for null (no owner). */
export async function ownerIssues(directory: Pick<DirectoryStore, 'user'>, scope: Scope, field: string, ownerId: string | null | undefined): Promise<FieldIssue[]> {
  if (!ownerId || (await directory.user(scope.accountId, ownerId))) return [];
  return [{ field, rule: 'unknown_user', message: `${ownerId} is not a user of this account` }];
}
