/** The demo account `npm start` creates on first start: an admin and an agent, a team and one connected inbox. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { DynamoDirectory } from '../../functions/adapters/dynamo-directory';
import type { LocalIdentity } from './local-auth';

export const DEMO_ACCOUNT_ID = 'acct_demo';

export interface DemoAccount {
  readonly accountId: string;
  readonly inboxId: string;
  readonly forwardingAddress: string;
  readonly agentEmail: string;
  readonly created: boolean;
}

export async function seedDemoAccount(): Promise<DemoAccount> {
  const { inboxDomain, tables } = config();
  const demo = { accountId: DEMO_ACCOUNT_ID, inboxId: 'inb_demo', forwardingAddress: `support@demo.${inboxDomain}`, agentEmail: 'agent@demo.example' };
  const directory = new DynamoDirectory(dynamo(), tables.inboxes);
  try {
    await directory.createAccount({ accountId: demo.accountId, name: 'Demo Company', subdomain: 'demo' }, [
      { userId: 'usr_demo_agent', email: demo.agentEmail, name: 'Demo Agent' },
      { userId: 'usr_demo_second', email: 'second@demo.example', name: 'Second Agent', role: 'agent' },
    ]);
    await directory.createTeam({ teamId: 'team_demo_support', accountId: demo.accountId, name: 'Support', memberIds: ['usr_demo_agent', 'usr_demo_second'] });
    await directory.createInbox({ inboxId: demo.inboxId, accountId: demo.accountId, name: 'Support', forwardingAddress: demo.forwardingAddress, teamAddresses: ['support@demo.example'] });
    return { ...demo, created: true };
  } catch (error) {
    if (error instanceof TransactionCanceledException) return { ...demo, created: false }; // seeded on an earlier start
    throw error;
  }
}

/** The local user behind an email in an account (the demo one unless told), for signing local tokens. */
export async function localIdentity(email: string, accountId = DEMO_ACCOUNT_ID): Promise<LocalIdentity | undefined> {
  const member = await new DynamoDirectory(dynamo(), config().tables.inboxes).member(accountId, email);
  return member && { accountId, userId: member.userId, email: member.email };
}
