/**
 * An inbox's quarantine: mail the inbound chain held (auto-replies, bounces, spam, …), newest first, with the
 * rule and the header line that decided. Admins release one (it then runs through the chain as a normal
 * message; the outcome links to its conversation) or delete one, each after a confirmation; agents only read.
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Code, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { generalError, Schemas, unwrap } from '../api/client';
import { useQuarantine } from '../api/queries';
import { useApi } from '../auth/session';
import { useRefreshWork } from '../conversation/work';
import { PagedList } from '../ui/PagedList';
import { PageTitle } from '../ui/PageTitle';
import { senderOf } from './mailbox';
import { paths } from './views';

type Item = Schemas['QuarantineItem'];
type Action = { readonly kind: 'release' | 'delete'; readonly item: Item };
type Done = { readonly kind: 'release'; readonly item: Item; readonly result: Schemas['ReleaseResult'] } | { readonly kind: 'delete'; readonly item: Item };

export function QuarantinePage({ inboxId, inboxName, isAdmin }: { inboxId: string; inboxName: string | undefined; isAdmin: boolean }) {
  const pages = useQuarantine(inboxId);
  const api = useApi();
  const refresh = useRefreshWork();
  const [asked, setAsked] = useState<Action>();
  const [done, setDone] = useState<Done>();
  const act = useMutation({
    mutationFn: async ({ kind, item }: Action): Promise<Done> => {
      const path = { params: { path: { inboxId, itemId: item.itemId } } };
      if (kind === 'delete') {
        await unwrap(api.DELETE('/inboxes/{inboxId}/quarantine/{itemId}', path));
        return { kind, item };
      }
      return { kind, item, result: await unwrap(api.POST('/inboxes/{inboxId}/quarantine/{itemId}/release', path)) };
    },
    onSuccess: (result) => {
      setAsked(undefined);
      setDone(result);
    },
    onSettled: refresh,
  });
  const ask = (action: Action) => {
    act.reset();
    setAsked(action);
  };
  const items = pages.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack>
      <div>
        <PageTitle>Quarantine</PageTitle>
        <Text c="dimmed">{inboxName ? `${inboxName}: ` : ''}mail held by the inbox's rules, newest first{isAdmin ? '' : ' (an admin can release or delete it)'}</Text>
      </div>
      {done && <Outcome done={done} />}
      <PagedList pages={pages} count={items.length} what="the quarantine" empty="Nothing is held.">
        <Table verticalSpacing="sm" aria-label="Quarantined mail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Received</Table.Th><Table.Th>From</Table.Th><Table.Th>Subject</Table.Th><Table.Th>Why it was held</Table.Th>
              {isAdmin && <Table.Th>Actions</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.itemId} data-testid="quarantine-row">
                <Table.Td><Text size="sm">{new Date(item.receivedAt).toLocaleString()}</Text></Table.Td>
                <Table.Td><Text size="sm">{senderOf(item.from)}</Text></Table.Td>
                <Table.Td maw={320}><Text size="sm" fw={600}>{item.subject || '(no subject)'}</Text></Table.Td>
                <Table.Td maw={420}>
                  <Group gap={4}>
                    <Badge size="sm" variant="light" color="orange">{item.classification}</Badge>
                    <Code>{item.rule}</Code>
                  </Group>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>{item.evidence}</Text>
                  {item.releaseStarted && (
                    <Text size="xs" c="dimmed">A release started {new Date(item.releaseStarted.releasedAt).toLocaleString()} did not finish: release it again.</Text>
                  )}
                </Table.Td>
                {isAdmin && (
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      {item.releasable
                        ? <Button size="compact-sm" onClick={() => ask({ kind: 'release', item })} aria-label={`Release: ${item.subject || '(no subject)'}`}>Release</Button>
                        : <Text size="xs" c="dimmed">Cannot be released</Text>}
                      <Button size="compact-sm" variant="default" color="red" onClick={() => ask({ kind: 'delete', item })} aria-label={`Delete: ${item.subject || '(no subject)'}`}>Delete</Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </PagedList>
      <Modal opened={Boolean(asked)} onClose={() => setAsked(undefined)} title={asked?.kind === 'delete' ? 'Delete this message?' : 'Release this message?'} closeButtonProps={{ 'aria-label': 'Close the dialog' }}>
        {asked && (
          <Stack>
            <Text size="sm"><b>{asked.item.subject || '(no subject)'}</b> from {senderOf(asked.item.from)}</Text>
            <Text size="sm">
              {asked.kind === 'delete'
                ? 'It leaves the quarantine for good (the raw message stays in the mail bucket until its lifecycle removes it).'
                : `It goes through the inbox's rules again as a normal message, skipping only ${asked.item.rule}, and lands in a conversation.`}
            </Text>
            {act.error && <Alert color="red" role="alert">{generalError(act.error)}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setAsked(undefined)}>Cancel</Button>
              <Button color={asked.kind === 'delete' ? 'red' : undefined} loading={act.isPending} onClick={() => act.mutate(asked)} data-autofocus>
                {asked.kind === 'delete' ? 'Delete' : 'Release'}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

/** What the last release or delete did, in words, with a link to the conversation a release stored. */
function Outcome({ done }: { done: Done }) {
  const subject = done.item.subject || '(no subject)';
  if (done.kind === 'delete') return <Alert color="gray" role="status" data-testid="quarantine-outcome">Deleted “{subject}”.</Alert>;
  const { result } = done;
  const conversation = result.conversationId && <Anchor href={`#${paths.conversation(result.conversationId)}`} c="inherit" underline="always" fw={600}>Open the conversation</Anchor>;
  switch (result.outcome) {
    case 'stored':
      return <Alert color="green" role="status" data-testid="quarantine-outcome">Released “{subject}”: it is now in the inbox. {conversation}</Alert>;
    case 'duplicate':
      return <Alert color="blue" role="status" data-testid="quarantine-outcome">Released “{subject}”: the inbox already had this message. {conversation}</Alert>;
    case 'quarantined':
      return <Alert color="orange" role="status" data-testid="quarantine-outcome">Released “{subject}”, but another rule held it again ({result.reason}): it is back in this list.</Alert>;
    case 'failed':
      return <Alert color="red" role="status" data-testid="quarantine-outcome">Released “{subject}”, but it could not be stored: {result.reason}</Alert>;
  }
}
