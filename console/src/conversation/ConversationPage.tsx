/** A conversation: the thread with reply and note, and beside it the assignee and status, the contact and the ticket. */
import { useState } from 'react';
import { Alert, Anchor, Badge, Grid, Group, Loader, Stack, Switch, Tabs, Text } from '@mantine/core';
import { useConversation } from '../api/queries';
import { paths } from '../inbox/views';
import { PageTitle } from '../ui/PageTitle';
import { ContactPanel } from './ContactPanel';
import { ConversationActions } from './ConversationActions';
import { NoteForm } from './NoteForm';
import { ReplyForm } from './ReplyForm';
import { Thread } from './Thread';
import { TicketPanel } from './TicketPanel';

export function ConversationPage({ conversationId, inboxName }: { conversationId: string; inboxName: (inboxId: string) => string | undefined }) {
  const [remoteImages, setRemoteImages] = useState(false);
  const conversation = useConversation(conversationId, remoteImages);
  if (conversation.error) return <Alert color="red" role="alert" title="Could not load the conversation">{conversation.error.message}</Alert>;
  if (!conversation.data) return <Loader aria-label="Loading the conversation" />;
  const { data } = conversation;
  return (
    <Stack>
      <div>
        <Group gap="xs">
          <PageTitle>{data.subject || '(no subject)'}</PageTitle>
          <Badge variant="light" color={data.status === 'open' ? 'green' : 'gray'}>{data.status}</Badge>
        </Group>
        <Text c="dimmed" size="sm">
          {data.contact.name ? `${data.contact.name} <${data.contact.email}>` : data.contact.email} · {data.messageCount} {data.messageCount === 1 ? 'message' : 'messages'} ·{' '}
          <Anchor size="sm" underline="always" href={`#${paths.view(data.inboxId, 'open')}`}>{inboxName(data.inboxId) ?? 'Inbox'}</Anchor>
        </Text>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            {(remoteImages || data.entries.some((entry) => entry.kind === 'message' && entry.html?.includes('data-blocked-src'))) && (
              <Switch
                label="Show remote images"
                description="Blocked by default: loading them tells the sender that the mail was read"
                checked={remoteImages}
                onChange={(event) => setRemoteImages(event.currentTarget.checked)}
              />
            )}
            <Thread conversationId={conversationId} entries={data.entries} />
            <Tabs defaultValue="reply">
              <Tabs.List>
                <Tabs.Tab value="reply">Reply</Tabs.Tab>
                <Tabs.Tab value="note">Note</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="reply" pt="sm"><ReplyForm conversationId={conversationId} /></Tabs.Panel>
              <Tabs.Panel value="note" pt="sm"><NoteForm conversationId={conversationId} /></Tabs.Panel>
            </Tabs>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <ConversationActions conversationId={conversationId} assigneeId={data.assigneeId} status={data.status} />
            <ContactPanel contactId={data.contact.contactId} conversationId={conversationId} />
            {data.ticketId && <TicketPanel ticketId={data.ticketId} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
