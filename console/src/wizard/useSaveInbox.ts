/**
 * A wizard step's save: a PUT/POST answering the inbox, whose answer replaces the cached inbox. Saves of one
 * inbox run one after another (a mutation scope): the API refuses a write based on a version it has replaced.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Inbox } from '../api/client';
import { keys } from '../api/queries';

export function useSaveInbox<Variables = void>(inboxId: string, save: (variables: Variables) => Promise<Inbox>, onSaved?: (inbox: Inbox) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: save,
    scope: { id: `inbox:${inboxId}` },
    onSuccess: (inbox) => {
      queryClient.setQueryData(keys.inbox(inbox.inboxId), inbox);
      void queryClient.invalidateQueries({ queryKey: keys.channels });
      onSaved?.(inbox);
    },
  });
}
