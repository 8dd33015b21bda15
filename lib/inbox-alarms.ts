/**
 * The alarms that mean "mail or requests are being lost or failing". Each monitor* method adds the alarms for
 * one resource, so components built later (the HTTP API) plug in with one call.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface InboxAlarmsProps {
  /**
   * Topic notified when an alarm fires and when it recovers.
   * @default - alarms only change state (visible in the console)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Length of the period each alarm evaluates.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

export class InboxAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly period: Duration;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: InboxAlarmsProps = {},
  ) {
    super(scope, id);
    this.period = props.period ?? Duration.minutes(5);
  }

  /** Any invocation error. Per-message failures reported through batchItemFailures show in the DLQ alarm. */
  monitorFunction(id: string, fn: lambda.IFunction): this {
    return this.add(`${id}Errors`, fn.metricErrors({ period: this.period, statistic: 'Sum' }), {
      description: `${id}: the function threw or timed out`,
    });
  }

  /** Any message in a dead-letter queue is mail that was received but not filed: redrive it after a fix. */
  monitorDeadLetterQueue(id: string, queue: sqs.IQueue): this {
    return this.add(
      `${id}Depth`,
      queue.metricApproximateNumberOfMessagesVisible({ period: this.period, statistic: 'Maximum' }),
      { description: `${id}: messages failed repeatedly and wait in the dead-letter queue` },
    );
  }

  /** Server errors of the HTTP API (InboxApi plugs in here). */
  monitorHttpApi(id: string, api: apigwv2.IHttpApi): this {
    return this.add(`${id}5xx`, api.metricServerError({ period: this.period, statistic: 'Sum' }), {
      description: `${id}: the API answered with 5xx`,
    });
  }

  /** Any count of a failure metric, e.g. the inbound function's `failed` outcomes. */
  monitorFailures(id: string, metric: cloudwatch.IMetric, description: string): this {
    return this.add(id, metric, { description });
  }

  /** Alarms on any occurrence (> 0); missing data (no traffic) is healthy. */
  private add(id: string, metric: cloudwatch.IMetric, options: { description: string }): this {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    if (this.props.alarmTopic) {
      const action = new cwActions.SnsAction(this.props.alarmTopic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms.push(alarm);
    return this;
  }
}
