/**
 * Inbound Lambda: SES receipt, S3 or SQS(S3) event in; one ingest per raw message. Thin: it maps the event,
 * calls the use case, logs the outcomes and counts them as metrics (EMF). Permanent errors become `failed` records inside the use case;
 * transient ones are rethrown (SES/S3 retry the invocation; SQS retries just the failed records): every
 * receipt makes retries harmless. An error of unknown kind is retried until SQS's last receive before the
 * dead-letter queue (`FINAL_RECEIVE_COUNT`, below the queue's maxReceiveCount of 5), then recorded `failed`.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse } from 'aws-lambda';
import { dynamo, s3 } from '../commons/clients';
import { config, trustUnjudgedMail } from '../commons/env';
import { createLogger } from '../commons/logger';
import { countOutcome, createMetrics } from '../commons/metrics';
import { inboundPorts } from '../adapters/inbound-ports';
import { ingestInbound } from './domain/ingest';
import type { InboundPlan } from './domain/plan';
import type { InboundPorts } from './domain/ports';
import { parseInboundEvent } from './events';

/** The receive after which an error of unknown kind is recorded instead of retried. */
export const FINAL_RECEIVE_COUNT = 3;

export interface InboundHandlerDeps {
  readonly logger?: Logger;
  /** Built from the environment on first use when absent. */
  readonly ports?: InboundPorts;
}

export function createInboundHandler(deps: InboundHandlerDeps = {}) {
  const logger = deps.logger ?? createLogger('inbound');
  const metrics = createMetrics('inbound');
  let ports = deps.ports;
  return async function handle(event: unknown): Promise<SQSBatchResponse | void> {
    const settings = config();
    ports ??= inboundPorts({ dynamo: dynamo(), s3: s3() }, settings.tables, settings.mailBucket);
    const parsed = parseInboundEvent(event, settings);
    for (const skipped of parsed.skipped) logger.info('skipped', { why: skipped.why });
    for (const malformed of parsed.malformed) logger.error('malformed event record', { why: malformed.why });

    const failedQueueMessages = new Set(parsed.malformed.flatMap((record) => (record.queueMessageId ? [record.queueMessageId] : [])));
    let firstError: unknown;
    for (const delivery of parsed.deliveries) {
      // Its own logger per message: keys never leak onto another message's lines, however they interleave.
      const log = logger.createChild({ persistentKeys: { receiptKey: `${delivery.envelope.raw.bucket}/${delivery.envelope.raw.key}` } });
      try {
        const finalAttempt = (delivery.receiveCount ?? 0) >= FINAL_RECEIVE_COUNT;
        const plans = await ingestInbound(delivery.envelope, ports, { inboxDomain: settings.inboxDomain, finalAttempt, trustUnjudgedMail: trustUnjudgedMail() });
        for (const plan of plans) {
          log.info('inbound processed', outcomeFields(plan));
          countOutcome(metrics, plan.outcome, plan.outcome === 'quarantined' ? plan.reason.rule : undefined);
        }
      } catch (error) {
        log.error('inbound failed; will be retried', { error: error as Error });
        if (delivery.queueMessageId) failedQueueMessages.add(delivery.queueMessageId);
        firstError ??= error;
      }
    }
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    if (parsed.source === 'sqs') return { batchItemFailures: [...failedQueueMessages].map((itemIdentifier) => ({ itemIdentifier })) };
    if (firstError) throw firstError;
  };
}

export const handler = createInboundHandler();

function outcomeFields(plan: InboundPlan): Record<string, unknown> {
  const fields: Record<string, unknown> = { outcome: plan.outcome };
  if ('route' in plan && plan.route) fields.inboxId = plan.route.inboxId;
  if (plan.outcome === 'stored') Object.assign(fields, { conversationId: plan.conversation.conversationId, messageId: plan.messageId, rule: plan.attribution.rule, collision: plan.collision });
  if (plan.outcome === 'quarantined' || plan.outcome === 'duplicate') Object.assign(fields, { reason: plan.reason.rule });
  if (plan.outcome === 'failed' || plan.outcome === 'unroutable') fields.reason = plan.reason;
  return fields;
}
