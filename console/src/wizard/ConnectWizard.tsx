/**
 * Inbox settings → Email → Connect a team email: HubSpot's hosted-email steps. The first two choose the kind
 * of account and start a draft inbox; every later step saves through the wizard API, and Finish connects it.
 */
import { useRef, useState } from 'react';
import { Alert, Button, Group, Loader, Paper, Stack, Stepper, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { keys, useInbox } from '../api/queries';
import { useApi } from '../auth/session';
import { navigate } from '../routes';
import { Choices } from '../ui/Choices';
import { AssignmentStep } from './AssignmentStep';
import { ForwardingStep } from './ForwardingStep';
import { SenderStep } from './SenderStep';
import type { StepHandle } from './steps';
import { TicketsStep } from './TicketsStep';

const STEPS = ['Account type', 'Email provider', 'Sender', 'Auto-assignment', 'Tickets', 'Forwarding'] as const;
const FIRST_INBOX_STEP = 2;

export function ConnectWizard({ inboxId }: { inboxId?: string }) {
  const [step, setStep] = useState(inboxId ? FIRST_INBOX_STEP : 0);
  const inbox = useInbox(inboxId);
  return (
    <Stack>
      <Title order={1} size="h2">Connect a team email</Title>
      <Stepper active={step} size="sm" allowNextStepsSelect={false} onStepClick={setStep}>
        {STEPS.map((label) => <Stepper.Step key={label} label={label} />)}
      </Stepper>
      <Paper withBorder p="lg">
        {step === 0 && <AccountTypeStep onNext={() => setStep(1)} />}
        {step === 1 && <ProviderStep onBack={() => setStep(0)} onCreated={(created) => { navigate(`/connect/${created.inboxId}`); setStep(FIRST_INBOX_STEP); }} />}
        {step >= FIRST_INBOX_STEP && (inbox.data ? <InboxSteps inbox={inbox.data} step={step} setStep={setStep} /> : inbox.error ? <Alert color="red" role="alert">{inbox.error.message}</Alert> : <Loader aria-label="Loading the inbox" />)}
      </Paper>
    </Stack>
  );
}

function AccountTypeStep({ onNext }: { onNext: () => void }) {
  const [answer, setAnswer] = useState('shared');
  return (
    <Stack>
      <Choices label="Is this a shared account?" description="A team address such as support@ or info@ that several people answer" value={answer} onChange={setAnswer} choices={[
        { value: 'shared', label: "Yes, it's a shared account" },
        { value: 'personal', label: "No, it's my personal email (not supported: connect the team address you forward)", disabled: true },
      ]} />
      <Group justify="flex-end"><Button onClick={onNext}>Next</Button></Group>
    </Stack>
  );
}

function ProviderStep({ onBack, onCreated }: { onBack: () => void; onCreated: (inbox: Inbox) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [provider, setProvider] = useState('other');
  const [name, setName] = useState('Support');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/inboxes', { body: { name: name.trim(), channel: 'team-email', accountType: 'shared', provider: 'other' } })),
    onSuccess: (inbox) => {
      queryClient.setQueryData(keys.inbox(inbox.inboxId), inbox);
      void queryClient.invalidateQueries({ queryKey: keys.inboxes });
      onCreated(inbox);
    },
  });
  return (
    <form onSubmit={(event) => { event.preventDefault(); create.mutate(); }}>
      <Stack>
        <Choices label="Which email provider does the team use?" value={provider} onChange={setProvider} choices={[
          { value: 'gmail', label: 'Gmail (direct connection not supported: choose Other and forward)', disabled: true },
          { value: 'office365', label: 'Office 365 (direct connection not supported: choose Other and forward)', disabled: true },
          { value: 'other', label: 'Other email account' },
        ]} />
        <TextInput label="Inbox name" description="What your team sees in the inbox list" value={name} onChange={(event) => setName(event.currentTarget.value)} required
          error={fieldError(create.error, 'name') ?? generalError(create.error, ['name'])} />
        <Group justify="space-between">
          <Button variant="default" onClick={onBack}>Back</Button>
          <Button type="submit" loading={create.isPending}>Next</Button>
        </Group>
      </Stack>
    </form>
  );
}

function InboxSteps({ inbox, step, setStep }: { inbox: Inbox; step: number; setStep: (step: number) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = useRef<StepHandle>(null);
  const [saving, setSaving] = useState(false);
  const connect = useMutation({
    mutationFn: () => unwrap(api.POST('/inboxes/{inboxId}/connect', { params: { path: { inboxId: inbox.inboxId } } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.channels });
      await queryClient.invalidateQueries({ queryKey: keys.inboxes });
      navigate('/channels');
    },
  });
  const next = async () => {
    setSaving(true);
    try {
      await current.current?.save();
      setStep(step + 1);
    } catch {
      // the step shows the API's words next to the field
    } finally {
      setSaving(false);
    }
  };
  const senderMissing = inbox.setup.missing.filter((missing) => missing !== 'sender-address-verification');
  const domain = inbox.forwardingAddress.split('@')[1];
  const last = step === STEPS.length - 1;
  return (
    <Stack>
      {inbox.status === 'connected' && <Alert color="blue">This inbox is already connected.</Alert>}
      {step === 2 && <SenderStep inbox={inbox} domain={domain} />}
      {step === 3 && <AssignmentStep ref={current} inbox={inbox} />}
      {step === 4 && <TicketsStep ref={current} inbox={inbox} />}
      {step === 5 && <ForwardingStep inbox={inbox} />}
      {last && inbox.setup.missing.length > 0 && (
        <Text fw={600} size="sm">Still needed before finishing: {inbox.setup.missing.map((missing) => missing.replaceAll('-', ' ')).join(', ')}.</Text>
      )}
      {connect.error && <Alert color="red" role="alert">{connect.error.message}</Alert>}
      <Group justify="space-between">
        <Button variant="default" onClick={() => setStep(step - 1)} disabled={step === FIRST_INBOX_STEP}>Back</Button>
        {last
          ? <Button onClick={() => connect.mutate()} loading={connect.isPending} disabled={inbox.status === 'connected'}>Finish</Button>
          : <Button onClick={next} loading={saving} disabled={step === 2 && senderMissing.length > 0}>Next</Button>}
      </Group>
    </Stack>
  );
}
