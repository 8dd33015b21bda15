/** Merging conversations in DynamoDB: the pointer transaction, then bounded moves (see merge-items.ts). */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation, MergeRecord } from '../conversations/model';
import type { MergeStore } from '../conversations/merge';
import { ChangedMeanwhile } from '../conversations/ports';
import { batchGet, keyString } from './batch-get';
import { lostRace } from './dynamo-attribution';
import { conversationFrom } from './dynamo-conversations';
import type { InboundTables, TransactItem } from './inbound-items';
import { keys } from './keys';
import { mergePointerItems, moveItems, threadEntryRedirect, threadIdsOf } from './merge-items';

export class DynamoMerges implements MergeStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: InboundTables,
  ) {}

  async conversation(accountId: string, conversationId: string): Promise<Conversation | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.tables.conversations, Key: keys.conversation(conversationId), ConsistentRead: true }))).Item;
    return item && item.accountId === accountId ? conversationFrom(item) : undefined;
  }

  async pair(accountId: string, sourceId: string, targetId: string) {
    const [source, target] = await Promise.all([sourceId, targetId].map((conversationId) => this.conversation(accountId, conversationId)));
    return { source, target };
  }

  async markMerged(source: Conversation, target: Conversation, record: MergeRecord): Promise<void> {
    await this.transact(mergePointerItems(this.tables, source, target, record));
  }

  async moveBatch(source: Conversation, target: Conversation, limit: number): Promise<number> {
    // The partition holds the conversation item too: one more than asked, and it is left out.
    const { Items = [] } = await this.client.send(
      new QueryCommand({ TableName: this.tables.conversations, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.conversation(source.conversationId).pk }, Limit: limit + 1, ConsistentRead: true }),
    );
    const rows = Items.filter((item) => item.sk !== 'CONV').slice(0, limit);
    if (!rows.length) return 0;
    // Thread index entries first, while the messages are still in the source: a retry after a failure
    // between the two finds the same messages and redirects the same entries (already done: a no-op).
    await this.redirectThreadEntries(source, target, rows);
    await this.transact(moveItems(this.tables, source, target, rows));
    return rows.length;
  }

  private async redirectThreadEntries(source: Conversation, target: Conversation, rows: readonly Record<string, unknown>[]): Promise<void> {
    const ids = [...new Set(rows.flatMap(threadIdsOf))];
    if (!ids.length) return;
    const threadKeys = ids.map((id) => keys.thread(source.inboxId, id));
    const found = (await batchGet(this.client, { [this.tables.conversations]: threadKeys })).get(this.tables.conversations)!;
    const ofSource = ids.filter((_id, index) => found.get(keyString(threadKeys[index]))?.conversationId === source.conversationId);
    await Promise.all(
      ofSource.map((id) =>
        this.client.send(new UpdateCommand(threadEntryRedirect(this.tables, source.inboxId, id, source.conversationId, target.conversationId))).catch((error) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }),
      ),
    );
  }

  private async transact(items: TransactItem[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (lostRace(error)) throw new ChangedMeanwhile();
      throw error;
    }
  }
}
