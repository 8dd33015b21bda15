/**
 * The console's Cognito sign-in (console/src/auth/cognito.ts) against cognito-local, a real server speaking
 * Cognito's wire protocol: a user created by the app's own adapter (AdminCreateUser, as `POST /users` and
 * `create-account` do) signs in with the temporary password, is made to choose a new one, gets an ID token with
 * the claims the API reads, renews it with the refresh token, and signs out. cognito-local has no SRP, so these
 * runs prove the password with USER_PASSWORD_AUTH; the console uses SRP (the default, checked below), whose
 * exchange is amazon-cognito-identity-js's.
 */
import { AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { CognitoAuth, PasswordFlow, SignInStep } from '../../console/src/auth/cognito';
import { CognitoSignIns } from '../../functions/adapters/cognito-sign-ins';
import { CLAIMS } from '../../functions/api/routes';
import { CognitoLocal, startCognitoLocal } from '../support/cognito-local';

/** sessionStorage's contract, in memory. */
class TabStorage {
  readonly items = new Map<string, string>();
  setItem(key: string, value: string) { this.items.set(key, value); }
  getItem(key: string) { return this.items.get(key) ?? null; }
  removeItem(key: string) { this.items.delete(key); }
  clear() { this.items.clear(); }
}

const TEMPORARY = 'Temporary-Pass-123';
const CHOSEN = 'Chosen-Password-456!';

let cognito: CognitoLocal;
beforeAll(async () => {
  cognito = await startCognitoLocal();
}, 30_000);
afterAll(() => cognito?.stop());

/** A user as the app creates them, with the temporary password an administrator would hand over. */
async function invitedUser(email: string): Promise<void> {
  await new CognitoSignIns(cognito.admin, cognito.userPoolId).create({ accountId: 'acc-1', userId: 'usr-1', email, name: 'Alice' });
  await cognito.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: cognito.userPoolId, Username: email, Password: TEMPORARY, Permanent: false }));
}

/** The console's sign-in over a tab's storage; `flow` null: the console's default. */
function auth(storage = new TabStorage(), flow: PasswordFlow | null = 'USER_PASSWORD_AUTH') {
  return { storage, auth: new CognitoAuth({ userPoolId: cognito.userPoolId, clientId: cognito.clientId, storage, endpoint: cognito.endpoint, flow: flow ?? undefined }) };
}

function signedIn(step: SignInStep) {
  if (step.kind !== 'signedIn') throw new Error(`expected signedIn, got ${step.kind}`);
  return step.tokens;
}

/**
 * A user past their first sign-in, signed in again in a fresh tab (cognito-local records refresh tokens only
 * from InitiateAuth, not from the answer to the new-password challenge).
 */
async function signedInTab(email: string) {
  await invitedUser(email);
  const first = await auth().auth.signIn(email, TEMPORARY);
  if (first.kind !== 'newPasswordRequired') throw new Error('expected the new password step');
  signedIn(await first.completeNewPassword(CHOSEN));
  const tab = auth();
  return { ...tab, tokens: signedIn(await tab.auth.signIn(email, CHOSEN)) };
}

const storedTokenKeys = (storage: TabStorage) => [...storage.items.keys()].filter((key) => /idToken|accessToken|refreshToken/.test(key));
const storedIdTokens = (storage: TabStorage) => [...storage.items].filter(([key]) => key.endsWith('.idToken')).map(([, value]) => value);

