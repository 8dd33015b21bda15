/**
 * The conversations function's ports, built once per cold start from the module-scope clients. Replies are the
 * replies function's (functions/api/replies/): this one carries no SES client and no MIME composer.
 */
import { dynamo, s3 } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { DynamoAttribution } from '../../adapters/dynamo-attribution';
import { DynamoConversations } from '../../adapters/dynamo-conversations';
import { DynamoMerges } from '../../adapters/dynamo-merges';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { S3MailFiles } from '../../adapters/s3-mail-files';
import type { AttributionContext } from '../../conversations/attribution';
import type { MergeContext } from '../../conversations/merge';
import type { ConversationContext } from '../../conversations/use-cases';

type Context = ConversationContext & AttributionContext & MergeContext & { directory: DynamoDirectory };
let context: Context | undefined;

export function conversationContext(): Context {
  const settings = config();
  const directory = new DynamoDirectory(dynamo(), settings.tables.inboxes);
  return (context ??= {
    conversations: new DynamoConversations(dynamo(), settings.tables),
    files: new S3MailFiles(s3(), settings.mailBucket),
    directory,
    attribution: new DynamoAttribution(dynamo(), settings.tables),
    merges: new DynamoMerges(dynamo(), settings.tables),
    isAdmin: async (caller) => (await directory.role(caller.accountId, caller.userId)) === 'admin',
    inboxDomain: settings.inboxDomain,
    newId,
    now: () => new Date(),
  });
}
