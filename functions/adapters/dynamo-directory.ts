/**
 * Accounts, users and teams in the inboxes table, all in the account's partition (`ACCOUNT#<id>`), so every
 * read is scoped by construction. Also seeds connected inboxes directly (the demo account, tests).
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setExpression, updateExisting } from './item-updates';
import { listAccountItems } from './account-items';
import { Account, LEGACY_ROLE, Role, Team, User } from '../directory/model';
import { AccountStore, ActorNotAdmin, DirectoryStore, EmailInUse, SubdomainTaken, TeamChanges, UserChanges } from '../directory/ports';
import { routingAddress } from '../inbound/domain/addresses';
import { batchGet, keyString } from './batch-get';
import { ACCOUNT_ITEMS, keys } from './keys';

export interface NewInbox {
  readonly inboxId: string;
  readonly accountId: string;
  readonly name: string;
  readonly forwardingAddress: string;
  readonly teamAddresses?: readonly string[];
  readonly trustedForwarders?: readonly string[];
}

type Stored = Record<string, unknown>;

/** The item without its keys and bookkeeping: what the API returns. */
function strip<T>(item: Stored | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, createdAt: _created, updatedAt: _updated, ...rest } = item;
  return rest as T;
}

/** A user as the API returns it; one stored before roles existed reads as LEGACY_ROLE. */
function userFrom(item: Stored | undefined): User | undefined {
  const user = strip<User>(item);
  // Kept exact by every assignment, close and reopen (inbound and API); absent until the first.
  return user && { ...user, role: user.role ?? LEGACY_ROLE, openAssigned: Number(user.openAssigned ?? 0) };
}

/** The people an account is created with administer it, unless told otherwise. */
export type AccountMember = Pick<User, 'userId' | 'email' | 'name'> & { readonly role?: Role };

