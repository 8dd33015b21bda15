/**
 * The hosted-inbox command line.
 *   hosted-inbox explain FILE.eml [--trusted EMAIL]... [--inbox ADDRESS] [--domain DOMAIN]
 *     Prints one JSON object on stdout. Exit 0 on success; 2 on bad usage; 1 when the file cannot be read.
 *     Without --inbox, a recipient under the inbox domain (--domain) plays the inbox.
 *   hosted-inbox token [--user EMAIL] [--account ID] [--api URL]
 *     Prints a bearer token for a user of the running local stack (`npm start`). Exit 1 if it cannot.
 *   hosted-inbox reconcile [--min-age MINUTES] [--max-age DAYS]
 *     Files raw mail that has no receipt; prints the report as JSON. Against the environment's tables and
 *     bucket, or the local stack's (`npm start`) when MAIL_BUCKET is unset. Exit 1 when some could not be filed.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { explainMessage } from '../functions/inbound/explain';
import { reconcileFromEnvironment } from '../functions/inbound/reconcile-handler';
import { localAwsEnv } from './local/aws-servers';
import { LOCAL_TOKEN_PATH } from './local/http-api';
import { LOCAL_RESOURCE_ENV } from './local/provision';

const EXPLAIN_USAGE = 'usage: hosted-inbox explain FILE.eml [--trusted EMAIL]... [--inbox ADDRESS] [--domain DOMAIN]';
const TOKEN_USAGE = 'usage: hosted-inbox token [--user EMAIL] [--account ID] [--api URL]';
const RECONCILE_USAGE = 'usage: hosted-inbox reconcile [--min-age MINUTES] [--max-age DAYS]';
const USAGE = `${EXPLAIN_USAGE}\n${TOKEN_USAGE}\n${RECONCILE_USAGE}`;

async function explain(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { trusted: { type: 'string', multiple: true }, inbox: { type: 'string' }, domain: { type: 'string' } },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${EXPLAIN_USAGE}\n`);
    return 2;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) {
    process.stderr.write(`${EXPLAIN_USAGE}\n`);
    return 2;
  }
  try {
    await access(file);
  } catch (error) {
    process.stderr.write(`hosted-inbox explain: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  try {
    const result = await explainMessage(createReadStream(file), {
      trusted: parsed.values.trusted,
      inbox: parsed.values.inbox,
      inboxDomain: parsed.values.domain,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`hosted-inbox explain: cannot read ${file} as an email: ${(error as Error).message}\n`);
    return 1;
  }
}

async function token(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { user: { type: 'string' }, account: { type: 'string' }, api: { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${TOKEN_USAGE}\n`);
    return 2;
  }
  const api = values.api ?? `http://127.0.0.1:${process.env.API_PORT ?? 3000}`;
  const url = new URL(LOCAL_TOKEN_PATH, api);
  url.searchParams.set('email', values.user ?? 'agent@demo.example');
  if (values.account) url.searchParams.set('account', values.account);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    process.stderr.write(`hosted-inbox token: cannot reach the local API at ${api} (is \`npm start\` running?): ${(error as Error).message}\n`);
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as { token?: string; message?: string };
  if (!response.ok || !body.token) {
    process.stderr.write(`hosted-inbox token: ${body.message ?? `the local API answered ${response.status}`}\n`);
    return 1;
  }
  process.stdout.write(`${body.token}\n`);
  return 0;
}

async function reconcile(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { 'min-age': { type: 'string' }, 'max-age': { type: 'string' } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${RECONCILE_USAGE}\n`);
    return 2;
  }
  const minutes = Number(values['min-age'] ?? 5);
  const days = Number(values['max-age'] ?? 7);
  if (!(minutes >= 0) || !(days > 0)) {
    process.stderr.write(`${RECONCILE_USAGE}\n`);
    return 2;
  }
  if (!process.env.MAIL_BUCKET) {
    // The stack `npm start` runs, on its default ports (or the ones its environment variables chose).
    const endpoint = (name: string, fallback: number) => `http://127.0.0.1:${process.env[name] ?? fallback}`;
    Object.assign(process.env, localAwsEnv({ dynamodb: endpoint('DYNAMODB_PORT', 8000), s3: endpoint('S3_PORT', 4569), ses: endpoint('SES_PORT', 8005) }), LOCAL_RESOURCE_ENV);
  }
  try {
    const report = await reconcileFromEnvironment({ minAgeMs: minutes * 60_000, maxAgeMs: days * 24 * 3600_000 });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.errors.length ? 1 : 0;
  } catch (error) {
    process.stderr.write(`hosted-inbox reconcile: ${(error as Error).message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'explain') return explain(rest);
  if (command === 'token') return token(rest);
  if (command === 'reconcile') return reconcile(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
