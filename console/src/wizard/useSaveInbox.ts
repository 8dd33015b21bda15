/** A wizard step's save: a PUT/POST answering the inbox, whose answer replaces the cached inbox. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Inbox } from '../api/client';
import { keys } from '../api/queries';

export function useSaveInbox<Variables = void>(save: (variables: Variables) => Promise<Inbox>, onSaved?: (inbox: Inbox) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: save,
    onSuccess: (inbox) => {
      queryClient.setQueryData(keys.inbox(inbox.inboxId), inbox);
      void queryClient.invalidateQueries({ queryKey: keys.channels });
      onSaved?.(inbox);
    },
  });
}
