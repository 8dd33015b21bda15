/**
 * Accounts, members and inboxes (the part the inbound pipeline reads). The setup wizard API extends this;
 * for now it serves seeding (`npm start`) and tests.
 */
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { routingAddress } from '../inbound/domain/addresses';
import { keys } from './keys';

export interface NewInbox {
  readonly inboxId: string;
  readonly accountId: string;
  readonly name: string;
  readonly forwardingAddress: string;
  readonly teamAddresses?: readonly string[];
  readonly trustedForwarders?: readonly string[];
}

export class DynamoDirectory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly inboxesTable: string,
  ) {}

  async createAccount(account: { accountId: string; name: string; subdomain: string }, members: ReadonlyArray<{ userId: string; email: string; name: string }>): Promise<void> {
    const now = new Date().toISOString();
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.inboxesTable, Item: { ...keys.account(account.accountId), ...account, createdAt: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...members.flatMap((member) => {
            const email = member.email.toLowerCase();
            const user = { ...member, email, accountId: account.accountId, availability: 'available', createdAt: now };
            return [
              { Put: { TableName: this.inboxesTable, Item: { ...keys.user(account.accountId, member.userId), ...user } } },
              { Put: { TableName: this.inboxesTable, Item: { ...keys.member(account.accountId, email), userId: member.userId, email } } },
            ];
          }),
        ],
      }),
    );
  }

  async inbox(inboxId: string): Promise<Record<string, unknown> | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.inboxesTable, Key: keys.inbox(inboxId) }))).Item;
  }

  /** Creates the inbox and claims its forwarding address, which must be unused across all accounts. */
  async createInbox(inbox: NewInbox): Promise<void> {
    const address = routingAddress(inbox.forwardingAddress);
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.inboxesTable,
              Item: {
                ...keys.inbox(inbox.inboxId),
                ...inbox,
                forwardingAddress: address,
                teamAddresses: (inbox.teamAddresses ?? []).map((email) => email.toLowerCase()),
                trustedForwarders: (inbox.trustedForwarders ?? []).map((email) => email.toLowerCase()),
                status: 'connected',
                createdAt: new Date().toISOString(),
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.inboxesTable,
              Item: { ...keys.address(address), inboxId: inbox.inboxId, accountId: inbox.accountId, address },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }
}
