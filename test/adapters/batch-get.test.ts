/** BatchGetItem beyond 100 keys and with keys left unprocessed, against the real local DynamoDB. */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { batchGet, keyString, MAX_UNPROCESSED_RETRIES, UnprocessedKeysError } from '../../functions/adapters/batch-get';
import { uniqueId } from '../support/stack';

async function putItems(table: string, count: number, prefix: string) {
  const keys = Array.from({ length: count }, (_, index) => ({ pk: `${prefix}#${index}`, sk: 'T' }));
  for (let start = 0; start < keys.length; start += 25) {
    await dynamo().send(new BatchWriteCommand({ RequestItems: { [table]: keys.slice(start, start + 25).map((key) => ({ PutRequest: { Item: { ...key, n: key.pk } } })) } }));
  }
  return keys;
}

/** Fault injection on the real client: DynamoDB answers, but reports every key of the first `times` requests unprocessed. */
async function withUnprocessed(times: number, run: () => Promise<unknown>) {
  let left = times;
  const requests: number[] = [];
  const fault = (next: (args: { input: { RequestItems: Record<string, { Keys: unknown[] }> } }) => Promise<{ output: Record<string, unknown> }>) => async (args: { input: { RequestItems: Record<string, { Keys: unknown[] }> } }) => {
    requests.push(Object.values(args.input.RequestItems).reduce((sum, table) => sum + table.Keys.length, 0));
    if (left-- <= 0) return next(args);
    return { output: { Responses: {}, UnprocessedKeys: args.input.RequestItems, $metadata: {} } };
  };
  dynamo().middlewareStack.add(fault as never, { step: 'initialize', name: 'unprocessedFault' });
  try {
    await run();
  } finally {
    dynamo().middlewareStack.remove('unprocessedFault');
  }
  return requests;
}

describe('batchGet', () => {
  it('reads 250 keys of two tables in requests of at most 100', async () => {
    const { inboxes, conversations } = config().tables;
    const a = await putItems(inboxes, 200, uniqueId('bg'));
    const b = await putItems(conversations, 50, uniqueId('bg'));
    let found!: Awaited<ReturnType<typeof batchGet>>;
    const requests = await withUnprocessed(0, async () => (found = await batchGet(dynamo(), { [inboxes]: [...a, ...a.slice(0, 10)], [conversations]: b })));
    expect(found.get(inboxes)!.size).toBe(200);
    expect(found.get(conversations)!.size).toBe(50);
    expect(found.get(inboxes)!.get(keyString(a[199]))).toMatchObject({ n: a[199].pk });
    expect(requests).toEqual([100, 100, 50]);
  });

  it('re-asks only for unprocessed keys, and gives up after a bounded number of tries', async () => {
    const { inboxes } = config().tables;
    const keys = await putItems(inboxes, 3, uniqueId('bg'));
    let found!: Awaited<ReturnType<typeof batchGet>>;
    await withUnprocessed(2, async () => (found = await batchGet(dynamo(), { [inboxes]: keys })));
    expect(found.get(inboxes)!.size).toBe(3);
    const requests = await withUnprocessed(100, () => expect(batchGet(dynamo(), { [inboxes]: keys })).rejects.toBeInstanceOf(UnprocessedKeysError));
    expect(requests).toHaveLength(MAX_UNPROCESSED_RETRIES + 1);
  });
});
