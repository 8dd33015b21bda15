/**
 * "Merge into…": a dialog that picks another conversation (open or closed) of the same contact in the same inbox and
 * merges this one into it (`POST /conversations/{id}/merge`). The API moves items in bounded batches and answers
 * `complete: false` while some remain, so the same request is sent again, a bounded number of times. Refusals
 * (409 already merged, target merged; 400) in words in the dialog; afterwards the console opens the target.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { generalError, Schemas, unwrap } from '../api/client';
import { useContactConversations } from '../api/queries';
import { useApi } from '../auth/session';
import { paths } from '../inbox/views';
import { navigate } from '../routes';
import { Choices } from '../ui/Choices';
import { useRefreshWork } from './work';

/** Requests of one merge before giving up in words (each moves a bounded batch; a merge of a long thread needs a few). */
export const MERGE_ROUNDS = 20;

export function MergeConversation({ conversationId, inboxId, contactId }: { conversationId: string; inboxId: string; contactId: string }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const [opened, dialog] = useDisclosure(false);
  const [target, setTarget] = useState('');
  const conversations = useContactConversations(contactId);
  const candidates = (conversations.data?.pages.flatMap((page) => page.conversations) ?? [])
    .filter((other) => other.conversationId !== conversationId && other.inboxId === inboxId);
  const merge = useMutation({
    mutationFn: async (intoConversationId: string): Promise<Schemas['MergeResult']> => {
      for (let round = 0; round < MERGE_ROUNDS; round++) {
        const result = await unwrap(api.POST('/conversations/{conversationId}/merge', { params: { path: { conversationId } }, body: { intoConversationId } }));
        if (result.complete) return result;
      }
      throw new Error(`The merge is not finished after ${MERGE_ROUNDS} requests; merge again to move the rest.`);
    },
    onSuccess: async (result) => {
      dialog.close();
      await refresh();
      navigate(paths.conversation(result.target.conversationId));
    },
  });
  const open = () => {
    setTarget('');
    merge.reset();
    dialog.open();
  };
  return (
    <>
      <Button variant="default" onClick={open}>Merge into…</Button>
      <Modal opened={opened} onClose={dialog.close} title="Merge this conversation into another" closeButtonProps={{ 'aria-label': 'Close the dialog' }}>
        <form onSubmit={(event) => { event.preventDefault(); if (target) merge.mutate(target); }}>
          <Stack>
            <Text size="sm">Its messages and notes move to the conversation picked here; this one then points there.</Text>
            {conversations.error && <Alert color="red" role="alert">{conversations.error.message}</Alert>}
            {conversations.isSuccess && candidates.length === 0 && <Text size="sm" c="dimmed">The contact has no other conversation in this inbox.</Text>}
            {candidates.length > 0 && (
              <Choices
                label="Merge into"
                value={target}
                onChange={setTarget}
                choices={candidates.map((other) => ({ value: other.conversationId, label: `${other.subject || '(no subject)'} (${other.status})` }))}
              />
            )}
            {conversations.hasNextPage && <Button size="xs" variant="default" onClick={() => conversations.fetchNextPage()} loading={conversations.isFetchingNextPage}>Load more conversations</Button>}
            {merge.error && <Alert color="red" role="alert">{generalError(merge.error)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={dialog.close}>Cancel</Button>
              <Button type="submit" disabled={!target} loading={merge.isPending}>Merge</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
