/**
 * The project's one way to build a Lambda function: same runtime, architecture, bundling and logging
 * everywhere, and explicit bind helpers so each function gets only the tables, prefixes, identities and variables
 * it uses.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { TABLES, TableKey } from '../functions/commons/table-design';
import { ATTACHMENTS_PREFIX, BODIES_PREFIX } from './inbox-data';

/** cdk-nag's `appliesTo` for an IAM resource ending in `suffix`, however the table or bucket ARN is referenced. */
const resourcesEndingIn = (suffix: string) => ({ regex: `/^Resource::.*${suffix.replace(/[/*.]/g, (c) => `\\${c}`)}$/` });

/**
 * ESM output, because email-forward-parser is ESM-only and calls `createRequire(import.meta.url)`, which a
 * CJS bundle leaves undefined (it throws at load). CJS dependencies such as mailparser are wrapped by
 * esbuild and call `require` for Node built-ins, which ESM lacks: this banner provides one.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __houseCreateRequire } from 'module'; const require = __houseCreateRequire(import.meta.url);";

/** The default credential chain's providers that Lambda never reaches (see `external` below). */
export const UNREACHED_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
] as const;

const ICONV_TABLES = path.join(path.dirname(require.resolve('iconv-lite/package.json')), 'encodings', 'tables');

/**
 * Data shipped beside a bundle rather than inside it, because it is loaded only when a message needs it: iconv-lite's
 * double-byte tables (Chinese, Japanese and Korean charsets; iconv-lite itself requires each one from `./tables/`
 * when a charset first uses it) and encoding-japanese (ISO-2022-JP and the like; libmime requires it the first time
 * it decodes such text, patches/libmime*.patch). Inside the bundle the 300 KB would be parsed at every cold start.
 * `external` is the import as esbuild sees it; `marker`, text the bundle holds only when it imports them, so the
 * files are copied beside the bundles that use them and no other.
 */
export const ON_DEMAND_FILES = [
  {
    external: './tables/*',
    marker: '"./tables/cp936.json"',
    from: ICONV_TABLES,
    to: 'tables',
    files: readdirSync(ICONV_TABLES),
  },
  {
    external: 'encoding-japanese',
    marker: '"encoding-japanese"',
    from: path.dirname(require.resolve('encoding-japanese/package.json')),
    to: path.join('node_modules', 'encoding-japanese'),
    files: ['package.json', 'src'],
  },
] as const;

/** Shell commands that copy the on-demand files a bundle imports beside it (NodejsFunction's afterBundling hook). */
export const copyOnDemandFiles = (bundleFile: string): string[] =>
  ON_DEMAND_FILES.map(({ marker, from, to, files }) => {
    const target = path.join(path.dirname(bundleFile), to);
    const copies = files.map((file) => `cp -R ${JSON.stringify(path.join(from, file))} ${JSON.stringify(path.join(target, file))}`);
    return `if grep -qF ${JSON.stringify(marker)} ${JSON.stringify(bundleFile)}; then mkdir -p ${JSON.stringify(target)} && ${copies.join(' && ')}; fi`;
  });

/**
 * How every function is bundled, in esbuild's own terms, for the bench and the tests that run a bundle as
 * Lambda would (test/inbound/bundled-parse.test.ts); HouseFunction passes the same to NodejsFunction.
 */
export const LAMBDA_ESBUILD_OPTIONS = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  // ES module builds first: the AWS SDK, Powertools and others ship both, and only the ESM one tree-shakes (the
  // CJS builds are one file per package, kept whole): about half the SDK's size and import time.
  mainFields: ['module', 'main'],
  // Non-ASCII text (iconv-lite's charset tables, HTML entity names, Unicode regexes) as UTF-8 rather than \uXXXX
  // escapes: 250 KB less in the inbound bundle. Node reads modules as UTF-8, so every string is the same.
  charset: 'utf8',
  banner: { js: ESM_REQUIRE_BANNER },
  // libmime once: mailparser imports its ES module build and mailsplit requires its CommonJS build, each with its
  // own copy of the 69 KB MIME-type table. Both are compiled from the same source of the same version; the
  // CommonJS one is what Node (and every test run from source) loads for both.
  alias: { libmime: require.resolve('libmime') },
  // The SDK's browser user-agent parser: only browser builds call it (a lazy import), so Node never loads it.
  // The credential providers after the environment's in the SDK's default chain (profiles, SSO, web identity,
  // process, container and instance metadata, with the STS/SSO clients they bring: ≈ 90 KB in every bundle):
  // the chain imports them lazily, only when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are absent or
  // AWS_PROFILE is set, and Lambda always sets the first two (the execution role's keys) and never the third.
  // Reached anyway, the import fails loudly (test/cdk/bundled-credentials.test.ts runs both paths bundled).
  // And the on-demand data (ON_DEMAND_FILES), copied beside the bundle.
  external: ['bowser', ...UNREACHED_CREDENTIAL_PROVIDERS, ...ON_DEMAND_FILES.map((data) => data.external)],
} as const;

