/**
 * An inbox's quarantined and failed records (the receipts the inbound chain wrote, listed on the `byParent`
 * index) and its health counters, for the API. Every read is a Query of one listing or a GetItem; deleted
 * records and released ones (once their release has a result) move to a listing of their own, so they leave
 * the quarantine list and are still found by id. A record's id is its place in the listing
 * (`<receivedAt>#<receiptId>`, base64url): no extra item.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BY_PARENT_INDEX } from '../commons/table-design';
import { releaseReceiptKey } from '../inbound/domain/plan';
import { FailedItemView, quarantineItemId, QuarantineRecord, ReleaseResult } from '../quarantine/model';
import type { InboxInfo, Page, PageRequest, QuarantineStore } from '../quarantine/ports';
import { decodeCursor, queryPage } from './cursors';
import { healthQueries, inboxHealth, InboxHealthCounts } from './health-items';
import { keys, listings } from './keys';
import { quarantineCountUpdate } from './quarantine-count-items';

type Row = Record<string, unknown>;

/** Attempts of a release or delete claim that meets transaction conflicts. */
const SETTLE_ATTEMPTS = 6;

/** Neither released nor deleted yet: the condition of both claims. */
const UNSETTLED = 'outcome = :quarantined AND attribute_not_exists(releasedAt) AND attribute_not_exists(deletedAt)';
/** Out of the quarantine listing, into the handled one (still found by id). */
const UNLIST = 'gsi1pk = :handled';

/** `<receivedAt>#rc_<32 hex>`: the listing order the chain wrote. */
const LISTED_AT = /^[0-9T:.+Z-]{10,35}#rc_[0-9a-f]{32}$/;

function listedAtOf(itemId: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(itemId)) return undefined;
  const listedAt = Buffer.from(itemId, 'base64url').toString('utf8');
  return LISTED_AT.test(listedAt) ? listedAt : undefined;
}

function recordFrom(row: Row): QuarantineRecord {
  const summary = (row.summary ?? {}) as { from?: QuarantineRecord['from']; subject?: string };
  const reason = (row.reason ?? {}) as { rule?: string; evidence?: string };
  return {
    itemId: quarantineItemId(String(row.receivedAt), String(row.receiptId)),
    inboxId: String(row.inboxId),
    accountId: String(row.accountId),
    receiptKey: String(row.pk).slice('RECEIPT#'.length),
    receivedAt: String(row.receivedAt),
    raw: row.raw as QuarantineRecord['raw'],
    classification: String(row.classification),
    rule: String(reason.rule),
    evidence: String(reason.evidence ?? ''),
    from: summary.from ?? null,
    subject: summary.subject ?? '',
    verdicts: row.verdicts as QuarantineRecord['verdicts'],
    address: row.address as string | undefined,
    replyToken: row.replyToken as string | undefined,
    skippedRules: (row.skippedRules as string[] | undefined) ?? [],
    released: row.releasedAt ? { releasedBy: String(row.releasedBy), releasedAt: String(row.releasedAt), result: row.releaseResult as ReleaseResult | undefined } : undefined,
    deleted: row.deletedAt ? { deletedBy: String(row.deletedBy), deletedAt: String(row.deletedAt) } : undefined,
  };
}

function failedFrom(row: Row): FailedItemView {
  const summary = row.summary as { from?: FailedItemView['from']; subject?: string } | undefined;
  return { receivedAt: String(row.receivedAt), reason: String(row.reason), from: summary?.from ?? null, subject: summary?.subject ?? null };
}

