/** A user's record and their sign-in, created together (or neither). */
import type { User } from './model';
import type { SignIns } from './ports';

/**
 * The sign-in first (it refuses an email that already signs in anywhere in the pool), then the record; a
 * record that cannot be written removes the sign-in again. Without a sign-in port (locally) only the record.
 */
export async function withSignIn<T>(signIns: SignIns | undefined, user: Pick<User, 'accountId' | 'userId' | 'email' | 'name'>, write: () => Promise<T>): Promise<T> {
  if (!signIns) return write();
  await signIns.create(user);
  try {
    return await write();
  } catch (error) {
    await signIns.remove(user.email);
    throw error;
  }
}
