/** The forwarding address: copy it, or customize its local part (a dialog) while the inbox is a draft. */
import { useState } from 'react';
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { useApi } from '../auth/session';
import { useSaveInbox } from './useSaveInbox';

export function ForwardingStep({ inbox }: { inbox: Inbox }) {
  const api = useApi();
  const [localPart, domain] = inbox.forwardingAddress.split('@');
  const [dialogOpen, dialog] = useDisclosure(false);
  const [draft, setDraft] = useState(localPart);
  const save = useSaveInbox(
    inbox.inboxId,
    (body: { localPart: string }) => unwrap(api.PUT('/inboxes/{inboxId}/forwarding-address', { params: { path: { inboxId: inbox.inboxId } }, body })),
    dialog.close,
  );
  return (
    <Stack maw={640}>
      <Text>Forward your team email to this address. Everything sent to it lands in the shared inbox.</Text>
      <Group>
        <Code fz="md" data-testid="forwarding-address">{inbox.forwardingAddress}</Code>
        <CopyButton value={inbox.forwardingAddress}>
          {({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}
        </CopyButton>
        <Button variant="default" onClick={() => { setDraft(localPart); save.reset(); dialog.open(); }} disabled={!inbox.setup.forwardingAddressEditable}>Customize</Button>
      </Group>
      <Alert color="orange" title="This address cannot change after this step">
        Once you finish, the forwarding address is fixed: your forwarding rules depend on it.
      </Alert>
      <Modal opened={dialogOpen} onClose={dialog.close} title="Customize the forwarding address" closeButtonProps={{ 'aria-label': 'Close the dialog' }}>
        <form onSubmit={(event) => { event.preventDefault(); save.mutate({ localPart: draft.trim() }); }}>
          <Stack>
            <TextInput label="Address" value={draft} onChange={(event) => setDraft(event.currentTarget.value)} rightSection={<Text size="sm" c="dimmed" pr="sm">@{domain}</Text>} rightSectionWidth={domain.length * 8 + 24} data-autofocus
              error={fieldError(save.error, 'localPart') ?? generalError(save.error, ['localPart'])} />
            <Group justify="flex-end">
              <Button variant="default" onClick={dialog.close}>Cancel</Button>
              <Button type="submit" loading={save.isPending}>Save</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}
