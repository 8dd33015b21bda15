/**
 * The application: mail receiving, the inbound function, the HTTP API and alarms. Holds no data of its own
 * (the queues hold only pointers to stored mail), so it can be destroyed and redeployed freely.
 */
import * as path from 'path';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ApiFunctionName } from '../functions/api/routes';
import { METRICS_NAMESPACE } from '../functions/commons/metrics';
import { HouseFunction, MAIL_FILING_MEMORY_MB } from './house-function';
import { ApiThrottle, InboxApi } from './inbox-api';
import { InboxAlarms } from './inbox-alarms';
import { InboxTables } from './inbox-data';
import { MailReceiving } from './mail-receiving';
import { SesReceivingRegionRule } from './receiving-region';
import { ReconcileSchedule } from './reconcile-schedule';
import { WebConsole, WebConsoleProps } from './web-console';
import type { AuthConfig } from '../console/src/runtime-config';

export const INBOUND_HANDLER_ENTRY = path.join(__dirname, '..', 'functions', 'inbound', 'handler.ts');

export interface StatelessStackProps extends StackProps {
  /** The inbox domain, e.g. `inbox.example.com`. */
  readonly domain: string;
  readonly bucket: s3.IBucket;
  readonly rawMailPrefix: string;
  readonly tables: InboxTables;
  /** Issuer of the tokens the API accepts (an https URL). */
  readonly jwtIssuer: string;
  /** Audiences of the tokens the API accepts (e.g. the user pool client id). */
  readonly jwtAudience: readonly string[];
  /**
   * The user pool invited users get their sign-in in.
   * @default - none
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Browser origins allowed to call the API.
   * @default - none: no CORS
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Throttle of the API's stage.
   * @default DEFAULT_API_THROTTLE (50 requests/s, burst 100)
   */
  readonly apiThrottle?: ApiThrottle;
  /**
   * The API handler modules (tests point them at a fixture).
   * @default - functions/api/<name>/handler.ts
   */
  readonly apiEntries?: Partial<Readonly<Record<ApiFunctionName, string>>>;
  /**
   * The inbound handler module (tests point it at a fixture).
   * @default INBOUND_HANDLER_ENTRY (functions/inbound/handler.ts)
   */
  readonly inboundEntry?: string;
  /**
   * Address subscribed to alarm notifications (it must confirm the subscription).
   * @default - no topic; alarms only change state
   */
  readonly alarmEmail?: string;
  /**
   * An existing (active) SES receipt rule set to add the rule to.
   * @default - the stack creates the rule set "hosted-inbox" and activates it, replacing the active one
   */
  readonly receiptRuleSet?: string;
  /**
   * Most concurrent inbound invocations the queue drives.
   * @default 5
   */
  readonly inboundMaxConcurrency?: number;
  /**
   * Concurrency reserved for each API function.
   * @default - none
   */
  readonly apiReservedConcurrency?: number;
  /**
   * Deploy the web console (S3 + CloudFront), configured with this API and a sign-in whose client is
   * `jwtAudience[0]`: `webConsole.oidc` (an issuer, which must be `jwtIssuer`) or else `userPool`. Its origin is
   * added to `allowedOrigins`, and the mail bucket lets it upload attachments (CORS).
   * @default - no web console
   */
  readonly webConsole?: WebConsoleProps;
}

/** How the deployed console signs in: the OIDC issuer the API trusts, or the app's user pool; the client is the first audience. */
function consoleSignIn(webConsole: WebConsole, props: StatelessStackProps): AuthConfig {
  const clientId = props.jwtAudience[0];
  if (webConsole.oidc) {
    const { issuer, name, scopes } = webConsole.oidc;
    if (issuer !== props.jwtIssuer) throw new Error(`The web console's OIDC issuer (${issuer}) must be the one the API trusts (${props.jwtIssuer})`);
    return { kind: 'oidc', issuer, name, clientId, scope: scopes.join(' ') };
  }
  if (!props.userPool) throw new Error('The web console signs in with the app\'s Cognito user pool or an OIDC issuer: give webConsole.oidc or userPool');
  return { kind: 'cognito', region: Stack.of(webConsole).region, userPoolId: props.userPool.userPoolId, clientId };
}

