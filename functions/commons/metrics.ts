/**
 * CloudWatch metrics as Embedded Metric Format log lines (Powertools): no API call, no extra latency; CloudWatch
 * extracts them from the function's log. Namespace and names are shared with the alarms in lib/.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'HostedInbox';

/**
 * What every raw message ends as (`already-processed`: a redelivery of one that already has its receipt); each
 * is a metric of the inbound service, quarantined also by rule.
 */
export const INBOUND_OUTCOMES = ['stored', 'quarantined', 'duplicate', 'unroutable', 'failed', 'already-processed'] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

/** Metrics of one service (the `service` dimension), published by the handler after each invocation. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName });
}

/** Counts one message's outcome; a quarantine also under its rule (a bounded set of ids), for the dashboards. */
export function countOutcome(metrics: Metrics, outcome: InboundOutcome, rule?: string): void {
  metrics.addMetric(outcome, MetricUnit.Count, 1);
  if (outcome === 'quarantined' && rule) {
    const byRule = metrics.singleMetric();
    byRule.addDimension('rule', rule);
    byRule.addMetric('quarantinedByRule', MetricUnit.Count, 1);
  }
}