export class DynamoQuarantine implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { conversations: string; inboxes: string },
  ) {}

  async inbox(accountId: string, inboxId: string): Promise<InboxInfo | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.inboxes, Key: keys.inbox(accountId, inboxId) }));
    return Item && { forwardingAddress: String(Item.forwardingAddress), forwardingConfirmation: Item.forwardingConfirmation as InboxInfo['forwardingConfirmation'] };
  }

  listQuarantined(inboxId: string, page: PageRequest): Promise<Page<QuarantineRecord>> {
    return this.page(listings.quarantine(inboxId), page, recordFrom);
  }

  listFailed(inboxId: string, page: PageRequest): Promise<Page<FailedItemView>> {
    return this.page(listings.failedIn(inboxId), page, failedFrom);
  }

  private async page<T>(partition: string, page: PageRequest, map: (row: Row) => T): Promise<Page<T>> {
    // A cursor continues this listing only: its index partition, and a receipt item of this inbox.
    const start = page.cursor ? decodeCursor(page.cursor, BY_PARENT_INDEX, (key) => key.gsi1pk === partition && key.pk.startsWith('RECEIPT#') && key.sk.startsWith('INBOX#') && LISTED_AT.test(key.gsi1sk)) : undefined;
    const { items, cursor } = await queryPage(this.client, { table: this.tables.conversations, index: BY_PARENT_INDEX, partition, newestFirst: true }, { limit: page.limit, start });
    return { items: items.map(map), ...(cursor ? { cursor } : {}) };
  }

  async find(inboxId: string, itemId: string): Promise<QuarantineRecord | undefined> {
    const listedAt = listedAtOf(itemId);
    if (!listedAt) return undefined;
    const found = await Promise.all(
      [listings.quarantine(inboxId), listings.quarantineHandled(inboxId)].map((partition) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tables.conversations,
            IndexName: BY_PARENT_INDEX.indexName,
            KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk = :listedAt',
            ExpressionAttributeValues: { ':partition': partition, ':listedAt': listedAt },
          }),
        ),
      ),
    );
    const row = found.flatMap((result) => result.Items ?? []).find((item) => item.inboxId === inboxId && item.outcome === 'quarantined');
    return row && recordFrom(row);
  }

  /**
   * Released by `releasedBy`, whichever of a release and a delete comes first, once. The record stays listed
   * (and counted) until its release has a result: a release that crashes or times out midway is still in the
   * Quarantine view, and releasing it again finishes it.
   */
  async claimRelease(record: QuarantineRecord, releasedBy: string, releasedAt: string): Promise<QuarantineRecord> {
    const claimed = await this.settle(record, { update: 'SET releasedBy = :by, releasedAt = :at', condition: UNSETTLED, values: { ':by': releasedBy, ':at': releasedAt, ':quarantined': 'quarantined' } });
    return claimed ? { ...record, released: { releasedBy, releasedAt } } : this.reread(record);
  }

  /** Deleted, whichever comes first, once: it leaves the listing and the count at once. */
  async markDeleted(record: QuarantineRecord, deletedBy: string, deletedAt: string): Promise<QuarantineRecord> {
    const deleted = await this.settle(record, { update: `SET deletedBy = :by, deletedAt = :at, ${UNLIST}`, condition: UNSETTLED, values: { ':by': deletedBy, ':at': deletedAt, ':quarantined': 'quarantined' } }, true);
    return deleted ? { ...record, deleted: { deletedBy, deletedAt } } : this.reread(record);
  }

  /**
   * The release's result, kept on the record: the first request to record it moves the record to the handled
   * listing and takes it off the count; racing requests (the same result) find it moved and change nothing.
   */
  async recordReleaseResult(record: QuarantineRecord, result: ReleaseResult): Promise<void> {
    await this.settle(record, { update: `SET releaseResult = :result, ${UNLIST}`, condition: 'attribute_exists(releasedAt) AND gsi1pk = :listed', values: { ':result': result, ':listed': listings.quarantine(record.inboxId) } }, true);
  }

  /**
   * One conditional transaction on the record (and, when it leaves the listing, the inbox's quarantine count
   * down by one with it): true when it applied, false when its condition failed (another request came first).
   * Every transition that leaves the listing is conditional on the record still being in it or unclaimed, and
   * a claimed record cannot be deleted, so the count goes down exactly once per record.
   */
  private async settle(record: QuarantineRecord, change: { update: string; condition: string; values: Row }, leavesListing = false): Promise<boolean> {
    const Key = keys.receipt(record.receiptKey, record.inboxId);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tables.conversations,
                  Key,
                  UpdateExpression: change.update,
                  ConditionExpression: change.condition,
                  ExpressionAttributeValues: { ...change.values, ...(leavesListing ? { ':handled': listings.quarantineHandled(record.inboxId) } : {}) },
                },
              },
              ...(leavesListing ? [quarantineCountUpdate(this.tables.conversations, record.inboxId, record.receiptKey, -1)] : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [claim] = error.CancellationReasons ?? [];
        if (claim?.Code === 'ConditionalCheckFailed') return false;
        // A racing claim or count update: try again (the condition then decides).
        if (attempt >= SETTLE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  }

  /** The record as the request that came first left it. */
  private async reread(record: QuarantineRecord): Promise<QuarantineRecord> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tables.conversations, Key: keys.receipt(record.receiptKey, record.inboxId), ConsistentRead: true }));
    return recordFrom(Item!);
  }

  async releaseResult(record: QuarantineRecord): Promise<ReleaseResult | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tables.conversations, Key: keys.receipt(releaseReceiptKey(record.receiptKey), record.inboxId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const outcome = Item.outcome === 'unroutable' ? 'failed' : (Item.outcome as ReleaseResult['outcome']);
    const reason = Item.reason as { rule?: string; evidence?: string } | string | undefined;
    return {
      outcome,
      ...(Item.conversationId ? { conversationId: String(Item.conversationId), messageId: String(Item.messageId) } : {}),
      ...(outcome === 'quarantined' ? { itemId: quarantineItemId(String(Item.receivedAt), String(Item.receiptId)) } : {}),
      ...(typeof reason === 'string' ? { reason } : reason?.rule && outcome !== 'stored' ? { reason: outcome === 'quarantined' ? `${reason.rule}: ${reason.evidence}` : reason.evidence } : {}),
    };
  }

  async health(inboxId: string, now: Date): Promise<InboxHealthCounts> {
    const { partition, days, hours } = healthQueries(inboxId, now);
    const [dayRows, hourRows] = await Promise.all(
      [days, hours].map(async (range) => {
        const result = await this.client.send(
          new QueryCommand({
            TableName: this.tables.conversations,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': partition, ':from': range.from, ':to': range.to },
            ScanIndexForward: !range.newestFirst,
            Limit: range.limit,
          }),
        );
        return result.Items ?? [];
      }),
    );
    return inboxHealth(dayRows, hourRows, now);
  }
}

