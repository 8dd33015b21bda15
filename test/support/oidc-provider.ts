/**
 * Starts the test OpenID Provider (oidc-provider-process.ts) in its own process, with one public client and
 * the users who may sign in (their password, and the claims the API reads), and stops it.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

export interface ProviderUser {
  /** The issuer's subject id. */
  readonly sub: string;
  readonly email: string;
  readonly password: string;
  /** Claims beyond sub and email, e.g. `custom:account_id`. */
  readonly claims: Readonly<Record<string, string>>;
}

export interface ProviderSettings {
  readonly client: {
    readonly clientId: string;
    readonly name: string;
    readonly redirectUris: readonly string[];
    readonly postLogoutRedirectUris: readonly string[];
  };
  readonly users: readonly ProviderUser[];
  /** Lifetime of ID (and access) tokens. */
  readonly idTokenTtlSeconds: number;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`: the tokens' `iss`. */
  readonly issuer: string;
  stop(): Promise<void>;
}

export function startOidcProvider(settings: ProviderSettings): Promise<TestOidcProvider> {
  const child: ChildProcess = fork(join(__dirname, 'oidc-provider-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, OIDC_PROVIDER_SETTINGS: JSON.stringify(settings), NODE_NO_WARNINGS: '1' },
    // Its stderr (warnings about its development keystore, Node 20) is shown only if it fails to start.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (errors.length < 10_000) errors += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('message', (message: { issuer: string }) => resolve({ issuer: message.issuer, stop }));
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited with ${code} before listening:\n${errors}`)));
  });
}
