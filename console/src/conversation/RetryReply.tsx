/** Send a failed reply again, as composed; the refusal in words beside the button. */
import { Button, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { useRefreshWork } from './work';

export function RetryReply({ conversationId, messageId }: { conversationId: string; messageId: string }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST('/conversations/{conversationId}/replies/{messageId}/retry', { params: { path: { conversationId, messageId } } })),
    onSuccess: refresh,
  });
  return (
    <>
      <Button size="compact-xs" variant="white" color="red" onClick={() => retry.mutate()} loading={retry.isPending}>Send again</Button>
      {retry.error && <Text span size="sm" role="alert"> {retry.error.message}</Text>}
    </>
  );
}
