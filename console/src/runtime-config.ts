/**
 * The shape of the console's runtime configuration (`/console/config.json`). Types only, shared by the console
 * (which reads the file) and the CDK app (which writes it from the stack's outputs, lib/web-console.ts).
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

export type AuthConfig =
  | { readonly kind: 'local'; readonly tokenPath: string; readonly users: readonly LocalUser[] }
  | CognitoConfig;

export interface RuntimeConfig {
  /** Empty: the API is on the console's own origin. */
  readonly apiUrl: string;
  readonly auth: AuthConfig;
}
