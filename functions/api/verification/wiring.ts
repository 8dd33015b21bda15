/**
 * The public verification function's ports: the token store and the inboxes, nothing else (no wizard, no
 * mailer, no other table), so its bundle stays small and its grants are GetItem and UpdateItem on one table.
 */
import { dynamo } from '../../commons/clients';
import { config } from '../../commons/env';
import { DynamoInboxes } from '../../adapters/dynamo-inboxes';
import { DynamoVerifications } from '../../adapters/dynamo-verifications';
import type { TokenContext } from '../../inboxes/verification-tokens';

let context: TokenContext | undefined;

export function tokenContext(): TokenContext {
  const table = () => config().tables.inboxes;
  context ??= { verifications: new DynamoVerifications(dynamo(), table()), inboxes: new DynamoInboxes(dynamo(), table()), now: () => new Date() };
  return context;
}
