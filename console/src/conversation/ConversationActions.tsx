/** Assign (a user picker, or nobody), close and reopen; each refusal in words beside its control. */
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { generalError, unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { UserPicker } from '../inbox/UserPicker';
import { useRefreshWork } from './work';

export function ConversationActions({ conversationId, assigneeId, status }: { conversationId: string; assigneeId: string | null; status: 'open' | 'closed' }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const patch = (body: { assigneeId?: string | null; status?: 'open' | 'closed' }) =>
    unwrap(api.PATCH('/conversations/{conversationId}', { params: { path: { conversationId } }, body }));
  const assign = useMutation({ mutationFn: (userId: string | null) => patch({ assigneeId: userId }), onSettled: refresh });
  const setStatus = useMutation({ mutationFn: (next: 'open' | 'closed') => patch({ status: next }), onSettled: refresh });
  return (
    <Stack gap="xs">
      <UserPicker label="Assignee" nobody="Unassigned" value={assigneeId} onChange={(userId) => assign.mutate(userId)} disabled={assign.isPending} error={generalError(assign.error)} />
      <Group>
        {status === 'open'
          ? <Button variant="default" onClick={() => setStatus.mutate('closed')} loading={setStatus.isPending}>Close conversation</Button>
          : <Button onClick={() => setStatus.mutate('open')} loading={setStatus.isPending}>Reopen conversation</Button>}
      </Group>
      {setStatus.error && <Alert color="red" role="alert">{generalError(setStatus.error)}</Alert>}
    </Stack>
  );
}
