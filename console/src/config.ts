/** Runtime configuration, served beside the console (`config.json`): where the API is and how to sign in. */
import type { RuntimeConfig } from './runtime-config';

export type { AuthConfig, LocalUser, RuntimeConfig } from './runtime-config';

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const config = (await response.json()) as RuntimeConfig;
  // The deployed config has API Gateway's URL, which ends in "/": paths are appended to it.
  return { ...config, apiUrl: (config.apiUrl || window.location.origin).replace(/\/+$/, '') };
}
