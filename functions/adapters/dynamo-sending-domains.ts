/** Sending domains in the inboxes table: the account's item, and a claim that keeps the domain to one account. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SendingDomain } from '../domains/model';
import { DomainTaken, IdentityState, SendingDomainStore } from '../domains/ports';
import { listAccountItems } from './account-items';
import { updateExisting } from './item-updates';
import { ACCOUNT_ITEMS, keys } from './keys';

function domainFrom(item: Record<string, unknown> | undefined): SendingDomain | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, updatedAt: _updated, ...domain } = item;
  return domain as unknown as SendingDomain;
}

export class DynamoSendingDomains implements SendingDomainStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async domain(accountId: string, domain: string): Promise<SendingDomain | undefined> {
    return domainFrom((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.sendingDomain(accountId, domain) }))).Item);
  }

  async domains(accountId: string): Promise<SendingDomain[]> {
    return (await listAccountItems(this.client, this.table, accountId, ACCOUNT_ITEMS.sendingDomain)).map((item) => domainFrom(item)!);
  }

  /** The claim may be this account's own (a repeated connect); the account's item is written only once. */
  async claim(domain: SendingDomain): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...keys.sendingDomainClaim(domain.domain), accountId: domain.accountId },
                ConditionExpression: 'attribute_not_exists(pk) OR accountId = :account',
                ExpressionAttributeValues: { ':account': domain.accountId },
              },
            },
            { Put: { TableName: this.table, Item: { ...keys.sendingDomain(domain.accountId, domain.domain), ...domain }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [claim, item] = error.CancellationReasons ?? [];
      if (claim?.Code === 'ConditionalCheckFailed') throw new DomainTaken(domain.domain);
      if (item?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async update(accountId: string, domain: string, state: IdentityState & { readonly verifiedAt?: string }): Promise<void> {
    await updateExisting(this.client, this.table, keys.sendingDomain(accountId, domain), { status: state.status, dkimTokens: state.dkimTokens, verifiedAt: state.verifiedAt });
  }
}
