/**
 * The inboxes function's ports, built once per cold start from the module-scope clients and the checked config.
 * Each API function wires only what it uses, beside its handler (`functions/api/<fn>/wiring.ts`), so its bundle
 * carries nothing else.
 */
import { randomBytes } from 'node:crypto';
import { dynamo, ses } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoInboxes } from '../../adapters/dynamo-inboxes';
import { DynamoPipelines } from '../../adapters/dynamo-pipelines';
import { DynamoVerifications } from '../../adapters/dynamo-verifications';
import { SesMailer } from '../../adapters/ses-mailer';
import type { VerificationContext } from '../../inboxes/verification';
import { isVerifiedDomain } from '../../domains/use-cases';
import { domainContext } from './sending-domains';

/** Six characters of a-z0-9 (about 31 bits): a generated address is unique without looking clumsy. */
const randomSuffix = () => Array.from(randomBytes(6), (byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('');

let context: VerificationContext | undefined;

/** The wizard's context; the mailer and the tickets table are only touched by the steps that need them. */
export function setupContext(): VerificationContext {
  if (context) return context;
  const settings = config();
  let mailer: SesMailer | undefined;
  let pipelines: DynamoPipelines | undefined;
  context = {
    inboxes: new DynamoInboxes(dynamo(), settings.tables.inboxes),
    directory: new DynamoDirectory(dynamo(), settings.tables.inboxes),
    verifications: new DynamoVerifications(dynamo(), settings.tables.inboxes),
    get pipelines() {
      return (pipelines ??= new DynamoPipelines(dynamo(), settings.tables.tickets));
    },
    get mailer() {
      return (mailer ??= new SesMailer(ses(), settings.systemFrom));
    },
    inboxDomain: settings.inboxDomain,
    newId,
    randomSuffix,
    now: () => new Date(),
    verifiedDomain: (scope, domain) => isVerifiedDomain(domainContext(), scope, domain),
  };
  return context;
}
