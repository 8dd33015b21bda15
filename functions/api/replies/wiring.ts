/**
 * The replies function's ports: what sending a reply needs (the SES client and nodemailer's MIME composer, the
 * reply attachments' uploads), in a function of its own so reading conversations never loads them.
 */
import { dynamo, s3, ses } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { DynamoConversations } from '../../adapters/dynamo-conversations';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoReplies } from '../../adapters/dynamo-replies';
import { S3MailFiles, S3OutboundFiles } from '../../adapters/s3-mail-files';
import { SesReplySender } from '../../adapters/ses-reply-sender';
import type { ReplyContext } from '../../conversations/replies';

let context: ReplyContext | undefined;

export function replyContext(): ReplyContext {
  if (context) return context;
  const settings = config();
  const outboundFiles = new S3OutboundFiles(s3(), settings.mailBucket);
  return (context = {
    conversations: new DynamoConversations(dynamo(), settings.tables),
    replies: new DynamoReplies(dynamo(), settings.tables),
    files: new S3MailFiles(s3(), settings.mailBucket),
    sender: new SesReplySender(ses(), (key) => outboundFiles.read(key)),
    outboundFiles,
    sesRegion: process.env.AWS_REGION ?? 'us-east-1',
    directory: new DynamoDirectory(dynamo(), settings.tables.inboxes),
    newId,
    now: () => new Date(),
  });
}
