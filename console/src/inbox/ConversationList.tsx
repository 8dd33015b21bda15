/** One view's conversations, most recent activity first, a page at a time ("Load more"), polled for new mail. */
import { Anchor, Badge, Group, Stack, Table, Text } from '@mantine/core';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Schemas } from '../api/client';
import { InboxViewName, useInboxView, useMyConversations } from '../api/queries';
import { useUserNames } from './people';
import { PagedList } from '../ui/PagedList';
import { PageTitle } from '../ui/PageTitle';
import { INBOX_VIEWS, paths } from './views';

type Pages = UseInfiniteQueryResult<InfiniteData<{ conversations: Schemas['ConversationSummary'][]; cursor?: string }>>;

export function InboxViewPage({ inboxId, inboxName, view }: { inboxId: string; inboxName: string | undefined; view: InboxViewName }) {
  const link = INBOX_VIEWS.find((candidate) => candidate.view === view)!;
  return <ConversationList title={link.label} subtitle={inboxName} empty={link.empty} pages={useInboxView(inboxId, view)} />;
}

export function MyConversationsPage() {
  return <ConversationList title="Assigned to me" subtitle="Open conversations assigned to you, in every inbox" empty="Nothing is assigned to you." pages={useMyConversations()} />;
}

function ConversationList({ title, subtitle, empty, pages }: { title: string; subtitle: string | undefined; empty: string; pages: Pages }) {
  const nameOf = useUserNames();
  const conversations = pages.data?.pages.flatMap((page) => page.conversations) ?? [];
  return (
    <Stack>
      <div>
        <PageTitle>{title}</PageTitle>
        {subtitle && <Text c="dimmed">{subtitle}</Text>}
      </div>
      <PagedList pages={pages} count={conversations.length} what="the conversations" empty={empty}>
        <Table highlightOnHover verticalSpacing="sm" aria-label={`${title} conversations`}>
          <Table.Thead>
            <Table.Tr><Table.Th>Conversation</Table.Th><Table.Th>Contact</Table.Th><Table.Th>Assignee</Table.Th><Table.Th>Last activity</Table.Th></Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {conversations.map((conversation) => (
              <Table.Tr key={conversation.conversationId} data-testid="conversation-row">
                <Table.Td maw={520}>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor href={`#${paths.conversation(conversation.conversationId)}`} fw={600}>{conversation.subject || '(no subject)'}</Anchor>
                    {conversation.status === 'closed' && <Badge size="xs" variant="light" color="gray">closed</Badge>}
                    {conversation.messageCount > 1 && <Badge size="xs" variant="light" color="blue" aria-label={`${conversation.messageCount} messages`}>{conversation.messageCount}</Badge>}
                  </Group>
                  <Text size="sm" c="dimmed" lineClamp={1}>{conversation.snippet}</Text>
                </Table.Td>
                <Table.Td><Text size="sm">{conversation.contact.name ?? conversation.contact.email}</Text>{conversation.contact.name && <Text size="xs" c="dimmed">{conversation.contact.email}</Text>}</Table.Td>
                <Table.Td><Text size="sm">{conversation.assigneeId ? nameOf(conversation.assigneeId) : 'Unassigned'}</Text></Table.Td>
                <Table.Td><Text size="sm">{new Date(conversation.lastMessageAt).toLocaleString()}</Text></Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </PagedList>
    </Stack>
  );
}