export interface HouseFunctionProps {
  /** Path of the handler's TypeScript module. */
  readonly entry: string;
  /**
   * Exported handler name.
   * @default 'handler'
   */
  readonly handler?: string;
  /** @default - none */
  readonly description?: string;
  /**
   * Memory in MB; CPU scales with it.
   * @default 256
   */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Extra environment variables; tables and the mail bucket are added by the bind helpers.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrency reserved for (and capped at) this function. Lambda refuses a reservation that would leave the
   * account's unreserved pool below 10, so any value fails in an account whose quota is still 10.
   * @default - none: the function draws on the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
}

/**
 * DynamoDB operations, by their IAM action. A transaction needs the action of each of its items
 * (TransactWriteItems with an Update needs UpdateItem; there is no IAM action of its own), and BatchGetItem its own.
 */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

/** Presets for code that reads, or reads and writes items one by one or in transactions. Never Scan, BatchWriteItem or streams. */
export const TABLE_ACCESS = {
  read: ['GetItem', 'BatchGetItem', 'Query'],
  readWrite: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
} as const satisfies Record<string, readonly TableAction[]>;

/** A preset, or exactly the actions the function's code performs. */
export type TableAccess = keyof typeof TABLE_ACCESS | readonly TableAction[];

export interface MailBucketAccess {
  /** Key prefix of raw mail, passed to the function as RAW_MAIL_PREFIX. */
  readonly rawMailPrefix: string;
  /**
   * Key prefixes the function may read objects under (GetObject), e.g. the raw mail prefix.
   * @default - none
   */
  readonly readPrefixes?: readonly string[];
  /**
   * Key prefixes the function may write under (PutObject, which covers multipart uploads, and aborting them),
   * e.g. `bodies/`.
   * @default - none
   */
  readonly writePrefixes?: readonly string[];
  /**
   * Whether the function may also tag what it wrote (PutObjectTagging): the inbound chain tags objects of mail
   * that ended up not stored, for the lifecycle rule that expires them.
   * @default false
   */
  readonly tagWrites?: boolean;
  /**
   * ListBucket on the bucket. Without it S3 answers a read of a missing key with 403 instead of 404
   * (NoSuchKey): grant it to code that must tell a deleted object (a permanent failure) from an outage.
   * @default false
   */
  readonly listBucket?: boolean;
}

/** Memory of a function that files received mail (bindMailFiling): SES's 40 MB messages, streamed; more memory also buys CPU. */
export const MAIL_FILING_MEMORY_MB = 1024;

