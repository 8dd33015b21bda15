/** Reads of conversations, messages, contacts and inbound records. Every list is a Query, never a Scan. */
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { BY_PARENT_INDEX } from '../commons/table-design';
import { keys, listings, MESSAGE_SK_PREFIX } from './keys';

export type Row = Record<string, unknown>;

export class DynamoConversations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { conversations: string; contacts: string; inboxes: string },
  ) {}

  /** The raw object's receipt: its only one, or the first of those per inbox (see `receipts`). */
  async receipt(receiptKey: string): Promise<Row | undefined> {
    return (await this.receipts(receiptKey))[0];
  }

  /** Every receipt of a raw object: one per inbox it reached, or the object's own. */
  async receipts(receiptKey: string): Promise<Row[]> {
    return this.queryAll({
      TableName: this.tables.conversations,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.receipt(receiptKey).pk },
      ConsistentRead: true,
    });
  }

  async conversation(conversationId: string): Promise<Row | undefined> {
    return this.get(this.tables.conversations, keys.conversation(conversationId));
  }

  async contact(accountId: string, contactId: string): Promise<Row | undefined> {
    return this.get(this.tables.contacts, keys.contact(accountId, contactId));
  }

  /** Messages of a conversation, oldest first. */
  async messages(conversationId: string): Promise<Row[]> {
    return this.queryAll({
      TableName: this.tables.conversations,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :messages)',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':messages': MESSAGE_SK_PREFIX },
    });
  }

  /** An inbox's conversations, most recently active first. */
  async inboxConversations(inboxId: string): Promise<Row[]> {
    return this.listed(listings.conversations(inboxId));
  }

  async quarantine(inboxId: string): Promise<Row[]> {
    return this.listed(listings.quarantine(inboxId));
  }

  /**
   * Opens or closes a conversation; the assignee's count of open conversations (what capacity limits) follows
   * in the same transaction. Setting the status it already has changes nothing.
   */
  async setStatus(conversationId: string, status: 'open' | 'closed'): Promise<void> {
    const conversation = await this.conversation(conversationId);
    if (!conversation) throw new Error(`no conversation ${conversationId}`);
    if (conversation.status === status) return;
    const assigneeId = conversation.assigneeId as string | null | undefined;
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tables.conversations,
              Key: keys.conversation(conversationId),
              UpdateExpression: 'SET #status = :status',
              ConditionExpression: '#status = :was',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':was': conversation.status },
            },
          },
          ...(assigneeId
            ? [{ Update: { TableName: this.tables.inboxes, Key: keys.user(String(conversation.accountId), assigneeId), UpdateExpression: 'ADD openAssigned :change', ExpressionAttributeValues: { ':change': status === 'closed' ? -1 : 1 } } }]
            : []),
        ],
      }),
    );
  }

  private listed(gsi1pk: string): Promise<Row[]> {
    return this.queryAll({
      TableName: this.tables.conversations,
      IndexName: BY_PARENT_INDEX.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      ScanIndexForward: false,
    });
  }

  private async get(TableName: string, Key: Row): Promise<Row | undefined> {
    return (await this.client.send(new GetCommand({ TableName, Key }))).Item;
  }

  private async queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Row[]> {
    const rows: Row[] = [];
    let ExclusiveStartKey: Row | undefined;
    do {
      const page = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      rows.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return rows;
  }
}
