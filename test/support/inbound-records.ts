/**
 * What tests read of what inbound processing wrote — receipts, conversations, messages, contacts, listings —
 * and the status change tests make. Production reads these through the API's use cases, never through this.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ConversationStatus } from '../../functions/conversations/model';
import { DynamoConversations, queryAll, Row } from '../../functions/adapters/dynamo-conversations';
import { keys, listings, MESSAGE_SK_PREFIX } from '../../functions/adapters/keys';
import { BY_PARENT_INDEX } from '../../functions/commons/table-design';

export class InboundRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { conversations: string; contacts: string; inboxes: string },
  ) {}

  /** The raw object's receipt: its only one, or the first of those per inbox (see `receipts`). */
  async receipt(receiptKey: string): Promise<Row | undefined> {
    return (await this.receipts(receiptKey))[0];
  }

  /** Every receipt of a raw object: one per inbox it reached, or the object's own. */
  receipts(receiptKey: string): Promise<Row[]> {
    return queryAll(this.client, {
      TableName: this.tables.conversations,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.receipt(receiptKey).pk },
      ConsistentRead: true,
    });
  }

  conversation(conversationId: string): Promise<Row | undefined> {
    return this.get(this.tables.conversations, keys.conversation(conversationId));
  }

  contact(accountId: string, contactId: string): Promise<Row | undefined> {
    return this.get(this.tables.contacts, keys.contact(accountId, contactId));
  }

  /** Messages of a conversation, oldest first. */
  messages(conversationId: string): Promise<Row[]> {
    return queryAll(this.client, {
      TableName: this.tables.conversations,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :messages)',
      ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':messages': MESSAGE_SK_PREFIX },
    });
  }

  /** An inbox's conversations, most recently active first. */
  inboxConversations(inboxId: string): Promise<Row[]> {
    return this.listed(listings.conversations(inboxId));
  }

  quarantine(inboxId: string): Promise<Row[]> {
    return this.listed(listings.quarantine(inboxId));
  }

  /**
   * Opens or closes a conversation through the store the API uses: the views and the assignee's open count
   * follow in the same transaction. Setting the status it already has changes nothing.
   */
  async setStatus(conversationId: string, status: ConversationStatus): Promise<void> {
    const item = await this.conversation(conversationId);
    if (!item) throw new Error(`no conversation ${conversationId}`);
    const store = new DynamoConversations(this.client, this.tables);
    const conversation = (await store.conversationOf(String(item.accountId), conversationId))!;
    if (conversation.status !== status) await store.change(conversation, { status, assigneeId: conversation.assigneeId });
  }

  /** The raw inbox item (what the inbound pipeline wrote on it, e.g. a forwarding confirmation). */
  inboxItem(accountId: string, inboxId: string): Promise<Row | undefined> {
    return this.get(this.tables.inboxes, keys.inbox(accountId, inboxId));
  }

  private listed(gsi1pk: string): Promise<Row[]> {
    return queryAll(this.client, {
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
}
