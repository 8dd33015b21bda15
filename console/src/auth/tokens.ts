/**
 * What a remote sign-in (Cognito's, an OIDC issuer's) hands the session: the ID token the API's JWT authorizer
 * reads, when it expires, and when to renew it. No React and no DOM: Node tests drive the sign-in modules.
 */

/** The ID token (what the API reads: `custom:account_id`, `custom:user_id`, `email`). */
export interface Tokens {
  readonly idToken: string;
  /** When the ID token was issued, in ms since the epoch. */
  readonly issuedAt: number;
  /** When the ID token expires, in ms since the epoch. */
  readonly expiresAt: number;
  /** False when nothing can renew it (no refresh token): the session ends when it expires. @default true */
  readonly renewable?: boolean;
}

/** A sign-in that keeps its tokens itself and renews them. */
export interface RemoteSignIn {
  /**
   * The signed-in user's tokens, renewed first when `renewalDue` (or when they expire within `margin` ms, if
   * given); undefined when nobody is signed in or the
   * issuer refused the renewal (the stored tokens are then forgotten). Rejects when the issuer could not be
   * reached, keeping the tokens to try again.
   */
  current(margin?: number): Promise<Tokens | undefined>;
  /** Ends the session at the issuer where it can, and forgets the stored tokens. */
  signOut(): Promise<void>;
}

/** Renew this long before the ID token expires, so no request goes out with an expired one… */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/** …or a quarter of its lifetime when that is shorter, so a short-lived token is not renewed again and again. */
export function renewalTime(tokens: Tokens): number {
  if (tokens.renewable === false) return tokens.expiresAt;
  return tokens.expiresAt - Math.min(REFRESH_MARGIN_MS, (tokens.expiresAt - tokens.issuedAt) / 4);
}

/** Whether to renew now: at `renewalTime`, or when the token expires within `margin` ms if that is given. */
export function renewalDue(tokens: Tokens, margin?: number, now = Date.now()): boolean {
  return margin === undefined ? renewalTime(tokens) <= now : tokens.expiresAt - now <= margin;
}
