/** A ticket: opened automatically for a new conversation (per the inbox's template), then worked by agents. */
import type { Priority } from './pipelines';

export interface Ticket {
  readonly ticketId: string;
  readonly accountId: string;
  readonly name: string;
  readonly pipelineId: string;
  readonly stageId: string;
  readonly priority: Priority;
  /** A user of the account, or null: nobody owns it yet. */
  readonly ownerId: string | null;
  readonly conversationId: string;
  readonly contactId: string;
  readonly inboxId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
