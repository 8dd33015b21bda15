/**
 * Scheduled reconcile (daily in AWS; `hosted-inbox reconcile` and `npm start` locally): raw mail without a
 * receipt goes through the inbound path; what it found is logged, so an operator sees every orphan.
 */
import { dynamo, s3 } from '../commons/clients';
import { config, trustUnjudgedMail } from '../commons/env';
import { createLogger } from '../commons/logger';
import { inboundPorts, rawMailInventory } from '../adapters/inbound-ports';
import { reconcileRawMail, ReconcileOptions, ReconcileReport } from './reconcile';

const logger = createLogger('reconcile');

/** Reconciles the bucket and tables named by the environment. */
export function reconcileFromEnvironment(options: Omit<ReconcileOptions, 'inboxDomain'> = {}): Promise<ReconcileReport> {
  const settings = config();
  const clients = { dynamo: dynamo(), s3: s3() };
  return reconcileRawMail(
    rawMailInventory(clients, settings.tables, settings.mailBucket, settings.rawMailPrefix),
    inboundPorts(clients, settings.tables, settings.mailBucket),
    { ...options, inboxDomain: settings.inboxDomain, trustUnjudgedMail: trustUnjudgedMail() },
  );
}

export async function handler(): Promise<ReconcileReport> {
  const report = await reconcileFromEnvironment();
  const summary = { scanned: report.scanned, orphaned: report.orphaned.length, errors: report.errors.length };
  // Orphans are news (a lost delivery); a quiet run is one line.
  if (report.orphaned.length || report.errors.length) logger.warn('reconcile found raw mail without a receipt', { ...summary, orphanedObjects: report.orphaned.slice(0, 200), errorObjects: report.errors.slice(0, 200) });
  else logger.info('reconcile found nothing to do', summary);
  return report;
}
