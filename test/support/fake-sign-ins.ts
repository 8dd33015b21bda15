/**
 * A stand-in for the Cognito user pool (no local Cognito server exists): records the sign-ins created and
 * removed, and refuses an email that already signs in, as AdminCreateUser does.
 */
import { EmailInUse, SignIns } from '../../functions/directory/ports';
import type { User } from '../../functions/directory/model';

export class FakeSignIns implements SignIns {
  readonly users = new Map<string, Pick<User, 'accountId' | 'userId' | 'email' | 'name'>>();
  readonly removed: string[] = [];

  async create(user: Pick<User, 'accountId' | 'userId' | 'email' | 'name'>): Promise<void> {
    if (this.users.has(user.email)) throw new EmailInUse(user.email);
    this.users.set(user.email, user);
  }

  async remove(email: string): Promise<void> {
    this.users.delete(email);
    this.removed.push(email);
  }
}
