/**
 * `reconcile`: raw mail that has no receipt — a crash between SES (or the local listener) storing the object
 * and the inbound function recording it, or a write the local DynamoDB lost in a `kill -9` — goes through
 * the same exactly-once path as a delivery. Objects younger than `minAgeMs` may still be in flight and are
 * left alone; a receipt already there makes a second pass harmless anyway. This is each object's last
 * resort, so an error of unknown kind is recorded `failed`; a transient one is reported and left for the
 * next run.
 */
import { failureReason } from './domain/errors';
import { ingestInbound } from './domain/ingest';
import type { InboundPorts, RawMailRef } from './domain/ports';
import { SES_SETUP_NOTIFICATION } from './events';

export interface RawObject extends RawMailRef {
  readonly lastModified: Date;
}

/** Where raw mail is listed and receipts are looked up. */
export interface RawMailInventory {
  listRawObjects(): AsyncIterable<RawObject>;
  hasReceipt(receiptKey: string): Promise<boolean>;
}

export interface ReconcileOptions {
  readonly inboxDomain: string;
  /** As for a delivery (see IngestOptions). @default false */
  readonly trustUnjudgedMail?: boolean;
  /** Younger objects may still be processed by their delivery. @default 5 minutes */
  readonly minAgeMs?: number;
  /** Older objects were reconciled by earlier runs (the daily run looks a week back). @default 7 days */
  readonly maxAgeMs?: number;
  /** Objects checked and processed at once. @default 8 */
  readonly concurrency?: number;
  readonly now?: Date;
}

export interface ReconcileReport {
  readonly scanned: number;
  /** Objects in the age window that had no receipt, and what became of them. */
  readonly orphaned: readonly { readonly key: string; readonly outcomes: readonly string[] }[];
  /** Objects that could not be processed this time (transient errors): the next run tries again. */
  readonly errors: readonly { readonly key: string; readonly error: string }[];
}

export const RECONCILE_DEFAULTS = { minAgeMs: 5 * 60_000, maxAgeMs: 7 * 24 * 3600_000, concurrency: 8 } as const;

export async function reconcileRawMail(inventory: RawMailInventory, ports: InboundPorts, options: ReconcileOptions): Promise<ReconcileReport> {
  const now = (options.now ?? new Date()).getTime();
  const minAge = options.minAgeMs ?? RECONCILE_DEFAULTS.minAgeMs;
  const maxAge = options.maxAgeMs ?? RECONCILE_DEFAULTS.maxAgeMs;
  const orphaned: { key: string; outcomes: string[] }[] = [];
  const errors: { key: string; error: string }[] = [];
  let scanned = 0;

  const reconcileOne = async (object: RawObject) => {
    try {
      if (await inventory.hasReceipt(`${object.bucket}/${object.key}`)) return;
      const envelope = { raw: { bucket: object.bucket, key: object.key }, recipients: [], receivedAt: object.lastModified.toISOString() };
      const plans = await ingestInbound(envelope, ports, { inboxDomain: options.inboxDomain, trustUnjudgedMail: options.trustUnjudgedMail, finalAttempt: true });
      orphaned.push({ key: object.key, outcomes: plans.map((plan) => plan.outcome) });
    } catch (error) {
      errors.push({ key: object.key, error: failureReason(error) });
    }
  };

  const running = new Set<Promise<void>>();
  for await (const object of inventory.listRawObjects()) {
    scanned++;
    const age = now - object.lastModified.getTime();
    if (age < minAge || age > maxAge || object.key.endsWith(SES_SETUP_NOTIFICATION)) continue;
    const task = reconcileOne(object).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= (options.concurrency ?? RECONCILE_DEFAULTS.concurrency)) await Promise.race(running);
  }
  await Promise.all(running);
  return { scanned, orphaned, errors };
}
