/**
 * The whole app, from CDK context: `bin/app.ts` runs this, and the tests run the same wiring.
 */
import { App } from 'aws-cdk-lib';
import { DEFAULT_API_THROTTLE } from './inbox-api';
import { SES_RULE_NAME } from './mail-receiving';
import { assertSesReceivingRegion } from './receiving-region';
import { StatefulStack } from './stateful-stack';
import { StatelessStack, StatelessStackProps } from './stateless-stack';

export interface HostedInboxConfig {
  readonly domain: string;
  readonly rawMailRetentionDays?: number;
  readonly alarmEmail?: string;
  readonly terminationProtection: boolean;
  /** Browser origins allowed to call the API (CORS); empty: none. */
  readonly allowedOrigins: readonly string[];
  /** An existing identity provider's issuer and audiences; undefined: a Cognito user pool is created. */
  readonly jwt?: { readonly issuer: string; readonly audience: readonly string[] };
  readonly apiRateLimit: number;
  readonly apiBurstLimit: number;
  /** An existing (active) receipt rule set to join; undefined: ours is created and activated. */
  readonly receiptRuleSet?: string;
  /** Most concurrent inbound invocations. */
  readonly inboundMaxConcurrency: number;
  /** Concurrency reserved per API function; undefined: none. */
  readonly apiReservedConcurrency?: number;
  /** Deploy the web console (S3 + CloudFront). */
  readonly webConsole: boolean;
  /** The console's name for the OIDC issuer ("Sign in with <name>"); undefined: its host name. */
  readonly oidcName?: string;
  /** Scopes the console asks the OIDC issuer for; undefined: DEFAULT_OIDC_SCOPES. */
  readonly oidcScopes?: readonly string[];
  /** Other HTTPS origins the console's OIDC sign-in calls (an issuer's token endpoint on another host). */
  readonly oidcOrigins?: readonly string[];
}

/** 5 of a new account's 10: inbound mail waits in the queue rather than take the API's share. */
export const DEFAULT_INBOUND_MAX_CONCURRENCY = 5;

/** Lowercase labels of letters, digits and inner hyphens, at least two labels, at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LABEL = '[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?';
/** An https origin (scheme, host, optional port; no path), or a local development server. */
const ORIGIN = new RegExp(`^(https://(${LABEL}\\.)*${LABEL}(:\\d{1,5})?|http://localhost:\\d{1,5})$`);

/** A list from cdk.json (an array) or from -c (a comma-separated string); empty entries dropped. */
function list(value: unknown): unknown[] {
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  return Array.isArray(value) ? value : [value];
}

/**
 * Reads and checks the context, failing with a message that says what to pass. `region` is where the CLI will
 * deploy the env-agnostic stacks (CDK_DEFAULT_REGION, from the profile or AWS_REGION) when it knows it.
 */
