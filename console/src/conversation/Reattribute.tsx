/**
 * One-click re-attribution: "this message is not from who the chain said". A dialog moves an inbound message to
 * another contact (`POST /messages/{id}/attribution`), prefilled with the sender the chain set aside; admins may
 * also trust the forwarder. Refusals in words next to the field they concern; afterwards the thread, the
 * contact panel and the lists are read again.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { ApiError, fieldError, generalError, Schemas, unwrap } from '../api/client';
import { useApi, useMe } from '../auth/session';
import { useRefreshWork } from './work';

/** Rules of a manual forward: the message has a forwarder that could be trusted. */
const FORWARD_RULES = new Set(['inline-forward', 'attached-forward', 'untrusted-forwarder', 'forwarder-failed-authentication']);
/** The API's refusals of "always trust this forwarder" (409): shown under the checkbox. */
const TRUST_REFUSALS = new Set(['no_forwarder', 'forwarder_not_authenticated', 'trusted_forwarders_full', 'forwarder_not_trustable']);
const FIELDS = ['email', 'name'];

const trustError = (error: unknown) => (error instanceof ApiError && TRUST_REFUSALS.has(error.code) ? error.message : undefined);

export function Reattribute({ message }: { message: Schemas['Message'] }) {
  const api = useApi();
  const me = useMe();
  const refresh = useRefreshWork();
  const [opened, dialog] = useDisclosure(false);
  const candidate = message.attribution?.candidate;
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [trust, setTrust] = useState(false);
  const move = useMutation({
    mutationFn: () => unwrap(api.POST('/messages/{messageId}/attribution', {
      params: { path: { messageId: message.messageId } },
      body: { email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}), ...(trust ? { trustForwarder: true } : {}) },
    })),
    onSuccess: async () => {
      dialog.close();
      await refresh();
    },
  });
  const open = () => {
    setEmail(candidate?.email ?? '');
    setName(candidate?.name ?? '');
    setTrust(false);
    move.reset();
    dialog.open();
  };
  const mayTrust = me.data?.user.role === 'admin' && FORWARD_RULES.has(message.attribution?.rule ?? '');
  const general = trustError(move.error) ? undefined : generalError(move.error, FIELDS);
  return (
    <>
      <Button size="compact-xs" variant="light" style={{ flexShrink: 0 }} onClick={open} aria-label={`Change contact: message from ${message.from.email}`}>Change contact</Button>
      <Modal opened={opened} onClose={dialog.close} title="Move this message to another contact" closeButtonProps={{ 'aria-label': 'Close the dialog' }}>
        <form onSubmit={(event) => { event.preventDefault(); move.mutate(); }}>
          <Stack>
            <Text size="sm">
              {candidate
                ? `The forwarded message names ${candidate.name ? `${candidate.name} <${candidate.email}>` : candidate.email}, whom the inbox did not believe.`
                : 'The message, and its conversation when it started it, move to the contact of this address (created if new).'}
            </Text>
            <TextInput label="Contact email" inputMode="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.currentTarget.value)} error={fieldError(move.error, 'email')} data-autofocus />
            <TextInput label="Contact name" description="For a new contact; an existing one keeps their name" value={name} onChange={(event) => setName(event.currentTarget.value)} error={fieldError(move.error, 'name')} />
            {mayTrust && (
              <Checkbox
                label="Always trust this forwarder"
                description="Their next forwards are filed under the sender they name"
                checked={trust}
                onChange={(event) => setTrust(event.currentTarget.checked)}
                error={trustError(move.error)}
              />
            )}
            {general && <Alert color="red" role="alert">{general}</Alert>}
            <Group justify="flex-end">
              <Button variant="default" onClick={dialog.close}>Cancel</Button>
              <Button type="submit" loading={move.isPending}>Move message</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
