/** Verification tokens (by hash, expiring through the table's TTL) and per-address send logs. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SendLog, TokenRecord, VerificationStore } from '../inboxes/verification-tokens';
import { SendLogRace, SEND_LIMITS } from '../inboxes/verification-tokens';
import { keys } from './keys';

const DAY_SECONDS = 24 * 60 * 60;

export class DynamoVerifications implements VerificationStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async sendLog(accountId: string, address: string): Promise<SendLog | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.verificationSends(accountId, address) }))).Item;
    return item && { accountId, address, windowStart: item.windowStart, count: item.count, lastSentAt: item.lastSentAt, version: item.version };
  }

  async recordRequest(token: TokenRecord, sendLog: SendLog, previous: SendLog | undefined): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: { ...keys.verification(token.tokenHash), ...token, createdAt: new Date().toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table,
                // Kept (TTL) as long as it can still refuse a send.
                Item: { ...keys.verificationSends(sendLog.accountId, sendLog.address), ...sendLog, expiresAt: Math.max(sendLog.windowStart + DAY_SECONDS, sendLog.lastSentAt + SEND_LIMITS.cooldownSeconds) },
                ...(previous
                  ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') throw new SendLogRace();
      throw error;
    }
  }

  async token(tokenHash: string): Promise<TokenRecord | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.verification(tokenHash) }))).Item;
    return item && { tokenHash, accountId: item.accountId, inboxId: item.inboxId, address: item.address, expiresAt: item.expiresAt, usedAt: item.usedAt };
  }

  async confirm(token: TokenRecord, now: Date): Promise<boolean> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.verification(token.tokenHash),
                UpdateExpression: 'SET usedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt > :nowSeconds',
                ExpressionAttributeValues: { ':now': now.toISOString(), ':nowSeconds': Math.floor(now.getTime() / 1000) },
              },
            },
            {
              Update: {
                TableName: this.table,
                Key: keys.inbox(token.accountId, token.inboxId),
                // Only now is mail forwarded from this address the team's own (trusted to name its inner sender).
                UpdateExpression:
                  'SET senderAddress.verified = :true, senderAddress.verifiedAt = :now, teamAddresses = :team, version = version + :one, updatedAt = :now REMOVE senderAddress.pendingTokenHash',
                ConditionExpression: 'senderAddress.pendingTokenHash = :hash AND senderAddress.address = :address',
                ExpressionAttributeValues: { ':true': true, ':now': now.toISOString(), ':team': [token.address], ':one': 1, ':hash': token.tokenHash, ':address': token.address },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }
}