export class StatelessStack extends Stack {
  readonly inboundFunction: HouseFunction;
  readonly mailReceiving: MailReceiving;
  readonly api: InboxApi;
  /** Add alarms for later components here, e.g. `alarms.monitorHttpApi('Api', api)`. */
  readonly alarms: InboxAlarms;
  readonly alarmTopic?: sns.Topic;
  /** Inbound messages that ended `failed` (the Powertools metric the inbound function publishes). */
  readonly inboundFailures: cloudwatch.Metric;
  /** The web console, when `webConsole` is set. */
  readonly webConsole?: WebConsole;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong (export/import) on purpose: CloudFormation then refuses to remove a table or the bucket from
    // the data stack while this stack still uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    new SesReceivingRegionRule(this, 'SesReceivingRegion');

    // Sized for SES's 40 MB limit: the handler streams attachments, and more memory also buys CPU.
    this.inboundFunction = new HouseFunction(this, 'Inbound', {
      entry: props.inboundEntry ?? INBOUND_HANDLER_ENTRY,
      description: 'Files received mail into conversations',
      memorySize: MAIL_FILING_MEMORY_MB,
      timeout: Duration.minutes(2),
      environment: { INBOX_DOMAIN: props.domain, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE },
    }).bindMailFiling(props.tables, props.bucket, props.rawMailPrefix);

    this.mailReceiving = new MailReceiving(this, 'MailReceiving', {
      domain: props.domain,
      bucket: props.bucket,
      rawMailPrefix: props.rawMailPrefix,
      inboundFunction: this.inboundFunction.function,
      existingRuleSetName: props.receiptRuleSet,
      maxConcurrency: props.inboundMaxConcurrency,
    });

    new ReconcileSchedule(this, 'Reconcile', { domain: props.domain, bucket: props.bucket, rawMailPrefix: props.rawMailPrefix, tables: props.tables });

    // Before the API: the API's CORS names the console's origin, and the console's config names the API.
    if (props.webConsole) this.webConsole = new WebConsole(this, 'WebConsole', { mailBucket: props.bucket, ...props.webConsole });
    this.api = new InboxApi(this, 'Api', {
      domain: props.domain,
      tables: props.tables,
      reservedConcurrency: props.apiReservedConcurrency,
      mailBucket: props.bucket,
      rawMailPrefix: props.rawMailPrefix,
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      userPool: props.userPool,
      allowedOrigins: this.webConsole ? [...(props.allowedOrigins ?? []), this.webConsole.origin] : props.allowedOrigins,
      throttle: props.apiThrottle,
      entries: props.apiEntries,
    });

    if (props.alarmEmail) {
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true });
      // enforceSSL's policy holds only a Deny: without this Allow, CloudWatch cannot publish and no alarm mail
      // ever leaves. Alarms of this account only.
      this.alarmTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsOfThisAccount',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.alarmTopic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.inboundFailures = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'failed',
      dimensionsMap: { service: 'inbound' },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
    this.alarms = new InboxAlarms(this, 'Alarms', { alarmTopic: this.alarmTopic })
      .monitorFunction('InboundFunction', this.inboundFunction.function)
      .monitorFailures('InboundFailedMessages', this.inboundFailures, 'Inbound: a message ended failed (unreadable or gone); see its receipt')
      .monitorDeadLetterQueue('InboundDeadLetterQueue', this.mailReceiving.deadLetterQueue)
      .monitorHttpApi('Api', this.api.httpApi);
    for (const [name, fn] of Object.entries(this.api.functions)) {
      this.alarms.monitorFunction(`Api${name[0].toUpperCase()}${name.slice(1)}Function`, fn.function);
    }

    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.mailReceiving.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ApiUrl', { description: 'Base URL of the HTTP API', value: this.api.url });
    new CfnOutput(this, 'JwtIssuer', { description: 'Issuer of the tokens the API accepts', value: props.jwtIssuer });
    if (this.webConsole) {
      this.webConsole.deploy({ apiUrl: this.api.url, auth: consoleSignIn(this.webConsole, props) });
      new CfnOutput(this, 'WebConsoleUrl', { description: 'The web console', value: this.webConsole.url });
      if (this.webConsole.oidc) {
        new CfnOutput(this, 'WebConsoleRedirectUri', {
          description: `Register at ${props.jwtIssuer} as a redirect URI of client ${props.jwtAudience[0]}`,
          value: this.webConsole.oidcCallbackUrl,
        });
        new CfnOutput(this, 'WebConsolePostLogoutRedirectUri', {
          description: `Register at ${props.jwtIssuer} as a post-logout redirect URI of client ${props.jwtAudience[0]}`,
          value: this.webConsole.url,
        });
      }
    }
  }
}
