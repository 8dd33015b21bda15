/**
 * The local stack's domain identities: aws-ses-v2-local has no identity API (its unimplemented actions never
 * answer), so identities live in the inboxes table with made-up DKIM tokens, pending until a developer marks
 * their records as found (`npx hosted-inbox mark-domain-verified DOMAIN`). Selected by SENDING_IDENTITIES=local.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdentityState, SendingIdentities } from '../domains/ports';
import { keys } from './keys';

const stateFrom = (item: Record<string, unknown>): IdentityState => ({ status: item.verified ? 'verified' : 'pending', dkimTokens: item.dkimTokens as string[] });

export class LocalIdentities implements SendingIdentities {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async connect(domain: string): Promise<IdentityState> {
    // SES's tokens are 32 characters of a-z0-9.
    const dkimTokens = Array.from({ length: 3 }, () => randomBytes(16).toString('hex'));
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: { ...keys.localIdentity(domain), domain, dkimTokens, verified: false }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { status: 'pending', dkimTokens };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.state(domain))!;
    }
  }

  async state(domain: string): Promise<IdentityState | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.localIdentity(domain), ConsistentRead: true }))).Item;
    return item && stateFrom(item);
  }

  /** What a developer does once the records "are published": false when no account connected the domain. */
  async markVerified(domain: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: keys.localIdentity(domain), UpdateExpression: 'SET verified = :yes', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':yes': true } }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
