/**
 * Inbound Lambda: SES receipt, S3 or SQS(S3) event in; one ingest per raw message. Thin: it maps the event,
 * calls the use case, logs the outcome. Infrastructure errors are rethrown (SES/S3 retry the invocation;
 * SQS retries just the failed records, then dead-letters them): every receipt makes retries harmless.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { dynamo, s3 } from '../commons/clients';
import { config } from '../commons/env';
import { createLogger } from '../commons/logger';
import { countOutcome, createMetrics } from '../commons/metrics';
import { inboundPorts } from '../adapters/inbound-ports';
import { ingestInbound } from './domain/ingest';
import type { InboundPlan } from './domain/plan';
import { parseInboundEvent } from './events';

const logger = createLogger('inbound');
const metrics = createMetrics('inbound');
let ports: ReturnType<typeof inboundPorts> | undefined;

export async function handler(event: unknown): Promise<SQSBatchResponse | void> {
  const settings = config();
  ports ??= inboundPorts({ dynamo: dynamo(), s3: s3() }, settings.tables, settings.mailBucket);
  const parsed = parseInboundEvent(event, settings);
  for (const skipped of parsed.skipped) logger.info('skipped', { why: skipped.why });
  for (const malformed of parsed.malformed) logger.error('malformed event record', { why: malformed.why });

  const failedQueueMessages = new Set(parsed.malformed.flatMap((record) => (record.queueMessageId ? [record.queueMessageId] : [])));
  let firstError: unknown;
  for (const delivery of parsed.deliveries) {
    const receiptKey = `${delivery.envelope.raw.bucket}/${delivery.envelope.raw.key}`;
    logger.appendKeys({ receiptKey });
    try {
      const plan = await ingestInbound(delivery.envelope, ports, { inboxDomain: settings.inboxDomain });
      logger.info('inbound processed', outcomeFields(plan));
      countOutcome(metrics, plan.outcome, plan.outcome === 'quarantined' ? plan.reason.rule : undefined);
    } catch (error) {
      logger.error('inbound failed; will be retried', { error: error as Error });
      if (delivery.queueMessageId) failedQueueMessages.add(delivery.queueMessageId);
      firstError ??= error;
    } finally {
      logger.removeKeys(['receiptKey']);
    }
  }
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  if (parsed.source === 'sqs') return { batchItemFailures: [...failedQueueMessages].map((itemIdentifier) => ({ itemIdentifier })) };
  if (firstError) throw firstError;
}

function outcomeFields(plan: InboundPlan): Record<string, unknown> {
  const fields: Record<string, unknown> = { outcome: plan.outcome };
  if ('route' in plan) fields.inboxId = plan.route.inboxId;
  if (plan.outcome === 'stored') Object.assign(fields, { conversationId: plan.conversation.conversationId, messageId: plan.messageId, rule: plan.attribution.rule });
  if (plan.outcome === 'quarantined' || plan.outcome === 'duplicate') Object.assign(fields, { reason: plan.reason.rule });
  if (plan.outcome === 'failed' || plan.outcome === 'unroutable') fields.reason = plan.reason;
  return fields;
}
