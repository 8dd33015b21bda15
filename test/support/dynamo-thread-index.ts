import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/keys';

/**
 * SES replaces the Message-ID of mail we send; replies reference the id it returns, in this form.
 * us-east-1 uses `email.amazonses.com`, other regions `<region>.amazonses.com`.
 */
export function sesMessageIdHeader(sesMessageId: string, region: string): string {
  return `${sesMessageId}@${region === 'us-east-1' ? 'email' : region}.amazonses.com`;
}

/** Indexes a sent message so replies to it thread into its conversation. */
export async function recordOutboundMessageId(
  client: DynamoDBDocumentClient,
  conversationsTable: string,
  sent: { inboxId: string; conversationId: string; sesMessageId: string; region: string; messageId?: string },
): Promise<void> {
  const header = sesMessageIdHeader(sent.sesMessageId, sent.region);
  await client.send(
    new PutCommand({
      TableName: conversationsTable,
      Item: { ...keys.thread(sent.inboxId, header), conversationId: sent.conversationId, inboxId: sent.inboxId, storedMessageId: sent.messageId ?? `outbound:${sent.sesMessageId}` },
    }),
  );
}
