/**
 * The project's one way to build a Lambda function: same runtime, architecture, bundling and logging
 * everywhere, and explicit bind helpers so each function gets only the tables, prefixes, identities and variables
 * it uses.
 */
import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { TABLES, TableKey } from '../functions/commons/table-design';
import { ATTACHMENTS_PREFIX, BODIES_PREFIX } from './inbox-data';

/**
 * ESM output, because email-forward-parser is ESM-only and calls `createRequire(import.meta.url)`, which a
 * CJS bundle leaves undefined (it throws at load). CJS dependencies such as mailparser are wrapped by
 * esbuild and call `require` for Node built-ins, which ESM lacks: this banner provides one.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __houseCreateRequire } from 'module'; const require = __houseCreateRequire(import.meta.url);";

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
}

export type TableAccess = 'read' | 'readWrite';

export interface MailBucketAccess {
  /** Key prefix of raw mail, passed to the function as RAW_MAIL_PREFIX. */
  readonly rawMailPrefix: string;
  /**
   * Key prefixes the function may read (Get/List), e.g. the raw mail prefix.
   * @default - none
   */
  readonly readPrefixes?: readonly string[];
  /**
   * Key prefixes the function may write (Put, multipart upload), e.g. `bodies/`.
   * @default - none
   */
  readonly writePrefixes?: readonly string[];
}

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
      environment: {
        // NodejsFunction does not set this itself; without it stack traces point into the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions in package-lock.json are the ones tested, and only what is
        // imported ships.
        bundleAwsSDK: true,
        esbuildArgs: { '--tree-shaking': 'true' },
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;
  }

  /** Passes each table's name in its designed variable and grants exactly `access` on it (and its indexes). */
  bindTables(tables: Partial<Readonly<Record<TableKey, dynamodb.ITable>>>, access: TableAccess): this {
    for (const [key, table] of Object.entries(tables) as [TableKey, dynamodb.ITable][]) {
      this.function.addEnvironment(TABLES[key].envVar, table.tableName);
      if (access === 'read') table.grantReadData(this.function);
      else table.grantReadWriteData(this.function);
    }
    return this;
  }

  /** Passes the mail bucket and raw-mail prefix, granting read and write on the given key prefixes only. */
  bindMailBucket(bucket: s3.IBucket, access: MailBucketAccess): this {
    this.function.addEnvironment('MAIL_BUCKET', bucket.bucketName);
    this.function.addEnvironment('RAW_MAIL_PREFIX', access.rawMailPrefix);
    for (const prefix of access.readPrefixes ?? []) bucket.grantRead(this.function, `${prefix}*`);
    for (const prefix of access.writePrefixes ?? []) bucket.grantPut(this.function, `${prefix}*`);
    return this;
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
    });
  }

  /**
   * Lets the function send mail (SendEmail, SendRawEmail) as the given SES identity, and nothing else: the
   * resource is that identity's ARN.
   */
  grantSendEmail(identity: ses.IEmailIdentity): this {
    identity.grantSendEmail(this.function);
    return this;
  }
}
