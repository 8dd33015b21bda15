/**
 * Configuration from the environment, read and checked once per cold start. A missing variable is a
 * deployment bug: fail loudly at the first use rather than write to a table called "undefined".
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
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

let cached: Config | undefined;

export function config(): Config {
  cached ??= {
    tables: Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((key) => [key, required(TABLES[key].envVar)]),
    ) as Record<TableKey, string>,
    mailBucket: required('MAIL_BUCKET'),
    rawMailPrefix: process.env.RAW_MAIL_PREFIX ?? 'inbound/',
    inboxDomain: required('INBOX_DOMAIN').toLowerCase(),
  };
  return cached;
}