export function readConfig(app: App, region: string | undefined = process.env.CDK_DEFAULT_REGION): HostedInboxConfig {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const domain = context('domain');
  if (domain === undefined) {
    // No default on purpose: deploying a placeholder domain would still replace the account's active rule set.
    throw new Error('Context "domain" is required: the domain the hosted addresses live under, e.g. -c domain=inbox.example.com');
  }
  if (typeof domain !== 'string' || !DNS_NAME.test(domain)) {
    throw new Error(
      `Context "domain" must be a lowercase DNS name such as inbox.example.com (got ${JSON.stringify(domain)}). ` +
        'Set it in cdk.json or pass -c domain=inbox.example.com.',
    );
  }
  // -c values arrive as strings, cdk.json values as numbers or booleans.
  const retention = context('rawMailRetentionDays');
  let rawMailRetentionDays: number | undefined;
  if (retention !== undefined) {
    rawMailRetentionDays = Number(retention);
    if (!Number.isInteger(rawMailRetentionDays) || rawMailRetentionDays < 1) {
      throw new Error(`Context "rawMailRetentionDays" must be a whole number of days >= 1 (got ${JSON.stringify(retention)})`);
    }
  }
  const alarmEmail = context('alarmEmail');
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !EMAIL.test(alarmEmail))) {
    throw new Error(`Context "alarmEmail" must be an email address (got ${JSON.stringify(alarmEmail)})`);
  }
  const protection = context('terminationProtection');
  assertSesReceivingRegion(region);
  const receiptRuleSet = context('receiptRuleSet');
  if (receiptRuleSet !== undefined && (typeof receiptRuleSet !== 'string' || !SES_RULE_NAME.test(receiptRuleSet))) {
    throw new Error(
      'Context "receiptRuleSet" must name an existing SES receipt rule set: letters, digits, ".", "_" or "-", ' +
        `starting and ending with a letter or digit, at most 63 characters (got ${JSON.stringify(receiptRuleSet)})`,
    );
  }
  const jwt = readJwt(context('jwtIssuer'), context('jwtAudience'));
  const webConsole = readFlag('webConsole', context('webConsole'));
  return {
    domain,
    rawMailRetentionDays,
    alarmEmail: alarmEmail as string | undefined,
    terminationProtection: protection === true || protection === 'true',
    allowedOrigins: readOrigins(context('allowedOrigins')),
    jwt,
    apiRateLimit: readLimit('apiRateLimit', context('apiRateLimit'), DEFAULT_API_THROTTLE.rateLimit, false),
    apiBurstLimit: readLimit('apiBurstLimit', context('apiBurstLimit'), DEFAULT_API_THROTTLE.burstLimit, true),
    receiptRuleSet: receiptRuleSet as string | undefined,
    inboundMaxConcurrency: readWhole('inboundMaxConcurrency', context('inboundMaxConcurrency'), 2, 1000) ?? DEFAULT_INBOUND_MAX_CONCURRENCY,
    apiReservedConcurrency: readWhole('apiReservedConcurrency', context('apiReservedConcurrency'), 1, 1000),
    webConsole,
    ...readOidcSignIn(context('oidcName'), context('oidcScopes'), context('oidcOrigins'), webConsole && jwt !== undefined),
  };
}

/** RFC 6749's scope-token: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The console's OIDC sign-in settings; only with -c webConsole=true and jwtIssuer (else they would do nothing). */
function readOidcSignIn(name: unknown, scopes: unknown, origins: unknown, used: boolean): Pick<HostedInboxConfig, 'oidcName' | 'oidcScopes' | 'oidcOrigins'> {
  if (name === undefined && scopes === undefined && origins === undefined) return {};
  if (!used) throw new Error('Context "oidcName", "oidcScopes" and "oidcOrigins" set the web console\'s sign-in with jwtIssuer: pass them with -c webConsole=true and -c jwtIssuer=…');
  if (name !== undefined && (typeof name !== 'string' || !/^[^\p{Cc}]{1,60}$/u.test(name.trim()))) {
    throw new Error(`Context "oidcName" must be a name of 1 to 60 characters, such as "Okta" (got ${JSON.stringify(name)})`);
  }
  const asked = scopes === undefined ? undefined : typeof scopes === 'string' ? scopes.split(/[\s,]+/).filter(Boolean) : scopes;
  if (asked !== undefined && (!Array.isArray(asked) || !asked.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope)) || !asked.includes('openid'))) {
    throw new Error(`Context "oidcScopes" must list OAuth scopes, space- or comma-separated, including openid (got ${JSON.stringify(scopes)})`);
  }
  return { oidcName: typeof name === 'string' ? name.trim() : undefined, oidcScopes: asked as string[] | undefined, oidcOrigins: readSignInOrigins(origins) };
}

/** At most 5 HTTPS origins, as allowedOrigins spells them: they join the console's connect-src as they are. */
function readSignInOrigins(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const origins = list(value);
  if (origins.length === 0 || origins.length > 5 || !origins.every((origin) => typeof origin === 'string' && origin.startsWith('https://') && ORIGIN.test(origin))) {
    throw new Error(`Context "oidcOrigins" must list 1 to 5 HTTPS origins, comma-separated, such as https://oauth2.googleapis.com (got ${JSON.stringify(value)})`);
  }
  return origins as string[];
}