test('first sign-in: the temporary password leads to choosing a new one, then an ID token with the API\'s claims, kept in the tab\'s storage', async () => {
  await invitedUser('alice@acme.example');
  const { auth: tab, storage } = auth();

  const first = await tab.signIn('alice@acme.example', TEMPORARY);
  expect(first.kind).toBe('newPasswordRequired');
  expect(storedIdTokens(storage)).toEqual([]);
  if (first.kind !== 'newPasswordRequired') return;
  const tokens = signedIn(await first.completeNewPassword(CHOSEN));

  const claims = decodeJwt(tokens.idToken);
  expect(claims).toEqual(expect.objectContaining({
    token_use: 'id',
    aud: cognito.clientId,
    iss: `${cognito.endpoint}${cognito.userPoolId}`,
    [CLAIMS.email]: 'alice@acme.example',
    [CLAIMS.accountId]: 'acc-1',
    [CLAIMS.userId]: 'usr-1',
  }));
  expect(tokens.expiresAt).toBe(claims.exp! * 1000);
  expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 10 * 60_000);
  expect(storedIdTokens(storage)).toEqual([tokens.idToken]);

  // The new password is now the password: no challenge any more; the temporary one is refused in words.
  expect(signedIn(await auth().auth.signIn('alice@acme.example', CHOSEN)).idToken).toEqual(expect.any(String));
  await expect(auth().auth.signIn('alice@acme.example', TEMPORARY)).rejects.toThrow(/password/i);
});

test('a stored session is reused while fresh and renewed with the refresh token near its expiry; signing out forgets it', async () => {
  const { storage, tokens } = await signedInTab('bob@acme.example');

  // A reload of the tab: a new instance over the same storage finds the session.
  const reloaded = auth(storage).auth;
  expect(await reloaded.current()).toEqual(tokens);
  // Within the margin of expiry (here: a margin longer than the token's life), it is renewed first.
  const renewed = (await reloaded.current(24 * 3600_000))!;
  expect(renewed.idToken).not.toBe(tokens.idToken);
  expect(decodeJwt(renewed.idToken)).toEqual(expect.objectContaining({ [CLAIMS.email]: 'bob@acme.example', [CLAIMS.accountId]: 'acc-1' }));
  expect(storedIdTokens(storage)).toEqual([renewed.idToken]);

  await reloaded.signOut();
  expect(storedTokenKeys(storage)).toEqual([]);
  expect(await reloaded.current()).toBeUndefined();
  // Revoking (RevokeToken) is not seen here: the library revokes only tokens with an origin_jti claim, which
  // Cognito issues when the client's token revocation is on (the default) and cognito-local never issues.
});

test('a refresh token Cognito refuses (expired or revoked) ends the session: nothing stored, sign in again', async () => {
  const { auth: tab, storage } = await signedInTab('dan@acme.example');
  const refreshKey = [...storage.items.keys()].find((key) => key.endsWith('.refreshToken'))!;
  storage.setItem(refreshKey, 'a-refresh-token-cognito-does-not-know');

  expect(await tab.current(24 * 3600_000)).toBeUndefined();
  expect(storedTokenKeys(storage)).toEqual([]);
});

test('Cognito unreachable while renewing: the failure is reported and the stored tokens are kept for the next try', async () => {
  const { auth: tab, storage, tokens } = await signedInTab('erin@acme.example');
  const unreachable = new CognitoAuth({ userPoolId: cognito.userPoolId, clientId: cognito.clientId, storage, endpoint: 'http://127.0.0.1:9/' });

  await expect(unreachable.current(24 * 3600_000)).rejects.toThrow(/Network error|fetch failed/);
  expect(storedIdTokens(storage)).toEqual([tokens.idToken]);
  expect(await tab.current()).toEqual(tokens);
}, 60_000);

test('a wrong password is refused with Cognito\'s words, and nothing is stored', async () => {
  const { storage } = await signedInTab('carol@acme.example');
  const other = auth();
  await expect(other.auth.signIn('carol@acme.example', 'not-the-password')).rejects.toThrow(/password/i);
  expect(storedIdTokens(other.storage)).toEqual([]);
  expect(storedIdTokens(storage)).toHaveLength(1);
});

test('by default the password is proven with SRP (cognito-local refuses the flow, naming it)', async () => {
  await expect(auth(new TabStorage(), null).auth.signIn('alice@acme.example', CHOSEN)).rejects.toThrow(/USER_SRP_AUTH/);
});
