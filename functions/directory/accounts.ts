/** Creating an account (a tenant) with its first admin: what `hosted-inbox create-account` runs. */
import { Conflict } from '../commons/errors';
import type { Account, User } from './model';
import { AccountStore, EmailInUse, SignIns, SubdomainTaken } from './ports';
import type { NewAccountInput } from './schemas';
import { withSignIn } from './sign-ins';

export interface AccountCreation {
  readonly accounts: AccountStore;
  /** Absent locally: the local stack signs tokens for any user it stores. */
  readonly signIns?: SignIns;
  readonly newId: (prefix: string) => string;
}

export async function createAccount(context: AccountCreation, input: NewAccountInput): Promise<{ account: Account; admin: User }> {
  const account: Account = { accountId: context.newId('acct'), name: input.name, subdomain: input.subdomain };
  const admin: User = {
    userId: context.newId('usr'),
    accountId: account.accountId,
    email: input.adminEmail,
    name: input.adminName ?? input.adminEmail.split('@')[0],
    role: 'admin',
    availability: 'available',
    capacity: null,
    openAssigned: 0,
  };
  try {
    await withSignIn(context.signIns, admin, () => context.accounts.openAccount(account, admin));
  } catch (error) {
    if (error instanceof SubdomainTaken) throw new Conflict('subdomain_taken', `the subdomain ${input.subdomain} belongs to another account`);
    if (error instanceof EmailInUse) throw new Conflict('email_in_use', `${input.adminEmail} already signs in (to this or another account)`);
    throw error;
  }
  return { account, admin };
}
