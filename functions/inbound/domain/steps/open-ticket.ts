/**
 * Step 9 (ticket), new conversations only: a ticket from the inbox's template, written in the same
 * transaction as the conversation, so there is exactly one per conversation whatever is redelivered.
 */
import type { TicketSettings } from '../../../inboxes/model';
import { renderTemplate } from '../../../tickets/name-template';
import type { Priority } from '../../../tickets/pipelines';
import type { Mailbox } from '../outcome';
import { evidenceText, TraceEntry } from '../trace';

export interface TicketPlan {
  readonly ticketId: string;
  readonly name: string;
  readonly pipelineId: string;
  readonly stageId: string;
  readonly priority: Priority;
  readonly ownerId: string | null;
}

export interface TicketInput {
  readonly subject: string;
  readonly contact: Mailbox;
  readonly inboxName: string;
  readonly assigneeId: string | null;
  readonly newId: (prefix: string) => string;
}

export function openTicket(settings: TicketSettings, input: TicketInput): { ticket?: TicketPlan; trace?: TraceEntry } {
  if (!settings.enabled) return {};
  const { template } = settings;
  const name = renderTemplate(
    template.name,
    { subject: input.subject, 'contact.name': input.contact.name, 'contact.email': input.contact.email, 'inbox.name': input.inboxName },
    input.subject || `Conversation with ${input.contact.email}`,
  );
  const ownerId = template.owner.type === 'user' ? template.owner.userId : input.assigneeId;
  const ticket = { ticketId: input.newId('tk'), name, pipelineId: template.pipelineId, stageId: template.stageId, priority: template.priority, ownerId };
  return {
    ticket,
    trace: { step: 'ticket', decision: ticket.ticketId, why: evidenceText(`"${name}" in ${ticket.pipelineId}/${ticket.stageId}, owner ${ownerId ?? 'nobody'} (${template.owner.type})`) },
  };
}
