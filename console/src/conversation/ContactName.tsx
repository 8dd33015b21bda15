/** A contact's name, editable in place (`PATCH /contacts/{id}`); a refusal in words under the field; afterwards the panel, the conversation and the lists are read again. */
import { useState } from 'react';
import { Alert, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { fieldError, generalError, unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { useRefreshWork } from './work';

export function ContactName({ contactId, name, email }: { contactId: string; name: string | null; email: string }) {
  const api = useApi();
  const refresh = useRefreshWork();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const rename = useMutation({
    mutationFn: () => unwrap(api.PATCH('/contacts/{contactId}', { params: { path: { contactId } }, body: { name: draft.trim() } })),
    onSuccess: async () => {
      setEditing(false);
      await refresh();
    },
  });
  if (!editing) {
    return (
      <Group gap="xs" justify="space-between" wrap="nowrap">
        <Text fw={600}>{name ?? email}</Text>
        <Button size="compact-xs" variant="light" onClick={() => { setDraft(name ?? ''); rename.reset(); setEditing(true); }} aria-label={`Edit name: ${name ?? email}`}>Edit name</Button>
      </Group>
    );
  }
  const general = generalError(rename.error, ['name']);
  return (
    <form onSubmit={(event) => { event.preventDefault(); rename.mutate(); }}>
      <Stack gap="xs">
        <TextInput label="Contact name" value={draft} onChange={(event) => setDraft(event.currentTarget.value)} error={fieldError(rename.error, 'name')} data-autofocus autoFocus />
        {general && <Alert color="red" role="alert">{general}</Alert>}
        <Group gap="xs">
          <Button size="xs" type="submit" loading={rename.isPending}>Save name</Button>
          <Button size="xs" variant="default" onClick={() => setEditing(false)}>Cancel</Button>
        </Group>
      </Stack>
    </form>
  );
}
