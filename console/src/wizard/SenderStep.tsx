/**
 * The sender step: sender name (agent and company, or company only) and sender address (default, or custom
 * verified by a link), saved as they are typed so the API's own From preview shows beside the form.
 */
import { useEffect, useState } from 'react';
import { Alert, Avatar, Badge, Button, Code, Grid, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { useInbox } from '../api/queries';
import { useApi } from '../auth/session';
import { Choices } from '../ui/Choices';
import { useSaveInbox } from './useSaveInbox';

type NameMode = NonNullable<Inbox['senderName']>['mode'];
type AddressMode = NonNullable<Inbox['senderAddress']>['mode'];

const DEBOUNCE_MS = 400;

export function SenderStep({ inbox, domain }: { inbox: Inbox; domain: string }) {
  const api = useApi();
  const path = { params: { path: { inboxId: inbox.inboxId } } };
  const [nameMode, setNameMode] = useState<NameMode>(inbox.senderName?.mode ?? 'agent-and-company');
  const [companyName, setCompanyName] = useState(inbox.senderName?.companyName ?? '');
  const [addressMode, setAddressMode] = useState<AddressMode>(inbox.senderAddress?.mode ?? 'default');
  const [username, setUsername] = useState(inbox.senderAddress?.mode === 'default' ? inbox.senderAddress.username : 'support');
  const [customAddress, setCustomAddress] = useState(inbox.senderAddress?.mode === 'custom' ? inbox.senderAddress.address : '');

  const saveName = useSaveInbox(inbox.inboxId, (body: { mode: NameMode; companyName: string }) => unwrap(api.PUT('/inboxes/{inboxId}/sender-name', { ...path, body })));
  const saveAddress = useSaveInbox(inbox.inboxId, (body: { mode: 'default'; username: string } | { mode: 'custom'; address: string }) =>
    unwrap(api.PUT('/inboxes/{inboxId}/sender-address', { ...path, body })));
  const verify = useSaveInbox(inbox.inboxId, async () => {
    if (inbox.senderAddress?.mode !== 'custom' || inbox.senderAddress.address !== customAddress.trim()) {
      // Inside this save, not a second one: saves of an inbox wait for each other.
      await unwrap(api.PUT('/inboxes/{inboxId}/sender-address', { ...path, body: { mode: 'custom', address: customAddress.trim() } }));
    }
    return unwrap(api.POST('/inboxes/{inboxId}/sender-address/verification', path));
  });

  // Live preview: what was typed is saved once typing pauses, and only when it differs from what is saved.
  const [name] = useDebouncedValue({ mode: nameMode, companyName: companyName.trim() }, DEBOUNCE_MS);
  useEffect(() => {
    if (!name.companyName || (inbox.senderName?.mode === name.mode && inbox.senderName.companyName === name.companyName)) return;
    saveName.mutate(name);
  }, [name.mode, name.companyName]);
  const [defaultUsername] = useDebouncedValue(addressMode === 'default' ? username.trim() : '', DEBOUNCE_MS);
  useEffect(() => {
    if (!defaultUsername || (inbox.senderAddress?.mode === 'default' && inbox.senderAddress.username === defaultUsername)) return;
    saveAddress.mutate({ mode: 'default', username: defaultUsername });
  }, [defaultUsername]);

  const custom = inbox.senderAddress?.mode === 'custom' ? inbox.senderAddress : undefined;
  const pending = Boolean(custom && !custom.verified && custom.verificationSentAt);
  // Poll while a verification link is out, so "Verified" shows once the link is used (in any tab).
  useInbox(inbox.inboxId, pending);
  const verificationError = fieldError(verify.error, 'address') ?? generalError(verify.error);

  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Stack>
          <Choices label="Sender name" description="How your emails are signed in the From line" value={nameMode} onChange={setNameMode}
            choices={[{ value: 'agent-and-company', label: 'Agent and company name' }, { value: 'company', label: 'Company name only' }]} />
          <TextInput label="Company name" value={companyName} onChange={(event) => setCompanyName(event.currentTarget.value)} required error={fieldError(saveName.error, 'companyName') ?? generalError(saveName.error, ['companyName', 'mode'])} />

          <Choices label="Sender address" description="The address your replies come from" value={addressMode} onChange={setAddressMode}
            choices={[{ value: 'default', label: 'Default address (ready to send)' }, { value: 'custom', label: 'Custom address (your own domain, verified by email)' }]} />
          {addressMode === 'default' ? (
            <TextInput label="Username" value={username} onChange={(event) => setUsername(event.currentTarget.value)} rightSection={<Text size="sm" c="dimmed" pr="sm">@{domain}</Text>} rightSectionWidth={domain.length * 8 + 24} required error={fieldError(saveAddress.error, 'username') ?? generalError(saveAddress.error, ['username', 'address'])} />
          ) : (
            <Stack gap="xs">
              <Group align="flex-end" wrap="nowrap">
                <TextInput style={{ flex: 1 }} label="Custom sender address" type="email" value={customAddress} onChange={(event) => setCustomAddress(event.currentTarget.value)} required error={verificationError} />
                <Button onClick={() => verify.mutate()} loading={verify.isPending} disabled={!customAddress.trim()}>Verify</Button>
              </Group>
              {custom && custom.address === customAddress.trim() && (
                custom.verified
                  ? <Badge color="green" variant="light">Verified</Badge>
                  : pending && <Alert color="yellow" title="Verification pending">We emailed a link to {custom.address}. Open it and press Verify; this page updates by itself.</Alert>
              )}
            </Stack>
          )}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <SenderPreview inbox={inbox} />
      </Grid.Col>
    </Grid>
  );
}

/** How the sender appears in a contact's inbox, from the API's `senderPreview` (the From header exactly as sent). */
function SenderPreview({ inbox }: { inbox: Inbox }) {
  const preview = inbox.senderPreview;
  const address = inbox.senderAddress?.address ?? '';
  return (
    <Paper withBorder p="md" radius="md" aria-label="Preview of the sender in a contact's inbox" role="region" data-testid="sender-preview">
      <Title order={3} size="h5" mb="sm">How contacts see your emails</Title>
      {preview ? (
        <Stack gap="xs">
          <Group wrap="nowrap" align="flex-start">
            <Avatar color="blue" radius="xl" aria-hidden>{preview.displayName.slice(0, 1).toUpperCase()}</Avatar>
            <div style={{ minWidth: 0 }}>
              <Text fw={700} truncate>{preview.displayName}</Text>
              <Text size="sm" c="dimmed" truncate>&lt;{address}&gt;</Text>
              <Text size="sm" mt={4}>Re: Your question</Text>
              <Text size="sm" c="dimmed">Thanks for reaching out! …</Text>
            </div>
          </Group>
          <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{preview.header}</Code>
          {!preview.canSend && <Text size="sm" fw={600}>Replies can be sent once the custom address is verified.</Text>}
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">Fill in the company name and sender address to see the preview.</Text>
      )}
    </Paper>
  );
}