/** true or false, from cdk.json (a boolean) or -c (a string); false when not set. */
function readFlag(key: string, raw: unknown): boolean {
  if (raw === undefined || raw === false || raw === 'false') return false;
  if (raw === true || raw === 'true') return true;
  throw new Error(`Context "${key}" must be true or false (got ${JSON.stringify(raw)})`);
}

/** A whole number within [min, max], from cdk.json (a number) or -c (a string); undefined when not set. */
function readWhole(key: string, raw: unknown, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Context "${key}" must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function readOrigins(value: unknown): string[] {
  const origins = value === undefined ? [] : list(value);
  for (const origin of origins) {
    if (typeof origin !== 'string' || !ORIGIN.test(origin)) {
      throw new Error(
        'Context "allowedOrigins" must list origins such as https://app.example.com or http://localhost:5173, ' +
          `comma-separated: lowercase, no path or trailing slash, no "*" (got ${JSON.stringify(origin)})`,
      );
    }
  }
  return origins as string[];
}

function readJwt(issuer: unknown, audience: unknown): HostedInboxConfig['jwt'] {
  if (issuer === undefined && audience === undefined) return undefined;
  if (issuer === undefined || audience === undefined) {
    throw new Error(
      'Context "jwtIssuer" and "jwtAudience" go together: pass both to use an existing identity provider, ' +
        'or neither to create a Cognito user pool',
    );
  }
  if (typeof issuer !== 'string' || !isHttpsUrl(issuer)) {
    throw new Error(
      'Context "jwtIssuer" must be the https URL in the tokens\' "iss" claim, such as ' +
        `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123 (got ${JSON.stringify(issuer)})`,
    );
  }
  const audiences = list(audience);
  if (audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && /^\S+$/.test(a))) {
    throw new Error(
      'Context "jwtAudience" must be one or more audiences (app client ids), comma-separated ' +
        `(got ${JSON.stringify(audience)})`,
    );
  }
  return { issuer, audience: audiences as string[] };
}

function isHttpsUrl(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' && !url.search && !url.hash;
  } catch {
    return false;
  }
}

/** A throttle limit: positive, and whole for bursts (API Gateway counts requests in the bucket). */
function readLimit(key: string, raw: unknown, fallback: number, whole: boolean): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
    const what = whole ? 'a whole number of requests >= 1' : 'a number of requests per second > 0';
    throw new Error(`Context "${key}" must be ${what} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

/** What tests replace: handler entries, and the built console (a fixture, so no build is needed). */
export interface HostedInboxOverrides extends Pick<StatelessStackProps, 'inboundEntry' | 'apiEntries'> {
  readonly webConsoleAssets?: string;
}

export function createHostedInbox(
  app: App,
  { webConsoleAssets, ...overrides }: HostedInboxOverrides = {},
): { data: StatefulStack; application: StatelessStack } {
  const config = readConfig(app);
  // Env-agnostic stacks: synth needs no account, and nothing here looks anything up.
  const data = new StatefulStack(app, 'HostedInbox-Data', {
    domain: config.domain,
    rawMailRetentionDays: config.rawMailRetentionDays,
    terminationProtection: config.terminationProtection,
    createUserPool: config.jwt === undefined,
  });
  const jwt = config.jwt ?? { issuer: data.users!.issuer, audience: [data.users!.client.userPoolClientId] };
  const application = new StatelessStack(app, 'HostedInbox-App', {
    domain: config.domain,
    bucket: data.data.bucket,
    rawMailPrefix: data.data.rawMailPrefix,
    tables: data.data.tables,
    jwtIssuer: jwt.issuer,
    jwtAudience: jwt.audience,
    userPool: data.users?.userPool,
    allowedOrigins: config.allowedOrigins,
    apiThrottle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit },
    alarmEmail: config.alarmEmail,
    receiptRuleSet: config.receiptRuleSet,
    inboundMaxConcurrency: config.inboundMaxConcurrency,
    apiReservedConcurrency: config.apiReservedConcurrency,
    webConsole: config.webConsole
      ? { assets: webConsoleAssets, oidc: config.jwt && { issuer: config.jwt.issuer, name: config.oidcName, scopes: config.oidcScopes, origins: config.oidcOrigins } }
      : undefined,
    ...overrides,
  });
  return { data, application };
}
