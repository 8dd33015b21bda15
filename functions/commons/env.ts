/**
 * Configuration from the environment, each value read and checked once per cold start, on first use: a
 * function only needs the variables of what it touches. A missing variable is a deployment bug: fail
 * loudly at the first use rather than write to a table called "undefined".
 */
import { TABLES, TableKey } from './table-design';

export interface Config {
  readonly tables: Readonly<Record<TableKey, string>>;
  /** Bucket where SES (or the local SMTP listener) stores raw mail, and where attachments and bodies go. */
  readonly mailBucket: string;
  /** Key prefix of raw mail in that bucket; SES stores `<prefix><SES message id>`. */
  readonly rawMailPrefix: string;
  /** The domain hosted forwarding addresses live under, e.g. `inbox.example.com`. */
  readonly inboxDomain: string;
  /** From header of the mail the system itself sends (address verification). */
  readonly systemFrom: string;
  /** Base URL of the public API for links in emails; undefined: taken from the request's own domain. */
  readonly publicApiUrl?: string;
  /** Cognito user pool where invited users get their sign-in; unset locally (the local stack signs tokens). */
  readonly userPoolId?: string;
  /** Domain identities for sending: SES v2 in AWS; `local` on the local stack, whose SES has no identity API. */
  readonly sendingIdentities: 'ses' | 'local';
}

/**
 * The local stack's explicit choice (TRUST_UNJUDGED_MAIL=true): its SMTP listener judges nothing, so a
 * trusted forwarder's mail would otherwise never be believed there. Never applies in AWS, where SES judges.
 */
export function trustUnjudgedMail(): boolean {
  return process.env.TRUST_UNJUDGED_MAIL === 'true' && !process.env.AWS_LAMBDA_FUNCTION_NAME;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

/** Defines `name` on `target` as a getter that computes once, on first access. */
function once<T extends object>(target: T, name: string, read: () => unknown): void {
  let value: unknown;
  let done = false;
  Object.defineProperty(target, name, {
    enumerable: true,
    get: () => {
      if (!done) [value, done] = [read(), true];
      return value;
    },
  });
}

function readConfig(): Config {
  const tables = {};
  for (const key of Object.keys(TABLES) as TableKey[]) once(tables, key, () => required(TABLES[key].envVar));
  const settings = { tables } as Config;
  once(settings, 'mailBucket', () => required('MAIL_BUCKET'));
  once(settings, 'rawMailPrefix', () => process.env.RAW_MAIL_PREFIX ?? 'inbound/');
  once(settings, 'inboxDomain', () => required('INBOX_DOMAIN').toLowerCase());
  once(settings, 'systemFrom', () => process.env.SYSTEM_FROM ?? `hosted-inbox <no-reply@${settings.inboxDomain}>`);
  once(settings, 'publicApiUrl', () => process.env.PUBLIC_API_URL?.replace(/\/+$/, '') || undefined);
  once(settings, 'sendingIdentities', () => (process.env.SENDING_IDENTITIES === 'local' ? 'local' : 'ses'));
  once(settings, 'userPoolId', () => process.env.USER_POOL_ID || undefined);
  return settings;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= readConfig();
  return cached;
}
