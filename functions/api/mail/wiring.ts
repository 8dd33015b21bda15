/**
 * The mail function's ports: the quarantine store and the inbound chain (mailparser, S3, DynamoDB) a release
 * runs — wired here, beside its handler, so no other API function carries the chain in its bundle.
 */
import { dynamo, s3 } from '../../commons/clients';
import { config } from '../../commons/env';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoQuarantine } from '../../adapters/dynamo-quarantine';
import { inboundPorts } from '../../adapters/inbound-ports';
import { ingestRelease } from '../../inbound/domain/ingest';
import { trustUnjudgedMail } from '../../inbound/handler';
import type { QuarantineContext } from '../../quarantine/ports';

let context: QuarantineContext | undefined;
let directory: DynamoDirectory | undefined;

export function quarantineContext(): QuarantineContext {
  if (context) return context;
  const settings = config();
  const ports = inboundPorts({ dynamo: dynamo(), s3: s3() }, settings.tables, settings.mailBucket);
  return (context = {
    quarantine: new DynamoQuarantine(dynamo(), settings.tables),
    runRelease: (request) => ingestRelease(request, ports, { inboxDomain: settings.inboxDomain, trustUnjudgedMail: trustUnjudgedMail() }),
    now: () => new Date(),
  });
}

/** The caller's role, for the admin routes. */
export const readRole = (accountId: string, userId: string) => (directory ??= new DynamoDirectory(dynamo(), config().tables.inboxes)).role(accountId, userId);
