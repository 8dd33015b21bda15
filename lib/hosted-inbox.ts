/**
 * The whole app, from CDK context: `bin/app.ts` runs this, and the tests run the same wiring.
 */
import { App } from 'aws-cdk-lib';
import { StatefulStack } from './stateful-stack';
import { StatelessStack, StatelessStackProps } from './stateless-stack';

export interface HostedInboxConfig {
  readonly domain: string;
  readonly rawMailRetentionDays?: number;
  readonly alarmEmail?: string;
  readonly terminationProtection: boolean;
}

/** Lowercase labels of letters, digits and inner hyphens, at least two labels, at most 253 characters. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Reads and checks the context, failing with a message that says what to pass. */
export function readConfig(app: App): HostedInboxConfig {
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const domain = context('domain');
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
  return {
    domain,
    rawMailRetentionDays,
    alarmEmail: alarmEmail as string | undefined,
    terminationProtection: protection === true || protection === 'true',
  };
}

export function createHostedInbox(
  app: App,
  overrides: Pick<StatelessStackProps, 'inboundEntry'> = {},
): { data: StatefulStack; application: StatelessStack } {
  const config = readConfig(app);
  // Env-agnostic stacks: synth needs no account, and nothing here looks anything up.
  const data = new StatefulStack(app, 'HostedInbox-Data', {
    domain: config.domain,
    rawMailRetentionDays: config.rawMailRetentionDays,
    terminationProtection: config.terminationProtection,
  });
  const application = new StatelessStack(app, 'HostedInbox-App', {
    domain: config.domain,
    bucket: data.data.bucket,
    rawMailPrefix: data.data.rawMailPrefix,
    tables: data.data.tables,
    alarmEmail: config.alarmEmail,
    ...overrides,
  });
  return { data, application };
}
