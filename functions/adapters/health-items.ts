/**
 * Inbox health, kept incrementally: every record the chain commits for an inbox ADDs to two counter items —
 * its UTC hour and its UTC day — inside the very transaction that writes its receipt, so a redelivery (whose
 * transaction is cancelled by the receipt's condition) never counts twice and a crash never counts half.
 * Counters are spread over `HEALTH_SHARDS` items per bucket (by receipt) so concurrent arrivals rarely touch
 * the same item. Reading is two Queries of a bounded number of items (`healthQueries`), never a scan; the
 * sums are pure (`inboxHealth`). Pure, like the other item builders, so every key and count is unit-tested.
 */
import type { InboundRecordPlan, QuarantinePlan, StoredPlan } from '../inbound/domain/plan';
import type { Verdicts } from '../inbound/domain/steps/screen';
import type { InboundTables, TransactItem } from './inbound-items';
import { keys } from './keys';
import type { HealthWindow, InboxHealthCounts } from '../quarantine/model';

export type { InboxHealthCounts };

/** Counter items per inbox and bucket. */
export const HEALTH_SHARDS = 8;
const DAYS = 7;
const HOURS = 24;
const AUTH_METHODS = ['spf', 'dkim', 'dmarc'] as const satisfies readonly (keyof HealthWindow['authentication'])[];
/** Outcomes counted per bucket; `released`: quarantined mail a person released (counted when released). */
export const HEALTH_OUTCOMES = ['stored', 'quarantined', 'duplicate', 'failed', 'released'] as const;

const dayBucket = (at: string) => `D#${at.slice(0, 10)}`;
const hourBucket = (at: string) => `H#${at.slice(0, 13)}`;

type CountedPlan = StoredPlan | QuarantinePlan | InboundRecordPlan;

/** The shard of a receipt's counters: receipt ids are hashes already (`rc_<sha256>`), so any fold of them spreads evenly. */
const healthShard = (receiptId: string): number => [...receiptId].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 0) % HEALTH_SHARDS;

/** The counters a record adds to: its outcome, the quarantine rule, and which of SPF/DKIM/DMARC were judged and passed. */
export function healthCounters(plan: CountedPlan): string[] {
  if (plan.release) return ['released'];
  const counters: string[] = [plan.outcome];
  if (plan.outcome === 'quarantined') counters.push(`rule:${plan.reason.rule}`);
  const verdicts: Verdicts | undefined = plan.outcome === 'stored' ? plan.message.verdicts : plan.outcome === 'quarantined' ? plan.verdicts : undefined;
  for (const method of AUTH_METHODS) {
    const verdict = verdicts?.[method];
    if (!verdict || verdict === 'DISABLED') continue;
    counters.push(`${method}:judged`);
    if (verdict === 'PASS') counters.push(`${method}:pass`);
  }
  return counters;
}

/** The two counter updates of a record committed for an inbox (none for mail that reached no inbox). */
export function healthItems(plan: CountedPlan, tables: Pick<InboundTables, 'conversations'>): TransactItem[] {
  const inboxId = plan.route?.inboxId;
  if (!inboxId || plan.outcome === 'unroutable') return [];
  const counters = healthCounters(plan);
  const shard = healthShard(plan.receiptId);
  const names = Object.fromEntries(counters.map((counter, index) => [`#c${index}`, counter]));
  // Released mail was counted when it arrived: it does not move the last arrival, and counts when released (a
  // release keeps the arrival time for the message, which may be days before).
  const last = plan.release ? '' : 'SET lastAt = :at ';
  const countedAt = plan.release?.releasedAt ?? plan.receivedAt;
  return [dayBucket(countedAt), hourBucket(countedAt)].map((bucket) => ({
    Update: {
      TableName: tables.conversations,
      Key: keys.healthCounters(inboxId, bucket, shard),
      UpdateExpression: `${last}ADD ${counters.map((_counter, index) => `#c${index} :one`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: plan.release ? { ':one': 1 } : { ':one': 1, ':at': plan.receivedAt },
    },
  }));
}

/** The two key ranges an inbox's health reads at `now`: the newest day buckets (7 days and one before, for the last arrival) and the last 24 hours. */
export function healthQueries(inboxId: string, now: Date) {
  const partition = keys.healthCounters(inboxId, '', 0).pk;
  const firstHour = hourBucket(new Date(now.getTime() - (HOURS - 1) * 3_600_000).toISOString());
  return {
    partition,
    days: { from: 'D#', to: 'D#~', newestFirst: true, limit: (DAYS + 1) * HEALTH_SHARDS },
    hours: { from: firstHour, to: 'H#~', newestFirst: false, limit: HOURS * HEALTH_SHARDS },
  } as const;
}

type Row = Record<string, unknown>;

/** Sums the counter items read by `healthQueries` into the two windows, as of `now`. */
export function inboxHealth(dayRows: readonly Row[], hourRows: readonly Row[], now: Date): InboxHealthCounts {
  const firstDay = dayBucket(new Date(now.getTime() - (DAYS - 1) * 86_400_000).toISOString());
  const firstHour = hourBucket(new Date(now.getTime() - (HOURS - 1) * 3_600_000).toISOString());
  const bucketOf = (row: Row) => String(row.sk).slice(0, String(row.sk).lastIndexOf('#'));
  const lastAts = [...dayRows, ...hourRows].map((row) => row.lastAt).filter((at): at is string => typeof at === 'string');
  return {
    lastReceivedAt: lastAts.length ? lastAts.reduce((newest, at) => (at > newest ? at : newest)) : null,
    last24Hours: sumWindow(hourRows.filter((row) => bucketOf(row) >= firstHour)),
    last7Days: sumWindow(dayRows.filter((row) => bucketOf(row) >= firstDay)),
  };
}

function sumWindow(rows: readonly Row[]): HealthWindow {
  const total = (name: string) => rows.reduce((sum, row) => sum + (typeof row[name] === 'number' ? (row[name] as number) : 0), 0);
  const [stored, quarantined, duplicate, failed, released] = HEALTH_OUTCOMES.map(total);
  const rules = new Set(rows.flatMap((row) => Object.keys(row).filter((name) => name.startsWith('rule:'))));
  const authentication = Object.fromEntries(
    AUTH_METHODS.map((method) => {
      const judged = total(`${method}:judged`);
      const passed = total(`${method}:pass`);
      return [method, { judged, passed, passRate: judged ? Math.round((passed / judged) * 1000) / 1000 : null }];
    }),
  ) as HealthWindow['authentication'];
  return {
    received: stored + quarantined + duplicate + failed,
    stored,
    quarantined,
    duplicate,
    failed,
    released,
    quarantinedByRule: Object.fromEntries([...rules].sort().map((name) => [name.slice('rule:'.length), total(name)])),
    authentication,
  };
}
