/** The conversations function's ports, built once per cold start from the module-scope clients. */
import { dynamo, s3, ses } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { DynamoAttribution } from '../../adapters/dynamo-attribution';
import { DynamoConversations } from '../../adapters/dynamo-conversations';
import { DynamoMerges } from '../../adapters/dynamo-merges';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoReplies } from '../../adapters/dynamo-replies';
import { S3MailFiles, S3OutboundFiles } from '../../adapters/s3-mail-files';
import { SesReplySender } from '../../adapters/ses-reply-sender';
import type { AttributionContext } from '../../conversations/attribution';
import type { MergeContext } from '../../conversations/merge';
import type { ReplyContext } from '../../conversations/replies';

type Context = ReplyContext & AttributionContext & MergeContext & { directory: DynamoDirectory };
let context: Context | undefined;

export function conversationContext(): Context {
  const settings = config();
  const outboundFiles = new S3OutboundFiles(s3(), settings.mailBucket);
  const directory = new DynamoDirectory(dynamo(), settings.tables.inboxes);
  return (context ??= {
    conversations: new DynamoConversations(dynamo(), settings.tables),
    replies: new DynamoReplies(dynamo(), settings.tables),
    files: new S3MailFiles(s3(), settings.mailBucket),
    sender: new SesReplySender(ses(), (key) => outboundFiles.read(key)),
    outboundFiles,
    sesRegion: process.env.AWS_REGION ?? 'us-east-1',
    directory,
    attribution: new DynamoAttribution(dynamo(), settings.tables),
    merges: new DynamoMerges(dynamo(), settings.tables),
    isAdmin: async (caller) => (await directory.role(caller.accountId, caller.userId)) === 'admin',
    inboxDomain: settings.inboxDomain,
    newId,
    now: () => new Date(),
  });
}
