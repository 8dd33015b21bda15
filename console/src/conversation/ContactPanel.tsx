/** The contact: who they are, their owner, and their other conversations (a page at a time). */
import { Alert, Anchor, Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useContact, useContactConversations } from '../api/queries';
import { useUserNames } from '../inbox/people';
import { paths } from '../inbox/views';

export function ContactPanel({ contactId, conversationId }: { contactId: string; conversationId: string }) {
  const contact = useContact(contactId);
  const conversations = useContactConversations(contactId);
  const nameOf = useUserNames();
  const others = (conversations.data?.pages.flatMap((page) => page.conversations) ?? []).filter((other) => other.conversationId !== conversationId);
  return (
    <Card withBorder component="section" aria-labelledby="contact-heading">
      <Title order={2} size="h5" id="contact-heading">Contact</Title>
      {contact.error && <Alert color="red" role="alert">{contact.error.message}</Alert>}
      {contact.data && (
        <Stack gap={2} mt="xs">
          <Text fw={600}>{contact.data.name ?? contact.data.email}</Text>
          <Text size="sm">{contact.data.email}</Text>
          <Text size="sm">Owner: {contact.data.ownerId ? nameOf(contact.data.ownerId) : 'none'}</Text>
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
