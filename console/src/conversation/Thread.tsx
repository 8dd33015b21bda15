/** The thread, oldest first: messages (new text first, quoted history folded) and internal notes. */
import { Alert, Anchor, Badge, Button, Code, Collapse, Group, List, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Schemas } from '../api/client';
import { useUserNames } from '../inbox/people';
import { MessageHtml } from './MessageHtml';
import { Reattribute } from './Reattribute';
import { RetryReply } from './RetryReply';

type Entry = Schemas['Message'] | Schemas['Note'];

/** The attribution rules (a contract of the inbound chain, `functions/inbound/domain/outcome.ts`) in words. */
const ATTRIBUTION_WORDS: Record<string, string> = {
  'from-header': 'the sender in From',
  'auto-forward': 'an automatic forward that kept the original From',
  'x-original-sender': 'Google Groups named the sender (X-Original-Sender)',
  'inline-forward': "a trusted colleague's forward: the sender in the forwarded block",
  'attached-forward': "a trusted colleague's forward: the sender of the attached original",
  'untrusted-forwarder': 'forwarded by someone not trusted: the forwarder stays the contact',
  'forwarder-failed-authentication': "the forwarder's mail did not authenticate: the forwarder stays the contact",
};

export function Thread({ conversationId, entries }: { conversationId: string; entries: readonly Entry[] }) {
  return (
    <Stack gap="sm" component="ol" aria-label="Messages and notes" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {entries.map((entry) => (
        <li key={entry.kind === 'note' ? entry.noteId : entry.messageId}>
          {entry.kind === 'note' ? <NoteCard note={entry} /> : <MessageCard conversationId={conversationId} message={entry} />}
        </li>
      ))}
    </Stack>
  );
}

function NoteCard({ note }: { note: Schemas['Note'] }) {
  const nameOf = useUserNames();
  return (
    <Paper withBorder p="md" bg="yellow.0" data-testid="note">
      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={600}>Internal note by {nameOf(note.authorId)}</Text>
        <Text size="xs" c="dimmed">{new Date(note.at).toLocaleString()}</Text>
      </Group>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{note.text}</Text>
    </Paper>
  );
}

const person = (who: { email: string; name: string | null }) => (who.name ? `${who.name} <${who.email}>` : who.email);
const people = (list: readonly { email: string; name: string }[]) => list.map(person).join(', ');

function MessageCard({ conversationId, message }: { conversationId: string; message: Schemas['Message'] }) {
  const nameOf = useUserNames();
  const [expanded, fold] = useDisclosure(false);
  const hasMore = Boolean(message.html) || message.text.trim() !== message.newText.trim();
  const foldId = `full-${message.messageId}`;
  return (
    <Paper withBorder p="md" data-testid="message" data-direction={message.direction}>
      <Group justify="space-between" align="flex-start" mb={4}>
        <div>
          <Text fw={600}>{message.from.name || message.from.email} <Text span size="sm" c="dimmed">&lt;{message.from.email}&gt;</Text></Text>
          {message.to.length > 0 && <Text size="xs" c="dimmed">To: {people(message.to)}{message.cc.length > 0 && ` · Cc: ${people(message.cc)}`}</Text>}
        </div>
        <Group gap="xs">
          {message.direction === 'outbound' && <Badge variant="light" color={message.delivery?.status === 'failed' ? 'red' : 'blue'}>{message.delivery?.status === 'failed' ? 'Not sent' : `Sent by ${message.sentBy ? nameOf(message.sentBy) : 'the team'}`}</Badge>}
          <Text size="xs" c="dimmed">{new Date(message.at).toLocaleString()}</Text>
        </Group>
      </Group>
      {message.direction === 'inbound' && message.attribution && (
        <Stack gap={4} mb="xs" data-testid="attribution">
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Text size="xs" c="dimmed">
              Why this contact: {ATTRIBUTION_WORDS[message.attribution.rule] ?? message.attribution.rule} (<Code>{message.attribution.rule}</Code>) — {message.attribution.evidence}
              {message.forwardedBy && ` · forwarded by ${message.forwardedBy}`}
            </Text>
            <Reattribute message={message} />
          </Group>
          {message.correction && (
            <Text size="xs" data-testid="correction">
              Moved to {person(message.correction.contact)} by {nameOf(message.correction.by)} on {new Date(message.correction.at).toLocaleString()} (previously {person(message.correction.previousContact)})
              {message.correction.trustedForwarder && ` · ${message.correction.trustedForwarder} is now a trusted forwarder`}
            </Text>
          )}
        </Stack>
      )}
      {message.delivery?.status === 'failed' && (
        <Alert color="red" mb="xs" title="This reply was not sent">
          {message.delivery.reason ?? 'The email service refused it.'} <RetryReply conversationId={conversationId} messageId={message.messageId} />
        </Alert>
      )}
      <Text style={{ whiteSpace: 'pre-wrap' }}>{message.newText || message.text || '(no text)'}</Text>
      {hasMore && (
        <>
          <Button variant="light" size="compact-sm" mt="xs" onClick={fold.toggle} aria-expanded={expanded} aria-controls={foldId}>
            {expanded ? 'Hide the full message' : 'Show the full message (quoted history)'}
          </Button>
          <Collapse expanded={expanded} id={foldId}>
            {expanded && (message.html
              ? <MessageHtml html={message.html} title={`Full message from ${message.from.email}`} />
              : <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>{message.text}</Text>)}
          </Collapse>
        </>
      )}
      {message.attachments.length > 0 && (
        <List size="sm" mt="xs" aria-label="Attachments">
          {message.attachments.map((attachment) => (
            <List.Item key={attachment.index}>
              {attachment.url
                ? <Anchor href={attachment.url} download={attachment.filename} rel="noreferrer noopener">{attachment.filename}</Anchor>
                : <Text span>{attachment.filename} (not available)</Text>}
              <Text span size="xs" c="dimmed"> {formatSize(attachment.size)}</Text>
            </List.Item>
          ))}
        </List>
      )}
    </Paper>
  );
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
