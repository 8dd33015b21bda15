/**
 * The release function's ports: the quarantine store and the inbound chain (mailparser, S3, DynamoDB) a release
 * runs — its own function, so the listing, deletion and health routes (the mail function) never load the chain.
 */
import { dynamo, s3 } from '../../commons/clients';
import { config, trustUnjudgedMail } from '../../commons/env';
import { inboundPorts } from '../../adapters/inbound-ports';
import { DynamoQuarantine } from '../../adapters/dynamo-quarantine';
import { ingestRelease } from '../../inbound/domain/ingest';
import type { ReleaseContext } from '../../quarantine/ports';

let context: ReleaseContext | undefined;

export function releaseContext(): ReleaseContext {
  if (context) return context;
  const settings = config();
  const ports = inboundPorts({ dynamo: dynamo(), s3: s3() }, settings.tables, settings.mailBucket);
  return (context = {
    quarantine: new DynamoQuarantine(dynamo(), settings.tables),
    runRelease: (request) => ingestRelease(request, ports, { inboxDomain: settings.inboxDomain, trustUnjudgedMail: trustUnjudgedMail() }),
    now: () => new Date(),
  });
}
