/**
 * The shape of the console's runtime configuration (`/console/config.json`). Types and the OIDC callback path,
 * shared by the console (which reads the file) and the CDK app (which writes it from the stack's outputs,
 * lib/web-console.ts).
 */
export interface LocalUser {
  readonly email: string;
  readonly name: string;
  readonly accountId?: string;
}

export interface CognitoConfig {
  readonly kind: 'cognito';
  readonly region: string;
  readonly userPoolId: string;
  /** The pool's public web client (no secret). */
  readonly clientId: string;
  /** Only for a local Cognito emulator (cognito-local); in AWS the region's endpoint. */
  readonly endpoint?: string;
  /** Only for cognito-local, which lacks SRP; in AWS SRP, the one flow the app's client allows. */
  readonly passwordFlow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
}

/**
 * An external OpenID Connect issuer (the API's `jwtIssuer`): authorization code with PKCE, redirecting to the
 * issuer and back to `OIDC_CALLBACK` under the console's path.
 */
export interface OidcConfig {
  readonly kind: 'oidc';
  /** The tokens' `iss`; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** What the sign-in button names: "Sign in with <name>". */
  readonly name: string;
  /** The console's public client at the issuer (no secret): the audience of its ID tokens. */
  readonly clientId: string;
  /** Space-separated scopes to ask for (`openid` included). */
  readonly scope: string;
}

export type AuthConfig =
  | { readonly kind: 'local'; readonly tokenPath: string; readonly users: readonly LocalUser[] }
  | CognitoConfig
  | OidcConfig;

/** Where the issuer sends the browser back after sign-in, under the console's path (`/console/callback`). */
export const OIDC_CALLBACK = 'callback';

export interface RuntimeConfig {
  /** Empty: the API is on the console's own origin. */
  readonly apiUrl: string;
  readonly auth: AuthConfig;
}
