import { keys } from '../../functions/adapters/keys';
import { QUARANTINE_COUNT_SHARDS, quarantineCountKeys, quarantineCountOf, quarantineCountUpdate } from '../../functions/adapters/quarantine-count-items';

describe('the quarantine count items', () => {
  it('adds and takes one on the same shard for a record, spread over the shards across records', () => {
    const added = quarantineCountUpdate('conversations', 'inb_1', 'bucket/inbound/abc', 1).Update!;
    const taken = quarantineCountUpdate('conversations', 'inb_1', 'bucket/inbound/abc', -1).Update!;
    expect(added).toMatchObject({ TableName: 'conversations', UpdateExpression: 'ADD #held :delta', ExpressionAttributeValues: { ':delta': 1 } });
    expect(taken.ExpressionAttributeValues).toEqual({ ':delta': -1 });
    expect(taken.Key).toEqual(added.Key);
    const shards = new Set(Array.from({ length: 200 }, (_unused, index) => quarantineCountUpdate('c', 'inb_1', `bucket/inbound/${index}`, 1).Update!.Key!.pk));
    expect(shards.size).toBe(QUARANTINE_COUNT_SHARDS);
    expect([...shards].every((pk) => quarantineCountKeys('inb_1').some((key) => key.pk === pk))).toBe(true);
  });

  it('reads as the sum of the shards, a missing shard holding nothing', () => {
    expect(quarantineCountKeys('inb_1')).toEqual(Array.from({ length: QUARANTINE_COUNT_SHARDS }, (_unused, shard) => keys.quarantineCount('inb_1', shard)));
    expect(quarantineCountOf([{ held: 2 }, undefined, { held: 1 }, { other: 5 }])).toBe(3);
    expect(quarantineCountOf([])).toBe(0);
  });
});
