/**
 * Reconcile on a schedule: a function that finds raw mail without a receipt (a delivery lost between S3 and
 * the inbound function) and runs it through the same exactly-once path, logging what it found.
 */
import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { HouseFunction } from './house-function';
import { InboxTables } from './inbox-data';

export const RECONCILE_HANDLER_ENTRY = path.join(__dirname, '..', 'functions', 'inbound', 'reconcile-handler.ts');

export interface ReconcileScheduleProps {
  /** The inbox domain, e.g. `inbox.example.com`. */
  readonly domain: string;
  readonly bucket: s3.IBucket;
  readonly rawMailPrefix: string;
  readonly tables: InboxTables;
  /**
   * When it runs.
   * @default events.Schedule.rate(Duration.days(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * The handler module (tests point it at a fixture).
   * @default RECONCILE_HANDLER_ENTRY (functions/inbound/reconcile-handler.ts)
   */
  readonly entry?: string;
}

export class ReconcileSchedule extends Construct {
  readonly function: HouseFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: ReconcileScheduleProps) {
    super(scope, id);
    // It files mail like the inbound function, so it needs what that one needs, and time to list the bucket.
    this.function = new HouseFunction(this, 'Function', {
      entry: props.entry ?? RECONCILE_HANDLER_ENTRY,
      description: 'Files raw mail that has no receipt (lost deliveries)',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment: { INBOX_DOMAIN: props.domain },
    }).bindMailFiling(props.tables, props.bucket, props.rawMailPrefix);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Daily reconcile of raw mail without a receipt',
      schedule: props.schedule ?? events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 2 })],
    });
  }
}
