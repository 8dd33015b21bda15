/**
 * Tickets in the tickets table, in their account's partition. Listings are Queries on the index that fits
 * the filters (never a Scan), newest first, with opaque cursors checked to continue the very same listing.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BY_ACCOUNT_INDEX, BY_OWNER_INDEX, BY_PARENT_INDEX, IndexDesign } from '../commons/table-design';
import type { Ticket } from '../tickets/model';
import type { TicketChanges, TicketFilter, TicketPage, TicketStore } from '../tickets/ports';
import { decodeCursor, encodeCursor, Key, keyOf } from './cursors';
import { updateExisting } from './item-updates';
import { keys, listings } from './keys';
import { ticketFrom, ticketListingKeys } from './ticket-items';

/** One index partition, and the filters its keys do not cover. */
interface Listing {
  readonly index: IndexDesign;
  readonly partition: string;
  readonly filters: Readonly<Record<string, string>>;
}

/** With a filter, a Query round reads this many items (most may not match) rather than just what is missing. */
const FILTERED_ROUND = 100;
/** Rounds one request may take; a listing whose matches are sparser answers a short page with a cursor. */
const MAX_ROUNDS = 10;

const defined = (values: Record<string, string | undefined>) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Record<string, string>;

/** The owner's listing when an owner is asked for, else the stage's, else the account's; the rest filters. */
function listingOf(accountId: string, { pipelineId, stageId, ownerId }: TicketFilter): Listing {
  if (ownerId !== undefined) return { index: BY_OWNER_INDEX, partition: listings.ticketsOfOwner(accountId, ownerId), filters: defined({ pipelineId, stageId }) };
  if (pipelineId !== undefined && stageId !== undefined) return { index: BY_PARENT_INDEX, partition: listings.ticketsInStage(accountId, pipelineId, stageId), filters: {} };
  return { index: BY_ACCOUNT_INDEX, partition: listings.ticketsOfAccount(accountId), filters: defined({ pipelineId, stageId }) };
}

/** The partition of this very listing, a ticket of this account, and the listing's order key of that ticket. */
function startOf(cursor: string, accountId: string, listing: Listing): Key {
  const own = keys.ticket(accountId, '');
  return decodeCursor(cursor, listing.index, (start) =>
    start[listing.index.partitionKey] === listing.partition && start.pk === own.pk && start.sk.startsWith(own.sk) && start[listing.index.sortKey].endsWith(`#${start.sk.slice(own.sk.length)}`),
  );
}

export class DynamoTickets implements TicketStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async ticket(accountId: string, ticketId: string): Promise<Ticket | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.ticket(accountId, ticketId) }))).Item;
    return item && ticketFrom(item);
  }

  /**
   * Reads on until `limit` matches (one more, to know whether a next page exists) or the end; with filters
   * a round can match few, so it reads larger rounds and stops after MAX_ROUNDS with a short page.
   */
  async tickets(accountId: string, filter: TicketFilter, page: { readonly limit: number; readonly cursor?: string }): Promise<TicketPage> {
    const listing = listingOf(accountId, filter);
    const filters = Object.entries(listing.filters);
    let start: Record<string, unknown> | undefined = page.cursor === undefined ? undefined : startOf(page.cursor, accountId, listing);
    const found: Record<string, unknown>[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: listing.index.indexName,
          KeyConditionExpression: '#partition = :partition',
          FilterExpression: filters.length ? filters.map(([name]) => `#${name} = :${name}`).join(' AND ') : undefined,
          ExpressionAttributeNames: { '#partition': listing.index.partitionKey, ...Object.fromEntries(filters.map(([name]) => [`#${name}`, name])) },
          ExpressionAttributeValues: { ':partition': listing.partition, ...Object.fromEntries(filters.map(([name, value]) => [`:${name}`, value])) },
          ScanIndexForward: false,
          Limit: filters.length ? FILTERED_ROUND : page.limit + 1 - found.length,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(result.Items ?? []));
      if (found.length > page.limit) {
        return { tickets: found.slice(0, page.limit).map(ticketFrom), cursor: encodeCursor(keyOf(found[page.limit - 1], listing.index)) };
      }
      start = result.LastEvaluatedKey;
      if (!start) return { tickets: found.map(ticketFrom) };
    }
    return { tickets: found.map(ticketFrom), cursor: encodeCursor(start!) };
  }

  /**
   * Writes only the changed fields and the listing keys that follow from them (stage listing with pipeline
   * and stage, owner listing with owner): concurrent changes of different fields cannot mix up a listing.
   */
  async updateTicket(current: Ticket, changes: TicketChanges): Promise<Ticket | undefined> {
    const { placement, ...fields } = changes;
    const listing = ticketListingKeys({ ...current, ...fields, ...placement });
    const item = await updateExisting(this.client, this.table, keys.ticket(current.accountId, current.ticketId), {
      ...fields,
      ...(placement ? { ...placement, gsi1pk: listing.gsi1pk } : {}),
      ...(fields.ownerId !== undefined ? { gsi2pk: listing.gsi2pk } : {}),
    });
    return item && ticketFrom(item);
  }
}
