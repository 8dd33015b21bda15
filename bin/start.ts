/**
 * `npm start`: the whole system on this machine, no AWS account. DynamoDB Local, an S3 server and
 * aws-ses-v2-local, the tables and bucket, a demo account, and the SMTP listener that plays SES inbound
 * in front of the real inbound handler. Data persists under .local/data between restarts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { startLocalAws } from './local/aws-servers';
import { LOCAL_RESOURCE_ENV, provisionLocalResources } from './local/provision';
import { LOCAL_TOKEN_PATH, startLocalHttpApi } from './local/http-api';
import { CONSOLE_PATH, ensureConsoleBuilt } from './local/console-files';
import { DynamoDirectory } from '../functions/adapters/dynamo-directory';
import { dynamo } from '../functions/commons/clients';
import { config } from '../functions/commons/env';
import { loadLocalAuth } from './local/local-auth';
import { localIdentity, seedDemoAccount } from './local/seed';
import { startSmtpInbound } from './local/smtp-inbound';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Bumped when stored keys change shape: data written by an older version would be silently unreadable. */
const LOCAL_DATA_VERSION = '2';

function checkDataVersion(dataDir: string): void {
  const versionFile = join(dataDir, 'VERSION');
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    const found = existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : '1';
    if (found === LOCAL_DATA_VERSION) return;
    console.error(`Local data in ${dataDir} was written by an older hosted-inbox (data version ${found}, now ${LOCAL_DATA_VERSION}).\nDelete it and start again:  rm -rf ${dataDir} && npm start`);
    process.exit(1);
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(versionFile, `${LOCAL_DATA_VERSION}\n`);
}

/** The web console signs in locally by picking one of the demo account's users (read on every page load). */
function consoleConfig(accountId: string) {
  return async () => {
    const users = await new DynamoDirectory(dynamo(), config().tables.inboxes).users(accountId);
    return { apiUrl: '', auth: { kind: 'local', tokenPath: LOCAL_TOKEN_PATH, users: users.map(({ email, name }) => ({ email, name })) } };
  };
}

async function main(): Promise<void> {
  ensureConsoleBuilt();
  const dataDir = process.env.HOSTED_INBOX_DATA ?? join(process.cwd(), '.local', 'data');
  checkDataVersion(dataDir);
  const aws = await startLocalAws({
    dataDir,
    ports: { dynamodb: port('DYNAMODB_PORT', 8000), s3: port('S3_PORT', 4569), ses: port('SES_PORT', 8005) },
  });
  Object.assign(process.env, aws.env, { ...LOCAL_RESOURCE_ENV, INBOX_DOMAIN: process.env.INBOX_DOMAIN ?? LOCAL_RESOURCE_ENV.INBOX_DOMAIN });
  await provisionLocalResources();
  const demo = await seedDemoAccount();
  // Imported after the environment points at the local stack: the handler reads it once.
  const { handler } = await import('../functions/inbound/handler');
  // Nothing is in flight before the listener starts: raw mail without a receipt was lost by the last run
  // (a crash, or a write DynamoDB Local did not keep through a kill -9). File it now, whatever its age.
  const { reconcileFromEnvironment } = await import('../functions/inbound/reconcile-handler');
  const reconciled = await reconcileFromEnvironment({ minAgeMs: 0, maxAgeMs: Number.MAX_SAFE_INTEGER });
  if (reconciled.orphaned.length || reconciled.errors.length) {
    console.log(`reconcile: ${reconciled.orphaned.length} raw messages without a receipt filed, ${reconciled.errors.length} could not be (see npx hosted-inbox reconcile)`, JSON.stringify(reconciled));
  }
  const smtp = await startSmtpInbound({
    port: port('SMTP_PORT', 2525),
    bucket: process.env.MAIL_BUCKET!,
    rawMailPrefix: process.env.RAW_MAIL_PREFIX!,
    s3: new S3Client({}),
    handler,
    onError: (error) => console.error('inbound handler failed (the SMTP client was told to retry):', error),
  });

  const api = await startLocalHttpApi({
    port: port('API_PORT', 3000),
    auth: await loadLocalAuth(join(dataDir, 'local-auth.json')),
    identityFor: localIdentity,
    console: { runtimeConfig: consoleConfig(demo.accountId) },
  });

  // Links in verification emails point here (read by the handlers on first use).
  process.env.PUBLIC_API_URL ??= api.url;
  const to = demo.forwardingAddress;
  const tokenCommand = api.port === 3000 ? 'npx hosted-inbox token' : `npx hosted-inbox token --api ${api.url}`;
  console.log(`
hosted-inbox is running locally${demo.created ? ' (demo account created)' : ''}. Data: ${dataDir}

  Web console               ${api.url}${CONSOLE_PATH}   (sign in by picking a demo user)
  HTTP API                  ${api.url}   (bearer token: ${tokenCommand} [--user EMAIL])
  SMTP (plays SES inbound)  smtp://127.0.0.1:${smtp.port}
  DynamoDB Local            ${aws.endpoints.dynamodb}
  S3 (s3rver)               ${aws.endpoints.s3}   bucket ${process.env.MAIL_BUCKET}
  SES (aws-ses-v2-local)    ${aws.endpoints.ses}   sent mail: ${aws.endpoints.ses}/

  Demo inbox forwarding address: ${to}
  (demo agent, a trusted forwarder: ${demo.agentEmail})

Send it a message:
  printf 'From: Jane Customer <jane@example.org>\\r\\nTo: ${to}\\r\\nSubject: Hello\\r\\n\\r\\nMy order is late.\\r\\n' | curl -s smtp://127.0.0.1:${smtp.port} --mail-from jane@example.org --mail-rcpt ${to} -T -

Walk the setup wizard:
  TOKEN=$(${tokenCommand})
  curl -s -H "authorization: Bearer $TOKEN" ${api.url}/channels
  curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"name":"Sales","channel":"team-email","accountType":"shared","provider":"other"}' ${api.url}/inboxes

Explain how any .eml would be attributed:  npx hosted-inbox explain message.eml --trusted ${demo.agentEmail}
Each processed message is logged below as JSON (outcome, conversation, rule). Ctrl-C stops everything.
`);

  const stop = async () => {
    await api.stop();
    await smtp.stop();
    await aws.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error('hosted-inbox failed to start:', error);
  process.exit(1);
});
