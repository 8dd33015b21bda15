/**
 * Inbound mail path: SES stores each message under the raw-mail prefix, S3 announces it on a queue, and the
 * inbound function drains the queue.
 *
 * Why not SES's Lambda action: an async invoke retries twice and then drops the event, while a queue gives
 * durable retries, a dead-letter queue that can be redriven, and backpressure (maxConcurrency) when
 * DynamoDB or the function is struggling. The handler reads SES's spam, virus, SPF and DKIM verdicts
 * from the headers SES adds to the stored message, so nothing is lost by not receiving the SES event.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsCustomResource, AwsCustomResourcePolicy, AwsSdkCall, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface MailReceivingProps {
  /** Domain whose every address, and every address at its subdomains, is received, e.g. `inbox.example.com`. */
  readonly domain: string;
  /** Bucket SES writes raw mail to. */
  readonly bucket: s3.IBucket;
  /** Key prefix of raw mail in the bucket, e.g. `inbound/`. */
  readonly rawMailPrefix: string;
  /** Function that processes the queue's S3 notifications; it must return `{ batchItemFailures }`. */
  readonly inboundFunction: lambda.IFunction;
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
   * Most concurrent invocations the queue drives, so a burst waits in the queue instead of throttling.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Receives before a notification moves to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
}

export class MailReceiving extends Construct {
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: MailReceivingProps) {
    super(scope, id);
    const { domain, rawMailPrefix, inboundFunction } = props;

    const functionTimeout = inboundFunction instanceof lambda.Function ? inboundFunction.timeout : undefined;
    const visibilityTimeout =
      props.visibilityTimeout ?? (functionTimeout ? Duration.seconds(6 * functionTimeout.toSeconds()) : undefined);
    if (!visibilityTimeout) throw new Error('MailReceiving: set visibilityTimeout for a function of unknown timeout');

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

    // A bucket owned by another stack is re-imported here: adding the notification to the original would
    // put the notification resource in that stack, pointing back at this queue (a cross-stack cycle).
    const notifiedBucket =
      Stack.of(props.bucket) === Stack.of(this)
        ? props.bucket
        : s3.Bucket.fromBucketAttributes(this, 'MailBucket', {
            bucketArn: props.bucket.bucketArn,
            bucketName: props.bucket.bucketName,
          });
    notifiedBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: rawMailPrefix,
    });

    inboundFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 5,
        maxConcurrency: props.maxConcurrency ?? 10,
        reportBatchItemFailures: true,
      }),
    );

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet');
    this.rule = this.ruleSet.addRule('Inbound', {
      // A bare domain matches every address at that domain, not its subdomains; a leading dot matches every
      // address at any subdomain (support@acme.inbox.example.com: an account's addresses).
      recipients: [domain, `.${domain}`],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      // This action also adds the bucket-policy statement letting SES put objects from this account only.
      actions: [new sesActions.S3({ bucket: props.bucket, objectKeyPrefix: rawMailPrefix })],
    });

    // CloudFormation cannot activate a rule set. Only one is active per account and region: activating
    // this one replaces any other, and deleting the stack leaves none active.
    const activate: AwsSdkCall = {
      service: 'SES',
      action: 'setActiveReceiptRuleSet',
      parameters: { RuleSetName: this.ruleSet.receiptRuleSetName },
      // A fixed id: a renamed rule set is an update, not a replacement whose cleanup would deactivate it.
      physicalResourceId: PhysicalResourceId.of('active-receipt-rule-set'),
    };
    const activation = new AwsCustomResource(this, 'ActivateRuleSet', {
      onCreate: activate,
      onUpdate: activate,
      onDelete: { service: 'SES', action: 'setActiveReceiptRuleSet', parameters: {} },
      // SetActiveReceiptRuleSet supports no resource-level permissions.
      policy: AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['ses:SetActiveReceiptRuleSet'], resources: ['*'] }),
      ]),
      installLatestAwsSdk: false,
    });
    // Accept mail only once stored messages are certain to reach the function.
    activation.node.addDependency(this.rule, this.queue);
    const notifications = notifiedBucket.node.tryFindChild('Notifications');
    if (notifications) activation.node.addDependency(notifications);
  }
}
