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
 *   hosted-inbox create-account --name NAME --subdomain SUB --admin EMAIL [...]  (see create-account.ts)
 *   hosted-inbox unroutable [--since 24h|7d|ISO-TIME] [--limit N] [--stack STACK | --table TABLE]  (see unroutable.ts)
 *   hosted-inbox mark-domain-verified DOMAIN
 *     Local stack only: the sending domain's DNS records count as found (SES local has no identity API).
 *     Exit 1 when no account connected the domain.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { explainMessage } from '../functions/inbound/explain';
import { reconcileFromEnvironment } from '../functions/inbound/reconcile-handler';
import { dynamo } from '../functions/commons/clients';
import { LocalIdentities } from '../functions/adapters/local-identities';
import { localStackEnvironment, useLocalStack } from './local/cli-env';
import { LOCAL_TOKEN_PATH } from './local/http-api';

const EXPLAIN_USAGE = 'usage: hosted-inbox explain FILE.eml [--trusted EMAIL]... [--inbox ADDRESS] [--domain DOMAIN]';
const TOKEN_USAGE = 'usage: hosted-inbox token [--user EMAIL] [--account ID] [--api URL]';
const RECONCILE_USAGE = 'usage: hosted-inbox reconcile [--min-age MINUTES] [--max-age DAYS]';
const CREATE_ACCOUNT_USAGE = 'usage: hosted-inbox create-account --name NAME --subdomain SUBDOMAIN --admin EMAIL [--stack STACK | --table TABLE ...]';
const MARK_DOMAIN_USAGE = 'usage: hosted-inbox mark-domain-verified DOMAIN   (local stack only)';
const UNROUTABLE_USAGE = 'usage: hosted-inbox unroutable [--since 24h|7d|ISO-TIME] [--limit N] [--stack STACK | --table TABLE]';
const USAGE = `${EXPLAIN_USAGE}\n${TOKEN_USAGE}\n${RECONCILE_USAGE}\n${CREATE_ACCOUNT_USAGE}\n${UNROUTABLE_USAGE}\n${MARK_DOMAIN_USAGE}`;

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
  // Without a bucket named, the stack `npm start` runs, on its default ports (or the ones its environment variables chose).
  if (!process.env.MAIL_BUCKET) Object.assign(process.env, localStackEnvironment());
  try {
    const report = await reconcileFromEnvironment({ minAgeMs: minutes * 60_000, maxAgeMs: days * 24 * 3600_000 });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.errors.length ? 1 : 0;
  } catch (error) {
    process.stderr.write(`hosted-inbox reconcile: ${(error as Error).message}\n`);
    return 1;
  }
}

async function markDomainVerified(args: string[]): Promise<number> {
  const [domain, ...extra] = args;
  if (!domain || extra.length || domain.startsWith('-')) {
    process.stderr.write(`${MARK_DOMAIN_USAGE}\n`);
    return 2;
  }
  useLocalStack();
  const identities = new LocalIdentities(dynamo(), process.env.INBOXES_TABLE!);
  try {
    if (await identities.markVerified(domain.trim().toLowerCase())) {
      process.stdout.write(`${domain}: DNS records marked as found; GET /sending-domains/${domain} now answers "verified"\n`);
      return 0;
    }
    process.stderr.write(`hosted-inbox mark-domain-verified: no account connected ${domain} (POST /sending-domains first)\n`);
  } catch (error) {
    process.stderr.write(`hosted-inbox mark-domain-verified: cannot reach the local stack (is \`npm start\` running?): ${(error as Error).message}\n`);
  }
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'explain') return explain(rest);
  if (command === 'token') return token(rest);
  if (command === 'reconcile') return reconcile(rest);
  if (command === 'create-account') {
    // Loaded on demand (tsx's require hook): it brings the CloudFormation and Cognito clients.
    const { createAccountCommand, defaultCreateAccountDeps } = require('./create-account') as typeof import('./create-account');
    return createAccountCommand(rest, defaultCreateAccountDeps());
  }
  if (command === 'unroutable') {
    const { unroutableCommand } = require('./unroutable') as typeof import('./unroutable');
    const { stackOutputsOf } = require('./create-account') as typeof import('./create-account');
    return unroutableCommand(rest, {
      stackOutputs: stackOutputsOf,
      dynamo,
      useLocalStack: () => {
        useLocalStack();
        return process.env.CONVERSATIONS_TABLE!;
      },
      now: () => new Date(),
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  }
  if (command === 'mark-domain-verified') return markDomainVerified(rest);
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
