/** The ticket the conversation opened: its name, pipeline stage, priority and owner. */
import { Alert, Badge, Card, Group, Text, Title } from '@mantine/core';
import { usePipelines, useTicket } from '../api/queries';
import { useUserNames } from '../inbox/people';

export function TicketPanel({ ticketId }: { ticketId: string }) {
  const ticket = useTicket(ticketId);
  const pipelines = usePipelines();
  const nameOf = useUserNames();
  const pipeline = pipelines.data?.find((candidate) => candidate.pipelineId === ticket.data?.pipelineId);
  const stage = pipeline?.stages.find((candidate) => candidate.stageId === ticket.data?.stageId);
  return (
    <Card withBorder component="section" aria-labelledby="ticket-heading" data-testid="ticket">
      <Title order={2} size="h5" id="ticket-heading">Ticket</Title>
      {ticket.error && <Alert color="red" role="alert">{ticket.error.message}</Alert>}
      {ticket.data && (
        <>
          <Text fw={600} mt="xs">{ticket.data.name}</Text>
          <Group gap="xs" mt={4}>
            <Badge variant="light">{stage?.name ?? ticket.data.stageId}</Badge>
            <Badge variant="light" color="orange">{ticket.data.priority} priority</Badge>
          </Group>
          <Text size="sm" mt={4}>Pipeline: {pipeline?.name ?? ticket.data.pipelineId}</Text>
          <Text size="sm">Owner: {ticket.data.ownerId ? nameOf(ticket.data.ownerId) : 'none'}</Text>
        </>
      )}
    </Card>
  );
}
