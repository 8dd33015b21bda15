/** The demo account `npm start` creates on first start: one agent and one connected inbox. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { DynamoDirectory } from '../../functions/adapters/dynamo-directory';

export interface DemoAccount {
  readonly accountId: string;
  readonly inboxId: string;
  readonly forwardingAddress: string;
  readonly agentEmail: string;
  readonly created: boolean;
}

export async function seedDemoAccount(): Promise<DemoAccount> {
  const { inboxDomain, tables } = config();
  const demo = { accountId: 'acct_demo', inboxId: 'inb_demo', forwardingAddress: `support@demo.${inboxDomain}`, agentEmail: 'agent@demo.example' };
  const directory = new DynamoDirectory(dynamo(), tables.inboxes);
  try {
    await directory.createAccount({ accountId: demo.accountId, name: 'Demo Company', subdomain: 'demo' }, [{ userId: 'usr_demo_agent', email: demo.agentEmail, name: 'Demo Agent' }]);
    await directory.createInbox({ inboxId: demo.inboxId, accountId: demo.accountId, name: 'Support', forwardingAddress: demo.forwardingAddress, teamAddresses: ['support@demo.example'] });
    return { ...demo, created: true };
  } catch (error) {
    if (error instanceof TransactionCanceledException) return { ...demo, created: false }; // seeded on an earlier start
    throw error;
  }
}