/** Unroutable mail as the operator's command shows it. */
export interface UnroutableRecord {
  readonly receivedAt: string;
  readonly reason: string;
  readonly addressesSeen: readonly string[];
  readonly from: { readonly email: string; readonly name: string } | null;
  readonly subject: string | null;
  readonly raw: { readonly bucket: string; readonly key: string };
}

/** Mail that reached no inbox since `since`, newest first: one Query of the platform-wide listing, at most `limit`. */
export async function listUnroutable(client: DynamoDBDocumentClient, table: string, options: { since: string; limit: number }): Promise<{ items: UnroutableRecord[]; more: boolean }> {
  const result = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: BY_PARENT_INDEX.indexName,
      KeyConditionExpression: 'gsi1pk = :partition AND gsi1sk >= :since',
      ExpressionAttributeValues: { ':partition': listings.unroutable(), ':since': options.since },
      ScanIndexForward: false,
      Limit: options.limit,
    }),
  );
  const items = (result.Items ?? []).map((row) => {
    const summary = row.summary as { from?: UnroutableRecord['from']; subject?: string } | undefined;
    return { receivedAt: String(row.receivedAt), reason: String(row.reason), addressesSeen: (row.addressesSeen as string[] | undefined) ?? [], from: summary?.from ?? null, subject: summary?.subject ?? null, raw: row.raw as UnroutableRecord['raw'] };
  });
  return { items, more: !!result.LastEvaluatedKey };
}
