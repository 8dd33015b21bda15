/** The ticket the conversation opened: its name, priority, pipeline and owner, and its stage (movable here). */
import { Alert, Badge, Card, Group, Select, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, unwrap } from '../api/client';
import { inboxKeys, usePipelines, useTicket } from '../api/queries';
import { useApi } from '../auth/session';
import { useUserNames } from '../inbox/people';

export function TicketPanel({ ticketId }: { ticketId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const ticket = useTicket(ticketId);
  const pipelines = usePipelines();
  const nameOf = useUserNames();
  const move = useMutation({
    mutationFn: (stageId: string) => unwrap(api.PATCH('/tickets/{ticketId}', { params: { path: { ticketId } }, body: { stageId } })),
    onSuccess: (updated) => queryClient.setQueryData(inboxKeys.ticket(ticketId), updated),
  });
  const pipeline = pipelines.data?.find((candidate) => candidate.pipelineId === ticket.data?.pipelineId);
  return (
    <Card withBorder component="section" aria-labelledby="ticket-heading" data-testid="ticket">
      <Title order={2} size="h5" id="ticket-heading">Ticket</Title>
      {ticket.error && <Alert color="red" role="alert">{ticket.error.message}</Alert>}
      {ticket.data && (
        <>
          <Text fw={600} mt="xs">{ticket.data.name}</Text>
          <Group gap="xs" mt={4}>
            <Badge variant="light" color="orange">{ticket.data.priority} priority</Badge>
          </Group>
          <Select
            mt="xs"
            label="Stage"
            description={`Pipeline: ${pipeline?.name ?? ticket.data.pipelineId}`}
            data={(pipeline?.stages ?? []).map((stage) => ({ value: stage.stageId, label: stage.name }))}
            value={ticket.data.stageId}
            onChange={(stageId) => stageId && move.mutate(stageId)}
            allowDeselect={false}
            disabled={move.isPending}
            error={fieldError(move.error, 'stageId') ?? generalError(move.error, ['stageId'])}
          />
          <Text size="sm" mt="xs">Owner: {ticket.data.ownerId ? nameOf(ticket.data.ownerId) : 'none'}</Text>
        </>
      )}
    </Card>
  );
}
