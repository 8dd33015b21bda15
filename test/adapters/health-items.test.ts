/** Health counters: which counters a record adds to, their keys and shards, and the sums over the two windows. */
import { HEALTH_SHARDS, healthCounters, healthItems, healthQueries, inboxHealth } from '../../functions/adapters/health-items';
import { keys } from '../../functions/adapters/keys';
import type { QuarantinePlan, StoredPlan } from '../../functions/inbound/domain/plan';

const route = { inboxId: 'inb_1', accountId: 'acct_1', address: 'support@acme.inbox.example.com' };
const base = { receiptKey: 'bucket/inbound/abc', receiptId: 'rc_1', raw: { bucket: 'bucket', key: 'inbound/abc' }, receivedAt: '2026-12-04T09:15:00.000Z', trace: [] };
const summary = { subject: 'Hello', sizeBytes: 10, attachmentCount: 0 };
const quarantined: QuarantinePlan = { ...base, outcome: 'quarantined', route, classification: 'auto-reply', reason: { rule: 'precedence', evidence: 'Precedence: bulk' }, summary, verdicts: { source: 'ses-event', spf: 'PASS', dkim: 'FAIL', dmarc: 'DISABLED' } };
const stored = { ...base, outcome: 'stored', route, message: { verdicts: { source: 'ses-event', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' } } } as unknown as StoredPlan;

it('a record counts its outcome, its rule and the verdicts judged (DISABLED is not judged); a release counts only as released', () => {
  expect(healthCounters(quarantined)).toEqual(['quarantined', 'rule:precedence', 'spf:judged', 'spf:pass', 'dkim:judged']);
  expect(healthCounters(stored)).toEqual(['stored', 'spf:judged', 'spf:pass', 'dkim:judged', 'dkim:pass', 'dmarc:judged', 'dmarc:pass']);
  const release = { receiptKey: 'x', skippedRules: ['precedence'], releasedBy: 'usr_1', releasedAt: '2026-12-04T10:00:00.000Z' };
  expect(healthCounters({ ...stored, release })).toEqual(['released']);
});

it('counts a release in the hour and day it happens, not in those of the arrival it keeps', () => {
  const release = { receiptKey: 'x', skippedRules: ['precedence'], releasedBy: 'usr_1', releasedAt: '2026-12-11T17:40:00.000Z' };
  const items = healthItems({ ...stored, release }, { conversations: 'conversations' });
  expect(items.map((item) => String(item.Update!.Key!.sk).replace(/#\d+$/, ''))).toEqual(['D#2026-12-11', 'H#2026-12-11T17']);
  expect(items[0].Update!.UpdateExpression).toBe('ADD #c0 :one');
});

it('two ADDs, its day and its hour, on one shard chosen by receipt; nothing for mail that reached no inbox', () => {
  const items = healthItems(quarantined, { conversations: 'conversations' });
  const shard = Number(String(items[0].Update!.Key!.sk).split('#').pop());
  expect(items.map((item) => item.Update!.Key)).toEqual([keys.healthCounters('inb_1', 'D#2026-12-04', shard), keys.healthCounters('inb_1', 'H#2026-12-04T09', shard)]);
  expect(shard).toBeGreaterThanOrEqual(0);
  expect(shard).toBeLessThan(HEALTH_SHARDS);
  expect(items[0].Update!.UpdateExpression).toBe('SET lastAt = :at ADD #c0 :one, #c1 :one, #c2 :one, #c3 :one, #c4 :one');
  expect(items[0].Update!.ConditionExpression).toBeUndefined();
  expect(healthItems({ ...base, outcome: 'unroutable', reason: 'no inbox' }, { conversations: 'conversations' })).toEqual([]);
  const shards = new Set(Array.from({ length: 200 }, (_unused, index) => healthItems({ ...quarantined, receiptId: `rc_${index}` }, { conversations: 'c' })[0].Update!.Key!.sk));
  expect(shards.size).toBe(HEALTH_SHARDS);
});

it('sums the windows: 24 hour buckets, 7 day buckets, the newest arrival even when older', () => {
  const now = new Date('2026-12-04T09:30:00.000Z');
  const queries = healthQueries('inb_1', now);
  expect(queries.hours.from).toBe('H#2026-12-03T10');
  const days = [
    { sk: 'D#2026-12-04#0', stored: 2, 'rule:precedence': 1, quarantined: 1, 'spf:judged': 3, 'spf:pass': 2, lastAt: '2026-12-04T09:15:00.000Z' },
    { sk: 'D#2026-12-04#5', stored: 1, lastAt: '2026-12-04T08:00:00.000Z' },
    { sk: 'D#2026-11-28#1', failed: 1, lastAt: '2026-11-28T01:00:00.000Z' },
    { sk: 'D#2026-11-27#1', stored: 7, lastAt: '2026-11-27T01:00:00.000Z' },
  ];
  const hours = [{ sk: 'H#2026-12-04T09#0', stored: 2, released: 1 }, { sk: 'H#2026-12-03T09#0', stored: 5 }];
  const health = inboxHealth(days, hours, now);
  expect(health.lastReceivedAt).toBe('2026-12-04T09:15:00.000Z');
  expect(health.last7Days).toMatchObject({ received: 5, stored: 3, quarantined: 1, failed: 1, quarantinedByRule: { precedence: 1 }, authentication: { spf: { judged: 3, passed: 2, passRate: 0.667 }, dkim: { judged: 0, passed: 0, passRate: null } } });
  expect(health.last24Hours).toMatchObject({ received: 2, stored: 2, released: 1 });
  expect(inboxHealth([{ sk: 'D#2026-10-01#0', stored: 1, lastAt: '2026-10-01T00:00:00.000Z' }], [], now)).toMatchObject({ lastReceivedAt: '2026-10-01T00:00:00.000Z', last7Days: { received: 0 } });
});
