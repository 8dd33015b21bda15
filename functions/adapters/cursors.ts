/**
 * Opaque listing cursors: a DynamoDB start key as base64url JSON. Decoding checks the shape, and the caller's
 * `belongs` checks that the key continues the very listing (and account) it is offered to.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../commons/paging';
import type { IndexDesign } from '../commons/table-design';

export type Key = Record<string, string>;

const keyNames = (index: IndexDesign) => ['pk', 'sk', index.partitionKey, index.sortKey];

/** Where a listing continues after `item`: what DynamoDB's LastEvaluatedKey would be there. */
export const keyOf = (item: Record<string, unknown>, index: IndexDesign): Key => Object.fromEntries(keyNames(index).map((name) => [name, String(item[name])]));

export const encodeCursor = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The start key in `cursor`: exactly the keys of `index`, all strings, and `belongs` to the listing; else InvalidCursor. */
export function decodeCursor(cursor: string, index: IndexDesign, belongs: (key: Key) => boolean): Key {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  const names = keyNames(index);
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw new InvalidCursor();
  const entries = Object.entries(key);
  if (entries.length !== names.length || !entries.every(([name, value]) => names.includes(name) && typeof value === 'string')) throw new InvalidCursor();
  if (!belongs(key as Key)) throw new InvalidCursor();
  return key as Key;
}

/**
 * One page of an index partition (no filter), in the index's order or reversed: reads one more item than
 * asked to know whether a next page exists; the cursor points just after the last item returned.
 */
export async function queryPage(
  client: DynamoDBDocumentClient,
  query: { readonly table: string; readonly index: IndexDesign; readonly partition: string; readonly sortPrefix?: string; readonly newestFirst?: boolean },
  page: { readonly limit: number; readonly start?: Key },
): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
  const { index, sortPrefix } = query;
  const result = await client.send(
    new QueryCommand({
      TableName: query.table,
      IndexName: index.indexName,
      KeyConditionExpression: sortPrefix ? '#partition = :partition AND begins_with(#sort, :prefix)' : '#partition = :partition',
      ExpressionAttributeNames: { '#partition': index.partitionKey, ...(sortPrefix ? { '#sort': index.sortKey } : {}) },
      ExpressionAttributeValues: { ':partition': query.partition, ...(sortPrefix ? { ':prefix': sortPrefix } : {}) },
      ScanIndexForward: !query.newestFirst,
      Limit: page.limit + 1,
      ExclusiveStartKey: page.start,
    }),
  );
  const items = result.Items ?? [];
  if (items.length > page.limit) return { items: items.slice(0, page.limit), cursor: encodeCursor(keyOf(items[page.limit - 1], index)) };
  // A short page with a LastEvaluatedKey: DynamoDB's 1 MB page size cut it.
  return { items, ...(result.LastEvaluatedKey ? { cursor: encodeCursor(result.LastEvaluatedKey) } : {}) };
}
