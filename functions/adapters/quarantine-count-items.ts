/**
 * How many quarantined messages an inbox holds now (the Quarantine view's count), kept incrementally, never
 * counted by reading the list: +1 in the ingest transaction that lists a record in the quarantine, −1 in the
 * transaction that releases or deletes it (whose condition lets only the first claim through). Spread over
 * shards by receipt, so concurrent arrivals rarely touch the same item and a record's +1 and −1 land on the
 * same shard. Reading is the shards' keys, in the same BatchGetItem as the view counts. Pure, like the other
 * item builders, so keys and sums are unit-tested apart from the repositories that send them.
 */
import type { TransactItem } from './inbound-items';
import { keys } from './keys';

export const QUARANTINE_COUNT_SHARDS = 8;
const HELD = 'held';

/** The shard of a record's count: a fold of its receipt key (the same at ingest and at release or delete). */
function quarantineCountShard(receiptKey: string): number {
  let hash = 0;
  for (let index = 0; index < receiptKey.length; index++) hash = (hash * 31 + receiptKey.charCodeAt(index)) >>> 0;
  return hash % QUARANTINE_COUNT_SHARDS;
}

/** The count's update for one quarantined record: +1 when listed, −1 when it leaves the list. */
export function quarantineCountUpdate(table: string, inboxId: string, receiptKey: string, delta: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: keys.quarantineCount(inboxId, quarantineCountShard(receiptKey)),
      UpdateExpression: 'ADD #held :delta',
      ExpressionAttributeNames: { '#held': HELD },
      ExpressionAttributeValues: { ':delta': delta },
    },
  };
}

export const quarantineCountKeys = (inboxId: string) => Array.from({ length: QUARANTINE_COUNT_SHARDS }, (_unused, shard) => keys.quarantineCount(inboxId, shard));

/** The sum of the shards read (a missing shard holds nothing). */
export function quarantineCountOf(shards: readonly (Record<string, unknown> | undefined)[]): number {
  return shards.reduce((total, shard) => total + (typeof shard?.[HELD] === 'number' ? (shard[HELD] as number) : 0), 0);
}
