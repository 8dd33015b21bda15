import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown> & Key;

/** BatchGetItem's limit of keys per request. */
export const BATCH_GET_LIMIT = 100;
/** Re-asks for keys DynamoDB left unprocessed (throttling, 16 MB responses) before giving up. */
export const MAX_UNPROCESSED_RETRIES = 6;

/** DynamoDB kept leaving keys unprocessed: transient (throttling), so the message is retried later. */
export class UnprocessedKeysError extends Error {
  constructor(readonly remaining: number) {
    super(`BatchGetItem left ${remaining} keys unprocessed after ${MAX_UNPROCESSED_RETRIES} retries`);
    this.name = 'UnprocessedKeysError';
  }
}

/**
 * Reads keys across tables in BatchGetItem requests of at most 100 keys, sent together (one round trip of
 * latency however many keys), re-asking only for unprocessed keys, a bounded number of times.
 * Returns items by table, keyed `pk|sk`.
 */
export async function batchGet(client: DynamoDBDocumentClient, request: Record<string, Key[]>): Promise<Map<string, Map<string, Item>>> {
  const found = new Map<string, Map<string, Item>>(Object.keys(request).map((table) => [table, new Map()]));
  let pending: Array<[string, Key]> = [];
  for (const [table, tableKeys] of Object.entries(request)) {
    for (const key of new Map(tableKeys.map((key) => [keyString(key), key])).values()) pending.push([table, key]);
  }
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt > MAX_UNPROCESSED_RETRIES) throw new UnprocessedKeysError(pending.length);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 25 * 2 ** attempt)));
    const chunks: Array<Array<[string, Key]>> = [];
    for (let start = 0; start < pending.length; start += BATCH_GET_LIMIT) chunks.push(pending.slice(start, start + BATCH_GET_LIMIT));
    const results = await Promise.all(chunks.map((chunk) => client.send(new BatchGetCommand({ RequestItems: requestItems(chunk) }))));
    pending = [];
    for (const result of results) {
      for (const [table, items] of Object.entries(result.Responses ?? {})) {
        for (const item of items as Item[]) found.get(table)!.set(keyString(item), item);
      }
      for (const [table, unprocessed] of Object.entries(result.UnprocessedKeys ?? {})) {
        for (const key of (unprocessed.Keys ?? []) as Key[]) pending.push([table, key]);
      }
    }
  }
  return found;
}

function requestItems(chunk: ReadonlyArray<[string, Key]>): Record<string, { Keys: Key[] }> {
  const items: Record<string, { Keys: Key[] }> = {};
  for (const [table, key] of chunk) (items[table] ??= { Keys: [] }).Keys.push(key);
  return items;
}

export const keyString = (key: Key) => `${key.pk}|${key.sk}`;
