/**
 * cognito-local: a real server speaking Cognito's wire protocol (InitiateAuth with USER_PASSWORD_AUTH and
 * REFRESH_TOKEN_AUTH, RespondToAuthChallenge, the Admin* calls, RevokeToken), started in its own process and
 * folder, with a user pool shaped like the app's (email as the username, the two custom id attributes).
 * It does not implement SRP (USER_SRP_AUTH).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalAuth, trustIssuer } from '../../bin/local/local-auth';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface CognitoLocal {
  readonly endpoint: string;
  /** An administrator's client (any credentials: cognito-local checks none). */
  readonly admin: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly clientId: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited with ${child.exitCode}`);
    try {
      await fetch(endpoint);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`cognito-local did not answer at ${endpoint} within 20 s`);
}

export async function startCognitoLocal(): Promise<CognitoLocal> {
  const port = await freePort();
  // It keeps its pools in ./.cognito of its working folder: a fresh one per run.
  const folder = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  const child = spawn(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: folder,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(endpoint, child);
    const admin = new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { UserPool } = await admin.send(
      new CreateUserPoolCommand({
        PoolName: 'hosted-inbox-test',
        UsernameAttributes: ['email'],
        Schema: ['account_id', 'user_id'].map((name) => ({ Name: name, AttributeDataType: 'String', Mutable: true })),
      }),
    );
    const { UserPoolClient } = await admin.send(
      new CreateUserPoolClientCommand({ UserPoolId: UserPool!.Id!, ClientName: 'web', GenerateSecret: false }),
    );
    return { endpoint, admin, userPoolId: UserPool!.Id!, clientId: UserPoolClient!.ClientId!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The local API's token check against this pool, as API Gateway's JWT authorizer does it against Cognito: the
 * pool's published keys, its issuer, the web client as audience. Only Cognito issues tokens here. (cognito-local's
 * discovery document names a fixed port, so its key set is named directly.)
 */
export function cognitoTokens(cognito: CognitoLocal): LocalAuth {
  const issuer = `${cognito.endpoint}${cognito.userPoolId}`;
  return trustIssuer({ issuer, audience: [cognito.clientId], jwksUri: `${issuer}/.well-known/jwks.json` });
}
