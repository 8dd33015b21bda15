/**
 * Inbound mail path: SES stores each message under the raw-mail prefix and publishes its receipt (envelope
 * recipients, spam/virus/SPF/DKIM/DMARC verdicts, the object key) to a topic; the topic delivers it, raw, to a
 * queue the inbound function drains.
 *
 * Why the receipt and not an S3 event: the object alone has no envelope, so Bcc'd mail, mail to several
 * recipients, or a forward where the hosted address is in neither To nor Cc could only be routed by headers.
 * Why not SES's Lambda action: an async invoke retries twice and then drops the event, while a queue gives
 * durable retries, a dead-letter queue that can be redriven, and backpressure (maxConcurrency).
 */
import { Annotations, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, AwsSdkCall, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { suppressCustomResourceProviderFindings } from './custom-resource-findings';

/** Name of the rule set created (and activated) when no existing one is named. */
export const DEFAULT_RULE_SET_NAME = 'hosted-inbox';
/** What activating our own rule set does to the account: said in the synth output and the README. */
export const ACTIVATION_WARNING =
  'This deployment creates the SES receipt rule set "hosted-inbox" and makes it the ACTIVE one of the account and ' +
  'region: it replaces whatever rule set is active now (WorkMail\'s, another domain\'s), whose rules stop receiving ' +
  'mail; deleting the stack later leaves no rule set active. To keep an active rule set, pass ' +
  '-c receiptRuleSet=<its name> and the rule is added to it instead.';

/** SES rule and rule set names: letters, digits, `.`, `_`, `-`; starting and ending with a letter or digit; < 64. */
export const SES_RULE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** The receipt rule's name for a domain: readable when it fits, else the domain's hash. */
export function receiptRuleName(domain: string): string {
  const readable = `inbox-${domain}`;
  if (readable.length <= 63) return readable;
  let hash = 0x811c9dc5; // FNV-1a: stable across synths, no crypto needed for a name
  for (const char of domain) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `inbox-${domain.slice(0, 40).replace(/[^A-Za-z0-9]+$/, '')}-${hash.toString(16)}`;
}

export interface MailReceivingProps {
  /** Domain whose every address, and every address at its subdomains, is received, e.g. `inbox.example.com`. */
  readonly domain: string;
  /** Bucket SES writes raw mail to. */
  readonly bucket: s3.IBucket;
  /** Key prefix of raw mail in the bucket, e.g. `inbound/`. */
  readonly rawMailPrefix: string;
  /** Function that processes the queue's SES notifications; it must return `{ batchItemFailures }`. */
  readonly inboundFunction: lambda.IFunction;
  /**
   * An existing receipt rule set (normally the account's active one) to add the rule to; it is neither
   * activated nor deactivated.
   * @default - a rule set named DEFAULT_RULE_SET_NAME is created and activated, replacing the active one
   */
  readonly existingRuleSetName?: string;
  /**
   * Queue visibility timeout.
   * @default - 6 × the function's timeout (AWS's guidance for SQS event sources)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Notifications per invocation; failed ones are retried alone thanks to ReportBatchItemFailures.
   * @default 5
   */
  readonly batchSize?: number;
  /**
   * Most concurrent invocations the queue drives (2–1000), so a burst waits in the queue instead of taking the
   * account's concurrency from the API.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * Receives before a notification moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Retention of the log group of the rule-set activation's custom resource.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The receipt rule's S3 action with an SNS notification (the L2 S3 action adds a bucket policy we make ourselves). */
class StoreAndNotify implements ses.IReceiptRuleAction {
  constructor(private readonly action: ses.CfnReceiptRule.S3ActionProperty) {}
  bind(): ses.ReceiptRuleActionConfig {
    return { s3Action: this.action };
  }
}

export class MailReceiving extends Construct {
  readonly ruleSet: ses.IReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  /** SES publishes each receipt here; delivered raw to the queue. */
  readonly topic: sns.Topic;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Topic → queue, raw message delivery. */
  readonly subscription: sns.Subscription;
  /** ARN of the receipt rule: the only source SES may write the bucket and publish the topic for. */
  readonly ruleArn: string;
  /** Activates our own rule set; absent when the rule joined an existing one. */
  readonly activation?: AwsCustomResource;

  constructor(scope: Construct, id: string, props: MailReceivingProps) {
    super(scope, id);
    const { domain, rawMailPrefix, inboundFunction } = props;

    const functionTimeout = inboundFunction instanceof lambda.Function ? inboundFunction.timeout : undefined;
    const visibilityTimeout =
      props.visibilityTimeout ?? (functionTimeout ? Duration.seconds(6 * functionTimeout.toSeconds()) : undefined);
    if (!visibilityTimeout) throw new Error('MailReceiving: set visibilityTimeout for a function of unknown timeout');
    const maxConcurrency = props.maxConcurrency ?? 5;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`MailReceiving: maxConcurrency must be a whole number from 2 to 1000 (got ${maxConcurrency})`);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      visibilityTimeout,
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });

    const ruleSetName = props.existingRuleSetName ?? DEFAULT_RULE_SET_NAME;
    const ruleName = receiptRuleName(domain);
    // Names, not references: the bucket's policy lives in the data stack, which must not refer to this one.
    const ruleArnIn = (stack: Stack) =>
      stack.formatArn({
        service: 'ses',
        resource: 'receipt-rule-set',
        resourceName: `${ruleSetName}:receipt-rule/${ruleName}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    this.ruleArn = ruleArnIn(Stack.of(this));
    const fromOurRule = (stack: Stack) => ({
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': ruleArnIn(stack) },
    });

    // The receipt's headers name people: only SES, for our rule, may publish, and only over TLS.
    this.topic = new sns.Topic(this, 'Receipts', { displayName: `Mail received for ${domain}`, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesOurRuleOnly',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOurRule(Stack.of(this)),
      }),
    );
    // Raw delivery: the queue message body is SES's notification itself, not SNS's envelope around it.
    this.subscription = this.topic.addSubscription(new subscriptions.SqsSubscription(this.queue, { rawMessageDelivery: true }));

    // SES checks that it may write the bucket when the rule is created: the statement goes on the bucket's own
    // policy (the data stack, deployed first).
    const bucketStack = Stack.of(props.bucket);
    props.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesStoresMailOfOurRuleOnly',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [props.bucket.arnForObjects(`${rawMailPrefix}*`)],
        conditions: fromOurRule(bucketStack),
      }),
    );

    inboundFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 5,
        maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );

    this.ruleSet = props.existingRuleSetName
      ? ses.ReceiptRuleSet.fromReceiptRuleSetName(this, 'RuleSet', props.existingRuleSetName)
      : new ses.ReceiptRuleSet(this, 'RuleSet', { receiptRuleSetName: DEFAULT_RULE_SET_NAME });
    this.rule = new ses.ReceiptRule(this, 'Rule', {
      ruleSet: this.ruleSet,
      receiptRuleName: ruleName,
      // A bare domain matches every address at that domain, not its subdomains; a leading dot matches every
      // address at any subdomain (support@acme.inbox.example.com: an account's addresses).
      recipients: [domain, `.${domain}`],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new StoreAndNotify({ bucketName: props.bucket.bucketName, objectKeyPrefix: rawMailPrefix, topicArn: this.topic.topicArn }),
      ],
    });
    // SES also checks that it may publish to the topic when the rule is created.
    const topicPolicy = this.topic.node.tryFindChild('Policy');
    if (topicPolicy) this.rule.node.addDependency(topicPolicy);
    this.rule.node.addDependency(this.queue.node.tryFindChild('Policy') ?? this.queue);

    if (props.existingRuleSetName) return;
    Annotations.of(this).addWarningV2('hosted-inbox:activates-receipt-rule-set', ACTIVATION_WARNING);

    // CloudFormation cannot activate a rule set. Only one is active per account and region.
    const activate: AwsSdkCall = {
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: ruleSetName },
      // A fixed id: a renamed rule set is an update, not a replacement whose cleanup would deactivate it.
      physicalResourceId: PhysicalResourceId.of('active-receipt-rule-set'),
    };
    this.activation = new AwsCustomResource(this, 'ActivateRuleSet', {
      onCreate: activate,
      onUpdate: activate,
      onDelete: { service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} },
      // SetActiveReceiptRuleSet supports no resource-level permissions.
      policy: AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: new logs.LogGroup(this, 'ActivationLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH }),
    });
    NagSuppressions.addResourceSuppressions(
      this.activation,
      [{ id: 'AwsSolutions-IAM5', reason: 'SetActiveReceiptRuleSet supports no resource-level permissions.', appliesTo: ['Resource::*'] }],
      true,
    );
    suppressCustomResourceProviderFindings(Stack.of(this));
    // Accept mail only once stored messages are certain to reach the function.
    this.activation.node.addDependency(this.rule, this.queue, this.subscription);
  }
}
