/** Users by id, for the names shown beside assignees, authors and owners. */
import { useCallback } from 'react';
import { useUsers } from '../api/queries';

export function useUserNames(): (userId: string) => string {
  const users = useUsers();
  return useCallback((userId: string) => users.data?.find((user) => user.userId === userId)?.name ?? userId, [users.data]);
}
