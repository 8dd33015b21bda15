/**
 * Sign-in against the deployed Cognito user pool: email and password (SRP: the password never leaves the
 * browser), the new password Cognito demands at the first sign-in of a user an administrator created
 * (NEW_PASSWORD_REQUIRED), the ID token renewed with the refresh token before it expires, and sign-out that
 * revokes the refresh token. amazon-cognito-identity-js speaks Cognito's wire protocol (SRP included); this
 * module only turns its callbacks into the steps the sign-in form shows. No React and no DOM globals: the
 * storage is given, so a Node test can drive it against a real Cognito-protocol server.
 */
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  CognitoUserSession,
  type ICognitoStorage,
} from 'amazon-cognito-identity-js';
import type { CognitoConfig } from '../runtime-config';
import { RemoteSignIn, renewalDue, Tokens } from './tokens';

export type { Tokens } from './tokens';

/** How the password is proven. The app's user pool client allows SRP only (lib/inbox-api.ts). */
export type PasswordFlow = NonNullable<CognitoConfig['passwordFlow']>;

export interface CognitoAuthOptions {
  readonly userPoolId: string;
  readonly clientId: string;
  /** Where the tokens are kept: the browser tab's sessionStorage in the console. */
  readonly storage: ICognitoStorage;
  /**
   * Cognito's endpoint.
   * @default - the pool's region's: https://cognito-idp.<region>.amazonaws.com/
   */
  readonly endpoint?: string;
  /** @default 'USER_SRP_AUTH' */
  readonly flow?: PasswordFlow;
}

export type SignInStep =
  | { readonly kind: 'signedIn'; readonly tokens: Tokens }
  /** First sign-in with the temporary password an administrator's invitation mailed: choose a new one. */
  | { readonly kind: 'newPasswordRequired'; completeNewPassword(newPassword: string): Promise<SignInStep> };

function tokensOf(session: CognitoUserSession): Tokens {
  const idToken = session.getIdToken();
  return { idToken: idToken.getJwtToken(), issuedAt: idToken.getIssuedAt() * 1000, expiresAt: idToken.getExpiration() * 1000 };
}

/** Cognito's refusals carry a message meant for people ("Incorrect username or password."). */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return new Error(typeof message === 'string' ? message : String(error));
}

const unsupported = (what: string) => () => {
  throw new Error(`${what} is not supported by this console: ask an administrator to turn it off for your user`);
};

export class CognitoAuth implements RemoteSignIn {
  private readonly pool: CognitoUserPool;
  private readonly storage: ICognitoStorage;
  private readonly flow: PasswordFlow;

  constructor(options: CognitoAuthOptions) {
    this.storage = options.storage;
    this.pool = new CognitoUserPool({
      UserPoolId: options.userPoolId,
      ClientId: options.clientId,
      Storage: options.storage,
      endpoint: options.endpoint,
    });
    this.flow = options.flow ?? 'USER_SRP_AUTH';
  }

  signIn(email: string, password: string): Promise<SignInStep> {
    const user = new CognitoUser({ Username: email.trim(), Pool: this.pool, Storage: this.storage });
    user.setAuthenticationFlowType(this.flow);
    return new Promise((resolve, reject) => {
      const callbacks = {
        onSuccess: (session: CognitoUserSession) => resolve({ kind: 'signedIn', tokens: tokensOf(session) }),
        onFailure: (error: unknown) => reject(asError(error)),
        newPasswordRequired: () =>
          resolve({
            kind: 'newPasswordRequired',
            completeNewPassword: (newPassword: string) =>
              new Promise<SignInStep>((done, fail) => {
                // No attributes: the administrator set email and the ids; the client may not write the ids anyway.
                user.completeNewPasswordChallenge(newPassword, {}, {
                  onSuccess: (session) => done({ kind: 'signedIn', tokens: tokensOf(session) }),
                  onFailure: (error) => fail(asError(error)),
                });
              }),
          }),
        mfaRequired: unsupported('Multi-factor sign-in'),
        totpRequired: unsupported('Multi-factor sign-in'),
        mfaSetup: unsupported('Multi-factor sign-in'),
        selectMFAType: unsupported('Multi-factor sign-in'),
        customChallenge: unsupported('A custom sign-in challenge'),
      };
      user.authenticateUser(new AuthenticationDetails({ Username: email.trim(), Password: password }), callbacks);
    });
  }

  /**
   * The signed-in user's tokens from storage, renewed first when due (`renewalDue`, or within `margin` ms);
   * undefined when nobody is signed in or Cognito refuses the refresh token (expired or revoked: the stored
   * tokens are then forgotten). A network failure rejects and keeps them, to be tried again.
   */
  async current(margin?: number): Promise<Tokens | undefined> {
    const user = this.pool.getCurrentUser();
    if (!user) return undefined;
    try {
      const session = await new Promise<CognitoUserSession>((resolve, reject) =>
        user.getSession((error: Error | null, found: CognitoUserSession | null) => (error || !found ? reject(error ?? new Error('no session')) : resolve(found))),
      );
      if (!renewalDue(tokensOf(session), margin)) return tokensOf(session);
      const renewed = await new Promise<CognitoUserSession>((resolve, reject) =>
        user.refreshSession(session.getRefreshToken(), (error: unknown, fresh: CognitoUserSession) => (error ? reject(error) : resolve(fresh))),
      );
      return tokensOf(renewed);
    } catch (error) {
      // Unreachable (the library's NetworkError, or fetch's TypeError when it does not recognise it): keep the
      // tokens. Anything else (refused, tokens missing from storage): sign in again.
      const { code, name } = error as { code?: unknown; name?: unknown };
      if (code === 'NetworkError' || name === 'TypeError') throw asError(error);
      user.signOut();
      return undefined;
    }
  }

  /** Revokes the refresh token (so a copy of it is useless) and forgets the stored tokens, even if revoking fails. */
  signOut(): Promise<void> {
    const user = this.pool.getCurrentUser();
    if (!user) return Promise.resolve();
    return new Promise((resolve) =>
      user.signOut((error?: Error) => {
        // Without a usable session the library revokes nothing and keeps the tokens: forget them here.
        if (error) user.signOut();
        resolve();
      }),
    );
  }
}
