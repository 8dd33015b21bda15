/** Tickets: the toggle, and the ticket's properties edited in a side panel ("Edit ticket"). */
import { forwardRef, useImperativeHandle, useState } from 'react';
import { Alert, Button, Drawer, Group, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { usePipelines, useUsers } from '../api/queries';
import { useApi } from '../auth/session';
import type { StepHandle } from './steps';
import { useSaveInbox } from './useSaveInbox';

type Template = Extract<Inbox['tickets'], { enabled: true }>['template'];
const PRIORITIES: Template['priority'][] = ['low', 'medium', 'high', 'urgent'];
const ASSIGNEE = 'assignee';

export const TicketsStep = forwardRef<StepHandle, { inbox: Inbox }>(function TicketsStep({ inbox }, ref) {
  const api = useApi();
  const pipelines = usePipelines();
  const users = useUsers();
  const [enabled, setEnabled] = useState(inbox.tickets.enabled);
  const [edited, setTemplate] = useState<Template | undefined>(inbox.tickets.enabled ? inbox.tickets.template : undefined);
  const [panelOpen, panel] = useDisclosure(false);
  const firstPipeline = pipelines.data?.[0];
  const template: Template | undefined = edited ?? (firstPipeline && { name: '{{subject}}', pipelineId: firstPipeline.pipelineId, stageId: firstPipeline.stages[0]?.stageId ?? '', priority: 'medium', owner: { type: 'assignee' } });

  const save = useSaveInbox(inbox.inboxId, () => {
    const body = enabled && template ? { enabled: true as const, template } : { enabled: false as const };
    return unwrap(api.PUT('/inboxes/{inboxId}/tickets', { params: { path: { inboxId: inbox.inboxId } }, body }));
  });
  useImperativeHandle(ref, () => ({ save: () => save.mutateAsync().then(() => undefined) }));

  const pipeline = pipelines.data?.find((candidate) => candidate.pipelineId === template?.pipelineId);
  const stage = pipeline?.stages.find((candidate) => candidate.stageId === template?.stageId);
  const ownerName = template?.owner.type === 'user' ? users.data?.find((user) => template.owner.type === 'user' && user.userId === template.owner.userId)?.name : 'the conversation\'s assignee';
  const templateError = (field: string) => fieldError(save.error, `template.${field}`);
  const update = (change: Partial<Template>) => template && setTemplate({ ...template, ...change });

  return (
    <Stack maw={640}>
      <Switch label="Create a ticket for each new conversation" checked={enabled} onChange={(event) => setEnabled(event.currentTarget.checked)} />
      {enabled && template && (
        <Group justify="space-between" wrap="nowrap" p="sm" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}>
          <div>
            <Text fw={600}>Ticket: {template.name}</Text>
            <Text size="sm" c="dimmed">{pipeline?.name ?? template.pipelineId} · {stage?.name ?? template.stageId} · {template.priority} priority · owner: {ownerName}</Text>
          </div>
          <Button variant="default" onClick={panel.open}>Edit ticket</Button>
        </Group>
      )}
      {fieldError(save.error, 'template') && <Alert color="red" role="alert">Ticket properties: {fieldError(save.error, 'template')}</Alert>}
      {generalError(save.error, ['template', 'enabled']) && <Alert color="red" role="alert">{generalError(save.error, ['template', 'enabled'])}</Alert>}
      <Drawer opened={panelOpen} onClose={panel.close} position="right" title="Edit ticket" closeButtonProps={{ 'aria-label': 'Close the ticket panel' }}>
        {template && (
          <Stack>
            <TextInput label="Ticket name" description="{{subject}}, {{contact.name}}, {{contact.email}}, {{inbox.name}}" value={template.name} onChange={(event) => update({ name: event.currentTarget.value })} error={templateError('name')} />
            <Select label="Pipeline" data={(pipelines.data ?? []).map((each) => ({ value: each.pipelineId, label: each.name }))} value={template.pipelineId} allowDeselect={false}
              onChange={(pipelineId) => pipelineId && update({ pipelineId, stageId: pipelines.data?.find((each) => each.pipelineId === pipelineId)?.stages[0]?.stageId ?? '' })} error={templateError('pipelineId')} />
            <Select label="Stage" data={(pipeline?.stages ?? []).map((each) => ({ value: each.stageId, label: each.name }))} value={template.stageId} allowDeselect={false} onChange={(stageId) => stageId && update({ stageId })} error={templateError('stageId')} />
            <Select label="Priority" data={PRIORITIES} value={template.priority} allowDeselect={false} onChange={(priority) => priority && update({ priority: priority as Template['priority'] })} error={templateError('priority')} />
            <Select label="Ticket owner" allowDeselect={false} value={template.owner.type === 'user' ? template.owner.userId : ASSIGNEE}
              data={[{ value: ASSIGNEE, label: 'The conversation\'s assignee' }, ...(users.data ?? []).map((user) => ({ value: user.userId, label: user.name }))]}
              onChange={(owner) => owner && update({ owner: owner === ASSIGNEE ? { type: 'assignee' } : { type: 'user', userId: owner } })} error={templateError('owner')} />
            <Button onClick={panel.close}>Done</Button>
          </Stack>
        )}
      </Drawer>
    </Stack>
  );
});
