/**
 * The application: mail receiving, the inbound function and alarms. Holds no data of its own (the queues
 * hold only pointers to stored mail), so it can be destroyed and redeployed freely.
 */
import * as path from 'path';
import { CfnOutput, CrossStackReferences, Duration, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { InboxAlarms } from './inbox-alarms';
import { ATTACHMENTS_PREFIX, BODIES_PREFIX, InboxTables } from './inbox-data';
import { MailReceiving } from './mail-receiving';

export const INBOUND_HANDLER_ENTRY = path.join(__dirname, '..', 'functions', 'inbound', 'handler.ts');

export interface StatelessStackProps extends StackProps {
  /** The inbox domain, e.g. `inbox.example.com`. */
  readonly domain: string;
  readonly bucket: s3.IBucket;
  readonly rawMailPrefix: string;
  readonly tables: InboxTables;
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
}

export class StatelessStack extends Stack {
  readonly inboundFunction: HouseFunction;
  readonly mailReceiving: MailReceiving;
  /** Add alarms for later components here, e.g. `alarms.monitorHttpApi('Api', api)`. */
  readonly alarms: InboxAlarms;
  readonly alarmTopic?: sns.Topic;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong (export/import) on purpose: CloudFormation then refuses to remove a table or the bucket from
    // the data stack while this stack still uses it.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    // Sized for SES's 40 MB limit: the handler streams attachments, and more memory also buys CPU.
    this.inboundFunction = new HouseFunction(this, 'Inbound', {
      entry: props.inboundEntry ?? INBOUND_HANDLER_ENTRY,
      description: 'Files received mail into conversations',
      memorySize: 1024,
      timeout: Duration.minutes(2),
      environment: { INBOX_DOMAIN: props.domain },
    })
      .bindTables(props.tables, 'readWrite')
      .bindMailBucket(props.bucket, {
        rawMailPrefix: props.rawMailPrefix,
        readPrefixes: [props.rawMailPrefix],
        writePrefixes: [ATTACHMENTS_PREFIX, BODIES_PREFIX],
      });

    this.mailReceiving = new MailReceiving(this, 'MailReceiving', {
      domain: props.domain,
      bucket: props.bucket,
      rawMailPrefix: props.rawMailPrefix,
      inboundFunction: this.inboundFunction.function,
    });

    if (props.alarmEmail) {
      this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { enforceSSL: true });
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.alarms = new InboxAlarms(this, 'Alarms', { alarmTopic: this.alarmTopic })
      .monitorFunction('InboundFunction', this.inboundFunction.function)
      .monitorDeadLetterQueue('InboundDeadLetterQueue', this.mailReceiving.deadLetterQueue);
    // The HTTP API's 5xx alarm goes here once InboxApi exists: this.alarms.monitorHttpApi('Api', api.httpApi).

    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.mailReceiving.deadLetterQueue.queueUrl });
  }
}
