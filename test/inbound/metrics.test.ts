/** The EMF the inbound function writes must be what the alarm in lib/ watches: namespace, dimension, name. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { countOutcome, createMetrics, METRICS_NAMESPACE } from '../../functions/commons/metrics';

describe('inbound outcome metrics', () => {
  afterEach(() => jest.restoreAllMocks());

  test('one count per outcome, in the HostedInbox namespace with the service dimension the failed alarm uses', () => {
    const metrics = createMetrics('inbound');
    countOutcome(metrics, 'failed');
    countOutcome(metrics, 'stored');
    countOutcome(metrics, 'stored');
    const emf = metrics.serializeMetrics() as unknown as Record<string, any>;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toEqual([['service']]);
    expect(emf.service).toBe('inbound');
    expect(directive.Metrics.map((metric: { Name: string }) => metric.Name).sort()).toEqual(['failed', 'stored']);
    expect(emf.failed).toBe(1);
    expect(emf.stored).toEqual([1, 1]);
  });

  test('a quarantine is also counted under its rule, as its own metric set', () => {
    const metrics = createMetrics('inbound');
    const byRule = jest.spyOn(metrics, 'singleMetric');
    const dimensions = jest.spyOn(Metrics.prototype, 'addDimension');
    const added = jest.spyOn(Metrics.prototype, 'addMetric');
    countOutcome(metrics, 'quarantined', 'auto-reply');
    countOutcome(metrics, 'unroutable');
    expect(byRule).toHaveBeenCalledTimes(1);
    expect(dimensions.mock.calls).toEqual([['rule', 'auto-reply']]);
    expect(added.mock.calls.map(([name]) => name)).toEqual(['quarantined', 'quarantinedByRule', 'unroutable']);
    const emf = metrics.serializeMetrics() as unknown as Record<string, any>;
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((metric: { Name: string }) => metric.Name).sort()).toEqual(['quarantined', 'unroutable']);
  });
});
