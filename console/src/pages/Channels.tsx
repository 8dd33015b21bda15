/** Inbox settings → Email: connected inboxes with what forwarding needs, drafts to finish, and the wizard's entry. */
import { Accordion, Alert, Anchor, Badge, Button, Card, Code, CopyButton, Group, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { Channel, Schemas } from '../api/client';
import { useChannels, useInboxes, useInboxHealth } from '../api/queries';
import { navigate } from '../routes';

export function Channels({ isAdmin }: { isAdmin: boolean }) {
  const channels = useChannels();
  const inboxes = useInboxes();
  const drafts = (inboxes.data ?? []).filter((inbox) => inbox.status === 'draft');
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={1} size="h2">Inbox settings</Title>
          <Text c="dimmed">Email</Text>
        </div>
        {isAdmin && <Button onClick={() => navigate('/connect')}>Connect a team email</Button>}
      </Group>
      {channels.error && <Alert color="red" role="alert">{channels.error.message}</Alert>}
      {channels.data?.length === 0 && <Text>No team email is connected yet.</Text>}
      {channels.data?.map((channel) => <ChannelCard key={channel.inboxId} channel={channel} />)}
      {isAdmin && drafts.length > 0 && (
        <Stack gap="xs">
          <Title order={2} size="h4">Not finished</Title>
          {drafts.map((draft) => (
            <Group key={draft.inboxId}>
              <Text>{draft.name}</Text>
              <Button size="xs" variant="light" onClick={() => navigate(`/connect/${draft.inboxId}`)} aria-label={`Continue setting up ${draft.name}`}>Continue setup</Button>
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function ChannelCard({ channel }: { channel: Channel }) {
  const confirmation = channel.forwardingConfirmation;
  return (
    <Card withBorder component="section" aria-label={`Channel ${channel.name}`} data-testid="channel">
      <Group justify="space-between">
        <Title order={2} size="h4">{channel.name}</Title>
        <Badge color="green" variant="light">Connected</Badge>
      </Group>
      <Group mt="xs" gap="xs">
        <Text size="sm">Forwarding address:</Text>
        <Code>{channel.forwardingAddress}</Code>
        <CopyButton value={channel.forwardingAddress}>
          {({ copied, copy }) => <Button size="compact-xs" variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}
        </CopyButton>
      </Group>
      {channel.senderAddress && <Text size="sm" mt={4}>Replies are sent from {channel.senderAddress}</Text>}
      <ChannelHealth inboxId={channel.inboxId} name={channel.name} />
      {confirmation ? (
        <Alert mt="sm" color="blue" title="Gmail asked to confirm forwarding" data-testid="gmail-confirmation">
          <Text size="sm">
            {confirmation.requestedBy ? `${confirmation.requestedBy} wants to forward here. ` : ''}Confirmation code: <Code fw={700}>{confirmation.code ?? 'none in the mail'}</Code>
          </Text>
          {confirmation.link && <Anchor href={confirmation.link} target="_blank" rel="noreferrer noopener" size="sm">Open Gmail's confirmation link</Anchor>}
          <Text size="xs" c="dimmed">Received {new Date(confirmation.receivedAt).toLocaleString()}</Text>
        </Alert>
      ) : (
        <Text size="sm" c="dimmed" mt="sm">No Gmail confirmation received yet.</Text>
      )}
      <Accordion mt="sm" variant="contained">
        <Accordion.Item value="how">
          <Accordion.Control>How to forward your team email here</Accordion.Control>
          <Accordion.Panel>
            <List size="sm" spacing="xs">
              <List.Item><b>Gmail:</b> Settings → Forwarding and POP/IMAP → Add a forwarding address; paste the address, then enter the confirmation code shown above.</List.Item>
              <List.Item><b>Outlook / Microsoft 365:</b> Settings → Mail → Forwarding → Enable forwarding, or a mail-flow rule that redirects to the address.</List.Item>
              <List.Item><b>Google Groups:</b> add the address as a member of the group (Members → Add members → Directly add).</List.Item>
              <List.Item><b>Aliases:</b> point the alias (or the domain's routing) at the address; the original recipient is kept.</List.Item>
            </List>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Card>
  );
}

type AuthenticationRate = Schemas['InboxHealth']['last7Days']['authentication']['spf'];

const rate = ({ judged, passed, passRate }: AuthenticationRate) => (passRate === null ? 'nothing judged' : `${Math.round(passRate * 100)}% (${passed} of ${judged})`);

/** The inbox's health (`GET /inboxes/{id}/health`): is mail arriving, how much was held, does it authenticate. */
function ChannelHealth({ inboxId, name }: { inboxId: string; name: string }) {
  const health = useInboxHealth(inboxId);
  if (health.error) return <Alert mt="sm" color="red" role="alert">Health: {health.error.message}</Alert>;
  if (!health.data) return null;
  const { lastReceivedAt, last24Hours: day, last7Days: week } = health.data;
  return (
    <Stack gap={4} mt="sm" data-testid="channel-health" aria-label={`Health of ${name}`} component="section">
      <Title order={3} size="h6">Health</Title>
      <Text size="sm">Last message received: {lastReceivedAt ? new Date(lastReceivedAt).toLocaleString() : 'none yet'}</Text>
      <Text size="sm">Last 24 hours: {day.received} received, {day.stored} stored, {day.quarantined} quarantined</Text>
      <SimpleGrid cols={3} spacing="xs" maw={560}>
        <Text size="sm">SPF: {rate(week.authentication.spf)}</Text>
        <Text size="sm">DKIM: {rate(week.authentication.dkim)}</Text>
        <Text size="sm">DMARC: {rate(week.authentication.dmarc)}</Text>
      </SimpleGrid>
      <Text size="xs" c="dimmed">Pass rates of the mail received over the last 7 days, as SES judged it.</Text>
    </Stack>
  );
}
