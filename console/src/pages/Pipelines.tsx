/** Settings → Pipelines (admins): ticket pipelines and their stages in order; add a pipeline. */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, unwrap } from '../api/client';
import { keys, usePipelines } from '../api/queries';
import { useApi } from '../auth/session';

/** A stage id from its name: what the API accepts as an id (lowercase letters, digits, hyphens). */
const stageId = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export function Pipelines() {
  const api = useApi();
  const queryClient = useQueryClient();
  const pipelines = usePipelines();
  const [name, setName] = useState('');
  const [stages, setStages] = useState<string[]>(['New', 'Waiting on contact', 'Closed']);
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/pipelines', { body: { name: name.trim(), stages: stages.map((stage) => ({ stageId: stageId(stage), name: stage })) } })),
    onSuccess: () => {
      setName('');
      return queryClient.invalidateQueries({ queryKey: keys.pipelines });
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">Pipelines</Title>
      {pipelines.data?.map((pipeline) => (
        <Card withBorder key={pipeline.pipelineId}>
          <Text fw={600}>{pipeline.name}</Text>
          <Group gap="xs" mt="xs">{pipeline.stages.map((stage, index) => <Badge key={stage.stageId} variant="light">{index + 1}. {stage.name}</Badge>)}</Group>
        </Card>
      ))}
      <Title order={2} size="h4">Add a pipeline</Title>
      <form onSubmit={(event) => { event.preventDefault(); add.mutate(); }}>
        <Stack maw={520}>
          <TextInput label="Pipeline name" value={name} onChange={(event) => setName(event.currentTarget.value)} required error={fieldError(add.error, 'name')} />
          <TagsInput label="Stages, in order" description="Type a stage and press Enter" value={stages} onChange={setStages} error={fieldError(add.error, 'stages')} />
          <Group><Button type="submit" loading={add.isPending}>Add pipeline</Button></Group>
        </Stack>
      </form>
      {generalError(add.error, ['name', 'stages']) && <Alert color="red" role="alert">{generalError(add.error, ['name', 'stages'])}</Alert>}
    </Stack>
  );
}
