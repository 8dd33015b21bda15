/** Settings → Trusted forwarders (admins): per inbox, whose forwards may name their inner sender. */
import { useState } from 'react';
import { Alert, Button, Card, Group, Stack, Switch, TagsInput, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { keys, useInboxes } from '../api/queries';
import { useApi } from '../auth/session';

export function TrustedForwarders() {
  const inboxes = useInboxes();
  return (
    <Stack>
      <Title order={1} size="h2">Trusted forwarders</Title>
      <Text c="dimmed" maw={720}>A forward names its original sender as the contact only when the forwarder is trusted and its mail authenticated. Everyone else's forwards are attributed to the forwarder.</Text>
      {inboxes.data?.map((inbox) => <InboxForwarders key={`${inbox.inboxId}:${inbox.version}`} inbox={inbox} />)}
    </Stack>
  );
}

function InboxForwarders({ inbox }: { inbox: Inbox }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [addresses, setAddresses] = useState(inbox.trustedForwarders);
  const [membersTrusted, setMembersTrusted] = useState(inbox.membersTrusted);
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/inboxes/{inboxId}/trusted-forwarders', { params: { path: { inboxId: inbox.inboxId } }, body: { addresses, membersTrusted } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.inboxes }),
  });
  return (
    <Card withBorder component="section" aria-label={`Trusted forwarders of ${inbox.name}`}>
      <form onSubmit={(event) => { event.preventDefault(); save.mutate(); }}>
        <Stack gap="sm">
          <Text fw={600}>{inbox.name} <Text span c="dimmed" size="sm">({inbox.forwardingAddress})</Text></Text>
          <Switch label="Members of the account are trusted" checked={membersTrusted} onChange={(event) => setMembersTrusted(event.currentTarget.checked)} />
          <TagsInput label="Other trusted forwarder addresses" description="Type an address and press Enter" value={addresses} onChange={setAddresses} error={fieldError(save.error, 'addresses')} />
          <Group><Button type="submit" loading={save.isPending}>Save</Button>{save.isSuccess && <Text size="sm" fw={600}>Saved</Text>}</Group>
          {generalError(save.error, ['addresses', 'membersTrusted']) && <Alert color="red" role="alert">{generalError(save.error, ['addresses', 'membersTrusted'])}</Alert>}
        </Stack>
      </form>
    </Card>
  );
}
