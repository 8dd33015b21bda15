/**
 * Conversations with their messages and notes, for the API. Every list is a Query on the index built for it,
 * never a Scan; a status or assignee change writes the view keys and counts in the same transaction. (What
 * tests read of inbound records directly is in `test/support/inbound-records.ts`.)
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BY_ASSIGNEE_INDEX, BY_INBOX_ASSIGNEE_INDEX, BY_STATUS_INDEX, IndexDesign } from '../commons/table-design';
import type { Conversation, ConversationStatus, Note, StoredMessage } from '../conversations/model';
import { ChangedMeanwhile, ConversationStore, Listing, Page, ViewCounts } from '../conversations/ports';
import { batchGet, keyString } from './batch-get';
import { decodeCursor, Key, queryPage } from './cursors';
import { assignedCountAttribute, assigneeCondition, openAssignedItems, VIEW_COUNT_SHARDS, viewCountItem, viewKeyClauses } from './conversation-items';
import { keys, listings, MESSAGE_SK_PREFIX, NOTE_SK_PREFIX } from './keys';
import { quarantineCountKeys, quarantineCountOf } from './quarantine-count-items';

export type Row = Record<string, unknown>;

/** The index and partition of a view. */
function listingIndex(listing: Listing): { index: IndexDesign; partition: string } {
  if (listing.kind === 'assigned-everywhere') return { index: BY_ASSIGNEE_INDEX, partition: listings.openConversationsAssignedTo(listing.accountId, listing.userId) };
  switch (listing.view) {
    case 'unassigned':
      return { index: BY_INBOX_ASSIGNEE_INDEX, partition: listings.openConversationsOf(listing.inboxId, null) };
    case 'mine':
      return { index: BY_INBOX_ASSIGNEE_INDEX, partition: listings.openConversationsOf(listing.inboxId, listing.userId) };
    case 'open':
    case 'closed':
      return { index: BY_STATUS_INDEX, partition: listings.conversationsByStatus(listing.inboxId, listing.view) };
  }
}

/** This listing's partition, a conversation item, and that conversation's place in the listing; else InvalidCursor. */
function startOf(cursor: string, index: IndexDesign, partition: string): Key {
  return decodeCursor(cursor, index, (start) =>
    start[index.partitionKey] === partition && start.sk === 'CONV' && start.pk.startsWith('CONV#') && start[index.sortKey].endsWith(`#${start.pk.slice('CONV#'.length)}`),
  );
}

/** Every item a Query matches, page after page. */
export async function queryAll(client: DynamoDBDocumentClient, input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Row[]> {
  const rows: Row[] = [];
  let ExclusiveStartKey: Row | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    rows.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return rows;
}

export const conversationFrom = (item: Row): Conversation => ({ ...(item as unknown as Conversation), assigneeId: (item.assigneeId as string | null | undefined) ?? null });

export class DynamoConversations implements ConversationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { conversations: string; inboxes: string },
  ) {}

  async change(conversation: Conversation, after: { status: ConversationStatus; assigneeId: string | null }): Promise<Conversation> {
    const { accountId, inboxId, conversationId } = conversation;
    const before = { status: conversation.status, assigneeId: conversation.assigneeId ?? null };
    const views = viewKeyClauses({ ...conversation, ...after });
    const was = assigneeCondition(before.assigneeId);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.conversations,
                Key: keys.conversation(conversationId),
                UpdateExpression: `SET #status = :status, assigneeId = :assignee, updatedAt = :now, ${views.set.join(', ')}${views.remove.length ? ` REMOVE ${views.remove.join(', ')}` : ''}`,
                ConditionExpression: `#status = :was AND ${was.expression}`,
                ExpressionAttributeNames: { '#status': 'status', ...views.names },
                ExpressionAttributeValues: { ':status': after.status, ':assignee': after.assigneeId, ':now': new Date().toISOString(), ':was': before.status, ...was.values, ...views.values },
              },
            },
            ...viewCountItem(this.tables.conversations, { inboxId, conversationId }, before, after),
            ...openAssignedItems(this.tables.inboxes, accountId, before, after),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') throw new ChangedMeanwhile();
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) throw new ChangedMeanwhile();
      throw error;
    }
    return { ...conversation, ...after };
  }

  async conversationOf(accountId: string, conversationId: string): Promise<Conversation | undefined> {
    const item = await this.get(this.tables.conversations, keys.conversation(conversationId), true);
    return item && item.accountId === accountId ? conversationFrom(item) : undefined;
  }

  async thread(accountId: string, conversationId: string) {
    const items = await queryAll(this.client, {
      TableName: this.tables.conversations,
      // The conversation, its messages and notes; not its participant items, which sort after them.
      KeyConditionExpression: 'pk = :pk AND sk < :participants',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':participants': 'PARTICIPANT#' },
    });
    const conversation = items.find((item) => item.sk === 'CONV');
    if (!conversation || conversation.accountId !== accountId) return undefined;
    return {
      conversation: conversationFrom(conversation),
      messages: items.filter((item) => String(item.sk).startsWith(MESSAGE_SK_PREFIX)) as unknown as StoredMessage[],
      notes: items.filter((item) => String(item.sk).startsWith(NOTE_SK_PREFIX)).map(({ noteId, authorId, text, createdAt }) => ({ noteId, authorId, text, createdAt }) as Note),
    };
  }

  async inboxExists(accountId: string, inboxId: string): Promise<boolean> {
    return !!(await this.get(this.tables.inboxes, keys.inbox(accountId, inboxId)));
  }

  /** One page of a view: a Query on its index, newest activity first. */
  async list(listing: Listing, page: Page): Promise<{ conversations: Conversation[]; cursor?: string }> {
    const { index, partition } = listingIndex(listing);
    const start = page.cursor === undefined ? undefined : startOf(page.cursor, index, partition);
    const found = await queryPage(this.client, { table: this.tables.conversations, index, partition, newestFirst: true }, { limit: page.limit, start });
    return { conversations: found.items.map(conversationFrom), cursor: found.cursor };
  }

  /** One BatchGetItem of the inbox's count shards, summed. */
  async viewCounts(inboxId: string, userId: string): Promise<ViewCounts> {
    const shardKeys = Array.from({ length: VIEW_COUNT_SHARDS }, (_unused, shard) => keys.viewCounts(inboxId, shard));
    const quarantineKeys = quarantineCountKeys(inboxId);
    // One BatchGetItem: the view counts' shards and the quarantine count's.
    const found = (await batchGet(this.client, { [this.tables.conversations]: [...shardKeys, ...quarantineKeys] })).get(this.tables.conversations)!;
    const sum = (name: string) => shardKeys.reduce((total, key) => total + Number(found.get(keyString(key))?.[name] ?? 0), 0);
    return {
      unassigned: sum('unassigned'),
      mine: sum(assignedCountAttribute(userId)),
      open: sum('open'),
      closed: sum('closed'),
      quarantined: quarantineCountOf(quarantineKeys.map((key) => found.get(keyString(key)))),
    };
  }

  async addNote(conversation: Conversation, note: Note): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tables.conversations,
        Item: { pk: keys.conversation(conversation.conversationId).pk, sk: `${NOTE_SK_PREFIX}${note.createdAt}#${note.noteId}`, conversationId: conversation.conversationId, ...note },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private async get(TableName: string, Key: Row, ConsistentRead?: boolean): Promise<Row | undefined> {
    return (await this.client.send(new GetCommand({ TableName, Key, ConsistentRead }))).Item;
  }

}
