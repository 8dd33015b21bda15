/**
 * The mail function's ports: the quarantine store and the inbound chain (mailparser, S3, DynamoDB) a release
 * runs — wired here, beside its handler, so no other API function carries the chain in its bundle.
 */
import { dynamo, s3 } from '../../commons/clients';
import { config } from '../../commons/env';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoQuarantine } from '../../adapters/dynamo-quarantine';
import type { ReleaseRequest } from '../../inbound/domain/ingest';
import type { InboundPorts } from '../../inbound/domain/ports';
import type { QuarantineContext } from '../../quarantine/ports';

let context: QuarantineContext | undefined;
let directory: DynamoDirectory | undefined;
let inbound: InboundPorts | undefined;

export function quarantineContext(): QuarantineContext {
  if (context) return context;
  const settings = config();
  return (context = {
    quarantine: new DynamoQuarantine(dynamo(), settings.tables),
    runRelease: (request) => release(request),
    now: () => new Date(),
  });
}

/**
 * The inbound chain, loaded on the first release only: listing and health requests (the frequent ones) never
 * evaluate mailparser and its charset tables at cold start.
 */
async function release(request: ReleaseRequest) {
  const [{ ingestRelease }, { inboundPorts }, { trustUnjudgedMail }] = await Promise.all([
    import('../../inbound/domain/ingest'),
    import('../../adapters/inbound-ports'),
    import('../../inbound/handler'),
  ]);
  const settings = config();
  const ports = (inbound ??= inboundPorts({ dynamo: dynamo(), s3: s3() }, settings.tables, settings.mailBucket));
  return ingestRelease(request, ports, { inboxDomain: settings.inboxDomain, trustUnjudgedMail: trustUnjudgedMail() });
}

/** The caller's role, for the admin routes. */
export const readRole = (accountId: string, userId: string) => (directory ??= new DynamoDirectory(dynamo(), config().tables.inboxes)).role(accountId, userId);
