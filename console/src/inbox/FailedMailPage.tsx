/**
 * An inbox's failed mail (admins only): messages that reached the inbox but could not be stored — retrying
 * could not help — newest first, each with its reason in plain words above the error it was recorded with.
 */
import { Stack, Table, Text } from '@mantine/core';
import { useFailedMail } from '../api/queries';
import { PagedList } from '../ui/PagedList';
import { PageTitle } from '../ui/PageTitle';
import { senderOf } from './mailbox';

/** The failures the inbound chain records for an inbox (functions/inbound/domain/errors.ts and its adapters), first match wins. */
const REASONS_IN_WORDS: readonly { readonly pattern: RegExp; readonly words: string }[] = [
  { pattern: /Item size has exceeded/i, words: 'Too large to store: the message is over the size the database keeps for one item.' },
  { pattern: /MIME parse failed/, words: 'Not a readable email: its MIME structure could not be parsed.' },
  { pattern: /raw object .* does not exist/, words: 'The raw message was no longer in the mail bucket.' },
  { pattern: /DynamoDB refused the transaction/, words: 'The database refused to store it.' },
];

const inWords = (reason: string) => REASONS_IN_WORDS.find(({ pattern }) => pattern.test(reason))?.words ?? 'It could not be stored.';

export function FailedMailPage({ inboxId, inboxName }: { inboxId: string; inboxName: string | undefined }) {
  const pages = useFailedMail(inboxId);
  const items = pages.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Stack>
      <div>
        <PageTitle>Failed mail</PageTitle>
        <Text c="dimmed">{inboxName ? `${inboxName}: ` : ''}mail that reached the inbox but could not be stored, newest first</Text>
      </div>
      <PagedList pages={pages} count={items.length} what="the failed mail" empty="No failed mail.">
        <Table verticalSpacing="sm" aria-label="Failed mail">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Received</Table.Th><Table.Th>From</Table.Th><Table.Th>Subject</Table.Th><Table.Th>Why it failed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              // The API gives failed records no id; arrival time and reason tell them apart.
              <Table.Tr key={`${item.receivedAt} ${item.reason}`} data-testid="failed-row">
                <Table.Td><Text size="sm">{new Date(item.receivedAt).toLocaleString()}</Text></Table.Td>
                <Table.Td><Text size="sm">{senderOf(item.from)}</Text></Table.Td>
                <Table.Td maw={320}><Text size="sm" fw={600}>{item.subject || '(no subject)'}</Text></Table.Td>
                <Table.Td maw={420}>
                  <Text size="sm">{inWords(item.reason)}</Text>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>{item.reason}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </PagedList>
    </Stack>
  );
}
