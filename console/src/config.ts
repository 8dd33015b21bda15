/** Runtime configuration, served beside the console (`config.json`): where the API is and how to sign in. */
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

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as RuntimeConfig;
  return { ...config, apiUrl: config.apiUrl || window.location.origin };
}
