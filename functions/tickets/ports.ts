import type { Ticket } from './model';

export { InvalidCursor } from '../commons/paging';

/** Filters of a ticket listing; `ownerId: null` lists the tickets nobody owns. */
export interface TicketFilter {
  readonly pipelineId?: string;
  readonly stageId?: string;
  readonly ownerId?: string | null;
}

export interface TicketPage {
  /** Newest first. */
  readonly tickets: Ticket[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

/** What may change; `pipelineId` and `stageId` always come together (a stage only means something in its pipeline). */
export type TicketChanges = Partial<Pick<Ticket, 'name' | 'priority' | 'ownerId'>> & { readonly placement?: Pick<Ticket, 'pipelineId' | 'stageId'> };

/** Every read and write is scoped by account id: another account's ticket is simply not found. */
export interface TicketStore {
  ticket(accountId: string, ticketId: string): Promise<Ticket | undefined>;
  /** Up to `limit` tickets matching every filter. Throws InvalidCursor. */
  tickets(accountId: string, filter: TicketFilter, page: { readonly limit: number; readonly cursor?: string }): Promise<TicketPage>;
  /** Applies `changes` to the ticket as read (`current`), with its listings; undefined if it no longer exists. */
  updateTicket(current: Ticket, changes: TicketChanges): Promise<Ticket | undefined>;
}
