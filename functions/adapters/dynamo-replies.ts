/** Replies in the conversations table: what a reply reads, its Idempotency-Key, and the transaction that stores it. */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Conversation, StoredMessage } from '../conversations/model';
import type { IdempotencyRecord, OutboundMessage, ReplyRead, ReplyStore } from '../conversations/ports';
import type { InboxSending } from '../conversations/reply';
import { batchGet, keyString } from './batch-get';
import { replyItems } from './conversation-items';
import { keys, MESSAGE_SK_PREFIX } from './keys';

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const outboundFrom = (item: Record<string, unknown>): OutboundMessage => {
  const message = item as unknown as OutboundMessage;
  return { ...message, outgoing: { ...message.outgoing, text: message.text, html: message.html } };
};

export class DynamoReplies implements ReplyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { conversations: string; inboxes: string },
  ) {}

  /** In parallel (one round trip): the conversation's partition up to its notes, and the agent with the key's record. */
  async readForReply(accountId: string, userId: string, conversationId: string, idempotencyKeyHash?: string): Promise<ReplyRead | undefined> {
    const userKey = keys.user(accountId, userId);
    const idempotencyKey = idempotencyKeyHash ? keys.idempotency(accountId, idempotencyKeyHash) : undefined;
    const [partition, found] = await Promise.all([
      this.client.send(
        new QueryCommand({
          TableName: this.tables.conversations,
          KeyConditionExpression: 'pk = :pk AND sk < :notes',
          ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk, ':notes': 'NOTE#' },
          ConsistentRead: true,
        }),
      ),
      batchGet(this.client, { [this.tables.inboxes]: [userKey], ...(idempotencyKey ? { [this.tables.conversations]: [idempotencyKey] } : {}) }),
    ]);
    const items = partition.Items ?? [];
    const conversation = items.find((item) => item.sk === 'CONV');
    if (!conversation || conversation.accountId !== accountId) return undefined;
    const user = found.get(this.tables.inboxes)?.get(keyString(userKey));
    const record = idempotencyKey ? found.get(this.tables.conversations)?.get(keyString(idempotencyKey)) : undefined;
    const live = record && Number(record.expiresAt) > Date.now() / 1000;
    return {
      conversation: { ...(conversation as unknown as Conversation), assigneeId: (conversation.assigneeId as string | null | undefined) ?? null },
      messages: items.filter((item) => String(item.sk).startsWith(MESSAGE_SK_PREFIX)) as unknown as StoredMessage[],
      agent: user ? { name: String(user.name), signature: user.signature as string | undefined } : undefined,
      previous: live ? ({ conversationId: String(record.conversationId), messageId: record.messageId as string | undefined } satisfies IdempotencyRecord) : undefined,
    };
  }

  async inboxSending(accountId: string, inboxId: string): Promise<InboxSending | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.tables.inboxes, Key: keys.inbox(accountId, inboxId) }))).Item;
    if (!item) return undefined;
    const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    return {
      inboxId,
      forwardingAddress: String(item.forwardingAddress),
      senderName: item.senderName,
      senderAddress: item.senderAddress,
      ownAddresses: [String(item.forwardingAddress), ...list(item.claimedAddresses), ...list(item.teamAddresses)],
      signature: item.signature as string | undefined,
      quote: (item.replySettings as { quote?: InboxSending['quote'] } | undefined)?.quote ?? 'none',
    };
  }

  async claimIdempotencyKey(accountId: string, keyHash: string, conversationId: string): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tables.conversations,
          Item: { ...keys.idempotency(accountId, keyHash), conversationId, expiresAt: now + IDEMPOTENCY_TTL_SECONDS },
          // An expired record (emulators and DynamoDB delete lazily) may be claimed again.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async saveReply(conversation: Conversation, message: OutboundMessage, threadingId: string | undefined, idempotencyKeyHash?: string): Promise<void> {
    await this.client.send(new TransactWriteCommand({ TransactItems: replyItems(this.tables, conversation, message, threadingId, idempotencyKeyHash) }));
  }

  async outboundMessage(conversation: Conversation, messageId: string): Promise<OutboundMessage | undefined> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tables.conversations,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :messages)',
        FilterExpression: 'messageId = :id AND direction = :outbound',
        ExpressionAttributeValues: { ':pk': keys.conversation(conversation.conversationId).pk, ':messages': MESSAGE_SK_PREFIX, ':id': messageId, ':outbound': 'outbound' },
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item && outboundFrom(item);
  }

  async claimRetry(conversation: Conversation, message: OutboundMessage): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.conversations,
          Key: keys.message(conversation.conversationId, message.receivedAt, message.messageId),
          UpdateExpression: 'SET delivery.#status = :sending',
          ConditionExpression: 'delivery.#status = :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':failed': 'failed' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
}
