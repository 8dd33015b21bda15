/**
 * Inboxes in their account's partition, and the address routes they claim (`ADDRESS#…`, unique across all
 * accounts, read by the inbound pipeline). A save moves claims and updates the inbox in one transaction,
 * conditional on the version the wizard read.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { listAccountItems } from './account-items';
import type { Inbox } from '../inboxes/model';
import { AddressTaken, InboxStore, StaleInbox } from '../inboxes/ports';
import { setExpression } from './item-updates';
import { ACCOUNT_ITEMS, keys } from './keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What the wizard owns on the item; everything else (the Gmail confirmation the pipeline writes) is left alone. */
const WIZARD_FIELDS = [
  'name', 'status', 'forwardingAddress', 'senderName', 'senderAddress', 'assignment', 'tickets',
  'teamAddresses', 'trustedForwarders', 'membersTrusted', 'claimedAddresses', 'version', 'connectedAt',
  'signature', 'replySettings',
] as const satisfies readonly (keyof Inbox)[];

function toInbox(item: Record<string, unknown> | undefined): Inbox | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, updatedAt: _updated, ...inbox } = item;
  // Inboxes stored before the switch existed trust the account's users, as the inbound chain always did.
  return { ...inbox, membersTrusted: inbox.membersTrusted !== false } as unknown as Inbox;
}

export class DynamoInboxes implements InboxStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async inbox(accountId: string, inboxId: string): Promise<Inbox | undefined> {
    return toInbox((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.inbox(accountId, inboxId) }))).Item);
  }

  async inboxes(accountId: string): Promise<Inbox[]> {
    return (await listAccountItems(this.client, this.table, accountId, ACCOUNT_ITEMS.inbox)).map((item) => toInbox(item)!);
  }

  async create(inbox: Inbox): Promise<void> {
    const now = new Date().toISOString();
    await this.transact(inbox.claimedAddresses, [
      { Put: { TableName: this.table, Item: { ...keys.inbox(inbox.accountId, inbox.inboxId), ...inbox, updatedAt: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...inbox.claimedAddresses.map((address) => this.claim(inbox, address)),
    ]);
  }

  async save(previous: Inbox, next: Inbox): Promise<void> {
    const released = previous.claimedAddresses.filter((address) => !next.claimedAddresses.includes(address));
    const claimed = next.claimedAddresses.filter((address) => !previous.claimedAddresses.includes(address));
    const fields = Object.fromEntries(WIZARD_FIELDS.map((field) => [field, next[field]]));
    const update = setExpression(fields);
    await this.transact(claimed, [
      {
        Update: {
          TableName: this.table,
          Key: keys.inbox(next.accountId, next.inboxId),
          ...update,
          ConditionExpression: '#version = :previousVersion',
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':previousVersion': previous.version },
        },
      },
      ...claimed.map((address) => this.claim(next, address)),
      ...released.map((address) => ({
        Delete: {
          TableName: this.table,
          Key: keys.address(address),
          ConditionExpression: 'inboxId = :inboxId',
          ExpressionAttributeValues: { ':inboxId': next.inboxId },
        },
      })),
    ]);
  }

  private claim(inbox: Inbox, address: string): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...keys.address(address), inboxId: inbox.inboxId, accountId: inbox.accountId, address },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  /** Item 0 is the inbox; items 1..claims.length claim `claims` in order. */
  private async transact(claims: readonly string[], items: TransactItem[]): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const taken = claims.find((_address, index) => reasons[index + 1]?.Code === 'ConditionalCheckFailed');
      if (taken) throw new AddressTaken(taken);
      if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new StaleInbox();
      throw error;
    }
  }
}
