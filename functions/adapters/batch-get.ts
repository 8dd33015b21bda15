import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown> & Key;

/**
 * One BatchGetItem across tables (at most 100 keys), re-asking only for keys DynamoDB left unprocessed.
 * Returns items by table, keyed `pk|sk`.
 */
export async function batchGet(client: DynamoDBDocumentClient, request: Record<string, Key[]>): Promise<Map<string, Map<string, Item>>> {
  const found = new Map<string, Map<string, Item>>(Object.keys(request).map((table) => [table, new Map()]));
  let pending: Record<string, { Keys: Key[] }> = {};
  for (const [table, tableKeys] of Object.entries(request)) {
    const unique = [...new Map(tableKeys.map((key) => [`${key.pk}|${key.sk}`, key])).values()];
    if (unique.length) pending[table] = { Keys: unique };
  }
  for (let attempt = 0; Object.keys(pending).length; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    const result = await client.send(new BatchGetCommand({ RequestItems: pending }));
    for (const [table, items] of Object.entries(result.Responses ?? {})) {
      for (const item of items as Item[]) found.get(table)!.set(`${item.pk}|${item.sk}`, item);
    }
    pending = (result.UnprocessedKeys ?? {}) as typeof pending;
  }
  return found;
}

export const keyString = (key: Key) => `${key.pk}|${key.sk}`;