export class DynamoDirectory implements DirectoryStore, AccountStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Creates an account with its first users; the subdomain must be unused. */
  async createAccount(account: Account, users: readonly AccountMember[]): Promise<void> {
    const now = new Date().toISOString();
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.table, Item: { ...keys.account(account.accountId), ...account, createdAt: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { ...keys.subdomain(account.subdomain), accountId: account.accountId }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...users.flatMap((user) =>
            this.userPuts({ ...user, email: user.email.toLowerCase(), role: user.role ?? 'admin', accountId: account.accountId, availability: 'available', capacity: null }, now),
          ),
        ],
      }),
    );
  }

  /** `createAccount` with one admin, telling a taken subdomain (the claim, item 1) apart. */
  async openAccount(account: Account, admin: Pick<User, 'userId' | 'email' | 'name'>): Promise<void> {
    try {
      await this.createAccount(account, [{ ...admin, role: 'admin' }]);
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') throw new SubdomainTaken(account.subdomain);
      throw error;
    }
  }

  async account(accountId: string): Promise<Account | undefined> {
    return strip((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.account(accountId) }))).Item);
  }

  async renameAccount(accountId: string, name: string): Promise<Account | undefined> {
    return this.update(keys.account(accountId), { name });
  }

  async users(accountId: string): Promise<User[]> {
    return (await listAccountItems(this.client, this.table, accountId, ACCOUNT_ITEMS.user)).map((item) => userFrom(item)!);
  }

  async user(accountId: string, userId: string): Promise<User | undefined> {
    return userFrom((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.user(accountId, userId) }))).Item);
  }

  async role(accountId: string, userId: string): Promise<Role | undefined> {
    const item = (
      await this.client.send(
        new GetCommand({ TableName: this.table, Key: keys.user(accountId, userId), ConsistentRead: true, ProjectionExpression: '#role, pk', ExpressionAttributeNames: { '#role': 'role' } }),
      )
    ).Item;
    return item && ((item.role as Role | undefined) ?? LEGACY_ROLE);
  }

  /** The user an email belongs to in this account (the inbound pipeline's forwarder check reads the same item). */
  async member(accountId: string, email: string): Promise<{ userId: string; email: string } | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.member(accountId, email.toLowerCase()) }))).Item;
    return item && { userId: String(item.userId), email: String(item.email) };
  }

  async usersById(accountId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, User>> {
    const found = await this.byIds<User>(userIds, (userId) => keys.user(accountId, userId));
    return new Map([...found].map(([userId, user]) => [userId, { ...user, role: user.role ?? LEGACY_ROLE }]));
  }

  /** The user and its member entry (what the inbound pipeline checks forwarders against), both new. */
  async createUser(user: User): Promise<void> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: this.userPuts(user, new Date().toISOString()) }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') throw new EmailInUse(user.email);
      throw error;
    }
  }

  async updateUser(accountId: string, userId: string, changes: UserChanges, actorId?: string): Promise<User | undefined> {
    if (changes.role === undefined || actorId === undefined) return userFrom(await updateExisting(this.client, this.table, keys.user(accountId, userId), changes));
    const isAdmin = '(#role = :admin OR attribute_not_exists(#role))';
    const update = setExpression(changes);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: this.table, Key: keys.user(accountId, userId), ...update, ConditionExpression: 'attribute_exists(pk)' } },
            {
              ConditionCheck: {
                TableName: this.table,
                Key: keys.user(accountId, actorId),
                ConditionExpression: isAdmin,
                ExpressionAttributeNames: { '#role': 'role' },
                ExpressionAttributeValues: { ':admin': 'admin' },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [target, actor] = error.CancellationReasons ?? [];
      if (target?.Code === 'ConditionalCheckFailed') return undefined;
      if (actor?.Code === 'ConditionalCheckFailed') throw new ActorNotAdmin();
      throw error;
    }
    return this.user(accountId, userId);
  }

  /** Undoes `createUser` (its sign-in could not be created): the user and its member entry. */
  async deleteUser(user: Pick<User, 'accountId' | 'userId' | 'email'>): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.table, Key: keys.user(user.accountId, user.userId) } },
          { Delete: { TableName: this.table, Key: keys.member(user.accountId, user.email), ConditionExpression: 'userId = :userId', ExpressionAttributeValues: { ':userId': user.userId } } },
        ],
      }),
    );
  }

  async teams(accountId: string): Promise<Team[]> {
    return this.list(accountId, ACCOUNT_ITEMS.team);
  }

  async team(accountId: string, teamId: string): Promise<Team | undefined> {
    return strip((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.team(accountId, teamId) }))).Item);
  }

  async teamsById(accountId: string, teamIds: readonly string[]): Promise<ReadonlyMap<string, Team>> {
    return this.byIds(teamIds, (teamId) => keys.team(accountId, teamId));
  }

  async createTeam(team: Team): Promise<void> {
    const now = new Date().toISOString();
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...keys.team(team.accountId, team.teamId), ...team, createdAt: now, updatedAt: now }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async updateTeam(accountId: string, teamId: string, changes: TeamChanges): Promise<Team | undefined> {
    return this.update(keys.team(accountId, teamId), changes);
  }

  /** Seeds a connected inbox directly, claiming its forwarding address (which must be unused). */
  async createInbox(inbox: NewInbox): Promise<void> {
    const address = routingAddress(inbox.forwardingAddress);
    const now = new Date().toISOString();
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: {
                ...keys.inbox(inbox.accountId, inbox.inboxId),
                ...inbox,
                forwardingAddress: address,
                claimedAddresses: [address],
                teamAddresses: (inbox.teamAddresses ?? []).map((email) => email.toLowerCase()),
                trustedForwarders: (inbox.trustedForwarders ?? []).map((email) => email.toLowerCase()),
                status: 'connected',
                version: 1,
                createdAt: now,
                connectedAt: now,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: { ...keys.address(address), inboxId: inbox.inboxId, accountId: inbox.accountId, address },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  }

  private userPuts(user: User, now: string) {
    return [
      { Put: { TableName: this.table, Item: { ...keys.user(user.accountId, user.userId), ...user, createdAt: now, updatedAt: now }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table, Item: { ...keys.member(user.accountId, user.email), userId: user.userId, email: user.email }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ];
  }

  private async list<T>(accountId: string, prefix: string): Promise<T[]> {
    return (await listAccountItems(this.client, this.table, accountId, prefix)).map((item) => strip<T>(item)!);
  }

  private async byIds<T>(ids: readonly string[], keyOf: (id: string) => { pk: string; sk: string }): Promise<ReadonlyMap<string, T>> {
    const found = new Map<string, T>();
    // BatchGetItem takes at most 100 keys.
    for (let start = 0; start < ids.length; start += 100) {
      const chunk = ids.slice(start, start + 100);
      const items = (await batchGet(this.client, { [this.table]: chunk.map(keyOf) })).get(this.table)!;
      for (const id of chunk) {
        const item = items.get(keyString(keyOf(id)));
        if (item) found.set(id, strip<T>(item)!);
      }
    }
    return found;
  }

  private async update<T>(key: { pk: string; sk: string }, changes: Record<string, unknown>): Promise<T | undefined> {
    return strip(await updateExisting(this.client, this.table, key, changes));
  }

}
