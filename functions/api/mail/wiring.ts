/**
 * The mail function's ports: the quarantine store only. A release runs the inbound chain, so it is served by
 * the release function (functions/api/release/), and this function never carries mailparser in its bundle.
 */
import { dynamo } from '../../commons/clients';
import { config } from '../../commons/env';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoQuarantine } from '../../adapters/dynamo-quarantine';
import type { QuarantineContext } from '../../quarantine/ports';

let context: QuarantineContext | undefined;
let directory: DynamoDirectory | undefined;

export function quarantineContext(): QuarantineContext {
  return (context ??= { quarantine: new DynamoQuarantine(dynamo(), config().tables), now: () => new Date() });
}

/** The caller's role, for the admin routes. */
export const readRole = (accountId: string, userId: string) => (directory ??= new DynamoDirectory(dynamo(), config().tables.inboxes)).role(accountId, userId);
