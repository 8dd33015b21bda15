/** Assign (a user picker, or nobody), close and reopen; each refusal in words beside its control. */
import { Alert, Button, Group, Select, Stack } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { generalError, unwrap } from '../api/client';
import { useUsers } from '../api/queries';
import { useApi } from '../auth/session';
import { useRefreshWork } from './work';

const NOBODY = 'nobody';

export function ConversationActions({ conversationId, assigneeId, status }: { conversationId: string; assigneeId: string | null; status: 'open' | 'closed' }) {
  const api = useApi();
  const users = useUsers();
  const refresh = useRefreshWork();
  const patch = (body: { assigneeId?: string | null; status?: 'open' | 'closed' }) =>
    unwrap(api.PATCH('/conversations/{conversationId}', { params: { path: { conversationId } }, body }));
  const assign = useMutation({ mutationFn: (userId: string | null) => patch({ assigneeId: userId }), onSettled: refresh });
  const setStatus = useMutation({ mutationFn: (next: 'open' | 'closed') => patch({ status: next }), onSettled: refresh });
  const choices = [{ value: NOBODY, label: 'Unassigned' }, ...(users.data ?? []).map((user) => ({ value: user.userId, label: `${user.name} (${user.email})` }))];
  return (
    <Stack gap="xs">
      <Select
        label="Assignee"
        data={choices}
        value={assigneeId ?? NOBODY}
        onChange={(value) => value && assign.mutate(value === NOBODY ? null : value)}
        allowDeselect={false}
        searchable
        disabled={assign.isPending}
        error={generalError(assign.error)}
      />
      <Group>
        {status === 'open'
          ? <Button variant="default" onClick={() => setStatus.mutate('closed')} loading={setStatus.isPending}>Close conversation</Button>
          : <Button onClick={() => setStatus.mutate('open')} loading={setStatus.isPending}>Reopen conversation</Button>}
      </Group>
      {setStatus.error && <Alert color="red" role="alert">{generalError(setStatus.error)}</Alert>}
    </Stack>
  );
}
