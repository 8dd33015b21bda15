/** A conversation: the thread with reply and note (or, once merged, a link to where it went), and beside it the assignee and status, "Merge into…", the contact and the ticket. */
import { useState } from 'react';
import { Alert, Anchor, Badge, Grid, Group, Loader, Stack, Switch, Tabs, Text } from '@mantine/core';
import { useContact, useConversation } from '../api/queries';
import { paths } from '../inbox/views';
import { PageTitle } from '../ui/PageTitle';
import { ContactPanel } from './ContactPanel';
import { ConversationActions } from './ConversationActions';
import { MergeConversation } from './MergeConversation';
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
          <ContactLabel contact={data.contact} /> · {data.messageCount} {data.messageCount === 1 ? 'message' : 'messages'} ·{' '}
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
            {data.mergedInto ? (
              <Alert color="blue" title="Merged" data-testid="merged-notice">
                This conversation was merged into another; its messages, notes and replies are there.{' '}
                <Anchor href={`#${paths.conversation(data.mergedInto)}`}>Open the conversation it was merged into</Anchor>
              </Alert>
            ) : (
              <Tabs defaultValue="reply">
                <Tabs.List>
                  <Tabs.Tab value="reply">Reply</Tabs.Tab>
                  <Tabs.Tab value="note">Note</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="reply" pt="sm"><ReplyForm conversationId={conversationId} /></Tabs.Panel>
                <Tabs.Panel value="note" pt="sm"><NoteForm conversationId={conversationId} /></Tabs.Panel>
              </Tabs>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            {!data.mergedInto && <ConversationActions conversationId={conversationId} assigneeId={data.assigneeId} status={data.status} />}
            {!data.mergedInto && <MergeConversation conversationId={conversationId} inboxId={data.inboxId} contactId={data.contact.contactId} />}
            <ContactPanel contactId={data.contact.contactId} conversationId={conversationId} />
            {data.ticketId && <TicketPanel ticketId={data.ticketId} />}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** The contact as they are now (the panel's query: a rename shows at once), not as the conversation recorded them when it started. */
function ContactLabel({ contact }: { contact: { contactId: string; email: string; name: string | null } }) {
  const name = useContact(contact.contactId).data?.name ?? contact.name;
  return <>{name ? `${name} <${contact.email}>` : contact.email}</>;
}
