/** An internal note: seen by the team in the thread, never emailed. */
import { useState } from 'react';
import { Alert, Button, Group, Stack, Textarea } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { fieldError, generalError, unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { useRefreshWork } from './work';

export function NoteForm({ conversationId }: { conversationId: string }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const [text, setText] = useState('');
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/conversations/{conversationId}/notes', { params: { path: { conversationId } }, body: { text } })),
    onSuccess: () => setText(''),
    onSettled: refresh,
  });
  return (
    <form onSubmit={(event) => { event.preventDefault(); add.mutate(); }} aria-label="Internal note">
      <Stack gap="xs">
        <Textarea label="Internal note" description="Only your team sees it; never emailed" autosize minRows={2} value={text} onChange={(event) => setText(event.currentTarget.value)} required error={fieldError(add.error, 'text')} />
        <Group>
          <Button type="submit" variant="light" color="yellow" loading={add.isPending}>Add note</Button>
        </Group>
        {generalError(add.error, ['text']) && <Alert color="red" role="alert">{generalError(add.error, ['text'])}</Alert>}
      </Stack>
    </form>
  );
}
