/**
 * Re-attribution's storage: a message found by its id alone (its locator, then the message and its
 * conversation, read in parallel), and the one transaction of a correction (see message-items.ts).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributionStore, InboxTrust, LocatedMessage, Reattribution } from '../conversations/attribution';
import { ChangedMeanwhile } from '../conversations/ports';
import type { InboundTables } from './inbound-items';
import { keys } from './keys';
import { reattributionItems } from './message-items';
import { conversationFrom, Row } from './dynamo-conversations';

/** A cancelled transaction lost a race (a condition read earlier no longer holds): decide again. */
export function lostRace(error: unknown): boolean {
  return error instanceof TransactionCanceledException && !!error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict');
}

export class DynamoAttribution implements AttributionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: InboundTables,
  ) {}

  async locate(accountId: string, messageId: string): Promise<LocatedMessage | undefined> {
    const ref = await this.get(this.tables.conversations, keys.messageRef(messageId));
    if (!ref || ref.accountId !== accountId) return undefined;
    const conversationKey = keys.conversation(String(ref.conversationId));
    const [message, conversation] = await Promise.all([
      this.get(this.tables.conversations, { pk: conversationKey.pk, sk: String(ref.messageSk) }),
      this.get(this.tables.conversations, conversationKey),
    ]);
    if (!message || !conversation || message.direction !== 'inbound' || conversation.accountId !== accountId) return undefined;
    return {
      message: message as unknown as LocatedMessage['message'],
      conversation: conversationFrom(conversation),
      // The conversation was created with its first message; one moved in by a merge started another.
      startsConversation: message.receivedAt === conversation.createdAt && !message.mergedFrom,
    };
  }

  async contactName(accountId: string, contactId: string): Promise<string | undefined> {
    const item = await this.get(this.tables.contacts, keys.contact(accountId, contactId));
    return typeof item?.name === 'string' && item.name ? item.name : undefined;
  }

  async inboxTrust(accountId: string, inboxId: string): Promise<InboxTrust | undefined> {
    const item = await this.get(this.tables.inboxes, keys.inbox(accountId, inboxId));
    return item && { trustedForwarders: (item.trustedForwarders as string[] | undefined) ?? [], version: Number(item.version ?? 0) };
  }

  async reattribute(change: Reattribution): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: reattributionItems(this.tables, change, new Date().toISOString()) }));
    } catch (error) {
      if (lostRace(error)) throw new ChangedMeanwhile();
      throw error;
    }
  }

  private async get(TableName: string, Key: { pk: string; sk: string }): Promise<Row | undefined> {
    return (await this.client.send(new GetCommand({ TableName, Key, ConsistentRead: true }))).Item;
  }
}
