/** After any change to a conversation: read again what it may have changed (the thread, the views and their counts, my count, the ticket's owner, the contact's list). */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { inboxKeys } from '../api/queries';

export function useRefreshWork(): () => Promise<unknown> {
  const queryClient = useQueryClient();
  return useCallback(
    () => Promise.all([inboxKeys.all, ['me'], ['tickets'], ['contacts']].map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
    [queryClient],
  );
}
