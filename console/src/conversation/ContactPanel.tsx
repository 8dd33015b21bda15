/** The contact: who they are (the name editable), their owner (what contact-owner assignment uses; changeable), and their other conversations (a page at a time). */
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { generalError, unwrap } from '../api/client';
import { inboxKeys, useContact, useContactConversations } from '../api/queries';
import { useApi } from '../auth/session';
import { UserPicker } from '../inbox/UserPicker';
import { paths } from '../inbox/views';
import { ContactName } from './ContactName';

export function ContactPanel({ contactId, conversationId }: { contactId: string; conversationId: string }) {
  const contact = useContact(contactId);
  const conversations = useContactConversations(contactId);
  const api = useApi();
  const queryClient = useQueryClient();
  const setOwner = useMutation({
    mutationFn: (ownerId: string | null) => unwrap(api.PUT('/contacts/{contactId}/owner', { params: { path: { contactId } }, body: { ownerId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKeys.contact(contactId) }),
  });
  const others = (conversations.data?.pages.flatMap((page) => page.conversations) ?? []).filter((other) => other.conversationId !== conversationId);
  return (
    <Card withBorder component="section" aria-labelledby="contact-heading">
      <Title order={2} size="h5" id="contact-heading">Contact</Title>
      {contact.error && <Alert color="red" role="alert">{contact.error.message}</Alert>}
      {contact.data && (
        <Stack gap={2} mt="xs">
          <ContactName contactId={contactId} name={contact.data.name ?? null} email={contact.data.email} />
          <Text size="sm">{contact.data.email}</Text>
          <UserPicker label="Contact owner" nobody="No owner" value={contact.data.ownerId} onChange={(ownerId) => setOwner.mutate(ownerId)} disabled={setOwner.isPending} error={generalError(setOwner.error)} />
        </Stack>
      )}
      <Title order={3} size="h6" mt="md">Other conversations</Title>
      {conversations.error && <Alert color="red" role="alert">{conversations.error.message}</Alert>}
      {conversations.isSuccess && others.length === 0 && <Text size="sm" c="dimmed">None.</Text>}
      <Stack gap={6} mt={4} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {others.map((other) => (
          <li key={other.conversationId}>
            <Group gap="xs" wrap="nowrap">
              <Anchor size="sm" href={`#${paths.conversation(other.conversationId)}`}>{other.subject || '(no subject)'}</Anchor>
              <Badge size="xs" variant="light" color={other.status === 'open' ? 'green' : 'gray'}>{other.status}</Badge>
            </Group>
          </li>
        ))}
      </Stack>
      {conversations.hasNextPage && <Button mt="xs" size="xs" variant="default" onClick={() => conversations.fetchNextPage()} loading={conversations.isFetchingNextPage}>Load more conversations</Button>}
    </Card>
  );
}
