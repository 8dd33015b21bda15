/**
 * The shape of the console's runtime configuration (`/console/config.json`). Types only, shared by the console
 * (which reads the file) and the CDK app (which writes it from the stack's outputs, lib/web-console.ts).
 */
export interface LocalUser {
  readonly email: string;
  readonly name: string;
  readonly accountId?: string;
}

export type AuthConfig =
  | { readonly kind: 'local'; readonly tokenPath: string; readonly users: readonly LocalUser[] }
  | { readonly kind: 'cognito'; readonly region: string; readonly userPoolId: string; readonly clientId: string };

export interface RuntimeConfig {
  /** Empty: the API is on the console's own origin. */
  readonly apiUrl: string;
  readonly auth: AuthConfig;
}