export class HouseFunction extends Construct implements iam.IGrantable {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    // An explicit log group, so retention is set by CloudFormation (no LogRetention custom resource).
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_ESBUILD_OPTIONS.target,
        banner: LAMBDA_ESBUILD_OPTIONS.banner.js,
        minify: LAMBDA_ESBUILD_OPTIONS.minify,
        mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
        // The map ships beside the bundle but is not loaded: `--enable-source-maps` makes Node parse the whole map
        // at every cold start. To read a minified trace, set NODE_OPTIONS=--enable-source-maps on the function
        // for a while (see the README).
        sourceMap: true,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions in package-lock.json are the ones tested, and only what is
        // imported ships.
        bundleAwsSDK: true,
        externalModules: [...LAMBDA_ESBUILD_OPTIONS.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => copyOnDemandFiles(path.join(outputDir, 'index.mjs')),
        },
        // CDK's own `charset` option is not passed on to esbuild: the argument is.
        esbuildArgs: {
          '--tree-shaking': 'true',
          '--charset': LAMBDA_ESBUILD_OPTIONS.charset,
          ...Object.fromEntries(Object.entries(LAMBDA_ESBUILD_OPTIONS.alias).map(([name, target]) => [`--alias:${name}`, target])),
        },
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;
    NagSuppressions.addResourceSuppressions(
      this.function,
      [
        {
          id: 'AwsSolutions-IAM4',
          reason: 'AWSLambdaBasicExecutionRole only lets the function write its own logs (into the log group above).',
          appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        },
        {
          id: 'AwsSolutions-L1',
          reason: 'Node.js 22 on purpose: the bundles target node22 and are tested on it; move runtime and target together.',
        },
      ],
      true,
    );
  }

  /**
   * Passes each table's name in its designed variable and grants exactly `access` on it and its indexes, e.g.
   * `fn.bindTables({ inboxes: tables.inboxes }, ['GetItem', 'UpdateItem'])` or `'read'`.
   */
  bindTables(tables: Partial<Readonly<Record<TableKey, dynamodb.ITable>>>, access: TableAccess): this {
    const actions = typeof access === 'string' ? TABLE_ACCESS[access] : access;
    if (actions.length === 0) throw new Error(`${this.node.path}: bindTables needs at least one action`);
    for (const [key, table] of Object.entries(tables) as [TableKey, dynamodb.ITable][]) {
      this.function.addEnvironment(TABLES[key].envVar, table.tableName);
      table.grant(this.function, ...[...new Set(actions)].map((action) => `dynamodb:${action}`));
    }
    this.suppressWildcards('DynamoDB actions on the global secondary indexes of the named tables (Query by index).', ['/index/*']);
    return this;
  }

  /** Passes the mail bucket and raw-mail prefix, granting object reads and writes under the given prefixes only. */
  bindMailBucket(bucket: s3.IBucket, access: MailBucketAccess): this {
    this.function.addEnvironment('MAIL_BUCKET', bucket.bucketName);
    this.function.addEnvironment('RAW_MAIL_PREFIX', access.rawMailPrefix);
    const objects = (prefixes: readonly string[] = []) => prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    if (access.readPrefixes?.length) {
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: objects(access.readPrefixes) }));
    }
    if (access.writePrefixes?.length) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:AbortMultipartUpload', ...(access.tagWrites ? ['s3:PutObjectTagging'] : [])],
          resources: objects(access.writePrefixes),
        }),
      );
    }
    const prefixes = [...(access.readPrefixes ?? []), ...(access.writePrefixes ?? [])];
    this.suppressWildcards('Objects under one key prefix of the mail bucket, never the whole bucket.', prefixes.map((prefix) => `/${prefix}*`));
    if (access.listBucket) {
      this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
    }
    return this;
  }

  /**
   * Lets the function send mail (SES v2 SendEmail) from `fromAddress` only. The resource is every identity of
   * the account, because SES authorizes a send against the sender's identity (the domain) and, while the account
   * is in the SES sandbox, against each recipient's verified identity too: a grant on the domain alone is
   * AccessDenied for every recipient in the sandbox. The `ses:FromAddress` condition keeps the sender fixed.
   */
  grantSendEmailFrom(fromAddress: string): this {
    // The address alone, or with a display name ("hosted-inbox <no-reply@…>"), whichever form SES compares.
    return this.grantSendEmail({ StringLike: { 'ses:FromAddress': [fromAddress, `*<${fromAddress}>`] } }, 'ses:FromAddress pins the sender.');
  }

  /**
   * What a function that files received mail needs (the inbound function, reconcile): every table, raw mail
   * to read, attachments and bodies to write (and tag, for the lifecycle).
   */
  bindMailFiling(tables: Partial<Readonly<Record<TableKey, dynamodb.ITable>>>, bucket: s3.IBucket, rawMailPrefix: string): this {
    return this.bindTables(tables, 'readWrite').bindMailBucket(bucket, {
      rawMailPrefix,
      readPrefixes: [rawMailPrefix],
      writePrefixes: [ATTACHMENTS_PREFIX, BODIES_PREFIX],
      tagWrites: true,
      // A raw object that is gone must read as NoSuchKey (a permanent `failed` record), not AccessDenied (retried).
      listBucket: true,
    });
  }

  /**
   * Lets the function send mail from any address an SES identity of this account covers: replies go out from
   * each inbox's own address — under the inbox domain, or a custom address on a sending domain the account
   * connected — which no fixed pattern names. SES itself refuses a From no verified identity covers.
   */
  grantSendEmailAsAccountIdentities(): this {
    return this.grantSendEmail(undefined, "the sender is each inbox's address, checked by SES against this account's verified identities.");
  }

  /**
   * SES identity actions on any identity of the account: the domains accounts connect have names chosen at run
   * time, so no fixed ARN names them. Never sending, never deleting.
   */
  grantEmailIdentities(actions: readonly ('ses:CreateEmailIdentity' | 'ses:GetEmailIdentity')[]): this {
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources: [this.identitiesArn()] }));
    this.suppressWildcards('Sending domains are connected by accounts at run time: their SES identities have no name known at deploy time.', [':identity/*']);
    return this;
  }

  private grantSendEmail(conditions: Record<string, unknown> | undefined, senderReason: string): this {
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.identitiesArn()],
        conditions,
      }),
    );
    this.suppressWildcards(`SES authorizes a send against the sender's identity and, in the sandbox, each recipient's verified identity; ${senderReason}`, [':identity/*']);
    return this;
  }

  private identitiesArn(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  }

  /** Accepts cdk-nag's IAM5 for resources ending in these wildcards, for the reason given. */
  private suppressWildcards(reason: string, suffixes: readonly string[]): void {
    if (suffixes.length === 0) return;
    NagSuppressions.addResourceSuppressions(this.function, [{ id: 'AwsSolutions-IAM5', reason, appliesTo: suffixes.map(resourcesEndingIn) }], true);
  }
}
