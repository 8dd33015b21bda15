/**
 * Sign-in with an external OpenID Connect issuer (the API's `jwtIssuer`): authorization code with PKCE through
 * oidc-client-ts, the ID token renewed with the refresh token before it expires, and sign-out at the issuer's
 * end-session endpoint when it has one. The tokens and the sign-in's own state (PKCE verifier, nonce) are kept
 * in the given storage — the tab's sessionStorage — never in localStorage. No React.
 */
import { ErrorResponse, User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { RemoteSignIn, renewalDue, Tokens } from './tokens';

export interface OidcAuthOptions {
  /** The tokens' `iss`, where the discovery document is. */
  readonly issuer: string;
  readonly clientId: string;
  /** Space-separated. */
  readonly scope: string;
  /** Where the issuer sends the browser back with the code. */
  readonly redirectUri: string;
  /** Where the issuer's end-session endpoint sends the browser after sign-out. */
  readonly postLogoutRedirectUri: string;
  readonly storage: Storage;
}

export interface SignedIn {
  readonly tokens: Tokens;
  /** The console's route (location hash) the user was on when they went to sign in. */
  readonly returnTo: string;
}

function tokensOf(user: User): Tokens {
  if (!user.id_token) throw new Error('The issuer answered without an ID token: is "openid" among the scopes?');
  const { iat, exp } = user.profile;
  return { idToken: user.id_token, issuedAt: iat * 1000, expiresAt: exp * 1000, renewable: Boolean(user.refresh_token) };
}

/** The issuer's refusals carry its words (`error_description`), else the OAuth error code. */
function asError(error: unknown): Error {
  if (error instanceof ErrorResponse) return new Error(error.error_description ?? error.error ?? error.message);
  return error instanceof Error ? error : new Error(String(error));
}

export class OidcAuth implements RemoteSignIn {
  private readonly manager: UserManager;
  private readonly callbacks = new Map<string, Promise<SignedIn>>();

  constructor(options: OidcAuthOptions) {
    const store = new WebStorageStateStore({ store: options.storage });
    this.manager = new UserManager({
      authority: options.issuer,
      client_id: options.clientId,
      redirect_uri: options.redirectUri,
      post_logout_redirect_uri: options.postLogoutRedirectUri,
      response_type: 'code',
      scope: options.scope,
      userStore: store,
      stateStore: store,
      // Renewal follows the ID token's expiry (the session calls `current`), with the refresh token. Nothing in
      // an iframe: the console's pages refuse framing (frame-ancestors 'none'), and third-party cookies are gone.
      automaticSilentRenew: false,
      monitorSession: false,
      // The ID token carries what the API reads; userinfo would only be another call.
      loadUserInfo: false,
    });
  }

  /** Sends the browser to the issuer; `returnTo` (the current route) comes back through the callback. */
  async signIn(returnTo: string): Promise<void> {
    try {
      await this.manager.signinRedirect({ state: { returnTo } });
    } catch (error) {
      throw asError(error);
    }
  }

  /** Exchanges the code at the callback URL for the tokens; once per URL, however often asked (React may ask twice). */
  completeSignIn(url: string): Promise<SignedIn> {
    let done = this.callbacks.get(url);
    if (!done) {
      done = this.manager.signinRedirectCallback(url).then(
        (user) => ({ tokens: tokensOf(user), returnTo: (user.state as { returnTo?: string } | undefined)?.returnTo ?? '' }),
        (error: unknown) => Promise.reject(asError(error)),
      );
      this.callbacks.set(url, done);
    }
    return done;
  }

  async current(margin?: number): Promise<Tokens | undefined> {
    const user = await this.manager.getUser();
    if (!user?.id_token) return undefined;
    const tokens = tokensOf(user);
    if (!renewalDue(tokens, margin)) return tokens;
    const expired = tokens.expiresAt <= Date.now();
    if (!user.refresh_token) return expired ? this.forget() : tokens;
    let renewed: Tokens;
    try {
      const fresh = await this.manager.signinSilent(); // the refresh token grant, since there is one
      if (!fresh) return this.forget();
      renewed = tokensOf(fresh);
    } catch (error) {
      // The issuer refused (invalid_grant: the refresh token expired or was revoked): sign in again. Unreachable
      // (fetch's TypeError, a timeout, a 5xx): keep the tokens and let the caller try again.
      if (error instanceof ErrorResponse) return this.forget();
      throw asError(error);
    }
    if (renewed.idToken !== tokens.idToken) return renewed;
    // The issuer renewed the access token only: this ID token lasts until it expires, then sign in again.
    return expired ? this.forget() : { ...tokens, renewable: false };
  }

  /**
   * Forgets the tokens, then ends the session at the issuer (its end-session endpoint: the browser leaves and
   * comes back to the console) or, when it has none, revokes the refresh token where it can.
   */
  async signOut(): Promise<void> {
    const user = await this.manager.getUser();
    if (!user) return;
    const endSession = await this.manager.metadataService.getEndSessionEndpoint().catch(() => undefined);
    if (endSession) return this.manager.signoutRedirect({ id_token_hint: user.id_token });
    await this.manager.revokeTokens(['refresh_token']).catch(() => undefined);
    await this.manager.removeUser();
  }

  /** Back from the end-session endpoint: drops the sign-out's state (kept for the round trip). */
  async completeSignOut(url: string): Promise<void> {
    await this.manager.signoutRedirectCallback(url).catch(() => undefined);
  }

  private async forget(): Promise<undefined> {
    await this.manager.removeUser();
    return undefined;
  }
}
