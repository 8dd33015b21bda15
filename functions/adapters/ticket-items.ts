/**
 * The stored form of a ticket, shared by the inbound pipeline (which opens tickets) and the ticket API (which
 * reads and updates them): the item and the three listing keys, which must change together.
 */
import type { Ticket } from '../tickets/model';
import { keys, listings } from './keys';

/** The index keys of a ticket; rewrite them whenever its pipeline, stage or owner changes. */
export function ticketListingKeys(ticket: Pick<Ticket, 'accountId' | 'ticketId' | 'pipelineId' | 'stageId' | 'ownerId' | 'createdAt'>) {
  const order = `${ticket.createdAt}#${ticket.ticketId}`;
  return {
    gsi1pk: listings.ticketsInStage(ticket.accountId, ticket.pipelineId, ticket.stageId),
    gsi1sk: order,
    gsi2pk: listings.ticketsOfOwner(ticket.accountId, ticket.ownerId),
    gsi2sk: order,
    gsi3pk: listings.ticketsOfAccount(ticket.accountId),
    gsi3sk: order,
  };
}

export function ticketItem(ticket: Ticket): Record<string, unknown> {
  return { ...keys.ticket(ticket.accountId, ticket.ticketId), ...ticket, ...ticketListingKeys(ticket) };
}

/** The ticket without keys. */
export function ticketFrom(item: Record<string, unknown>): Ticket {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, gsi3pk: _e, gsi3sk: _f, ...ticket } = item;
  return ticket as unknown as Ticket;
}
