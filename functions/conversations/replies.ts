/**
 * Replying by email: read (one round trip), then the inbox, the Idempotency-Key claim and — for an unassigned
 * conversation — its assignment to the replying agent (together, one round trip), one SES call, and one
 * transaction storing the sent message with the id SES gave it. An SES failure stores the reply as `failed`
 * with the reason; `retryReply` sends it again.
 */
import { createHash } from 'node:crypto';
import { Conflict, NotFound, PayloadTooLarge, UpstreamFailed, ValidationFailed } from '../commons/errors';
import type { Conversation, MessageView, StoredMessage } from './model';
import { ChangedMeanwhile, IdempotencyRecord, OutboundFiles, OutboundMessage, ReplySender, ReplyStore } from './ports';
import { composedSizeBound, fromHeader, MAX_QUOTED_HTML, ReplyAttachment, SES_MAX_MESSAGE_BYTES, messageToQuote, OutgoingEmail, QuotedMessage, recipients, replySubject, replyTokenAddress, sesThreadingId, threading, withQuote, withSignatures } from './reply';
import { sanitizeMessageHtml } from './sanitize';
import type { AttachmentUploadInput, ReplyInput } from './reply-schemas';
import { Caller, ConversationContext, existingConversation, messageView } from './use-cases';

export interface ReplyContext extends ConversationContext {
  readonly replies: ReplyStore;
  readonly sender: ReplySender;
  readonly outboundFiles: OutboundFiles;
  /** The region SES sends from: it names the Message-ID SES gives sent mail. */
  readonly sesRegion: string;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function sendReply(context: ReplyContext, caller: Caller, conversationId: string, input: ReplyInput, idempotencyKey?: string): Promise<MessageView> {
  const keyHash = idempotencyKey === undefined ? undefined : hashKey(idempotencyKey);
  const read = await context.replies.readForReply(caller.accountId, caller.userId, conversationId, keyHash);
  if (!read) throw new NotFound('conversation');
  if (read.previous) return repeated(context, read.previous, read.conversation);
  if (read.conversation.mergedInto) throw new Conflict('conversation_merged', `the conversation was merged into ${read.conversation.mergedInto}: reply there`);
  const { conversation, messages } = read;
  const [inbox, claimed] = await Promise.all([
    context.replies.inboxSending(caller.accountId, conversation.inboxId),
    keyHash ? context.replies.claimIdempotencyKey(caller.accountId, keyHash, conversationId) : true,
    conversation.assigneeId ? undefined : assignToReplier(context, caller, conversation),
  ]);
  if (!claimed) throw new Conflict('idempotency_key_in_use', 'a request with this Idempotency-Key is being sent: read the conversation, or repeat the request later');
  if (!inbox) throw new NotFound('inbox');
  const from = fromHeader(inbox, read.agent?.name ?? caller.email ?? 'Support');
  const { to, cc } = recipients(input, messages, inbox);
  const signed = withSignatures({ text: input.text, html: input.html === undefined ? undefined : sanitizeForSending(input.html) }, [read.agent?.signature, inbox.signature]);
  const [quoted, attachments] = await Promise.all([quotedMessage(context, messageToQuote(inbox, messages)), replyAttachments(context, conversation, input.attachments ?? [])]);
  const body = withQuote(signed, quoted);
  const size = composedSizeBound(body, attachments);
  if (size > SES_MAX_MESSAGE_BYTES) throw new PayloadTooLarge('reply_too_large', `the reply would be about ${size} bytes once encoded; SES sends at most ${SES_MAX_MESSAGE_BYTES}`);
  const outgoing: OutgoingEmail = {
    from: from.header,
    fromAddress: from.address,
    to,
    cc,
    replyTo: replyTokenAddress(inbox.forwardingAddress, conversationId),
    subject: replySubject(conversation.subject),
    ...threading(messages),
    ...body,
    ...(attachments.length ? { attachments } : {}),
  };
  const message = await deliver(context, outgoing, { messageId: context.newId('ms'), sentBy: caller.userId, receivedAt: context.now().toISOString() });
  await context.replies.saveReply(conversation, message, threadingIdOf(message), keyHash);
  return answer(context, message);
}

/** Where a reply's upload lies: under the account and the conversation, so an id cannot reach another's file. */
const outboundKey = (conversation: Pick<Conversation, 'accountId' | 'conversationId'>, attachmentId: string) => `outbound/${conversation.accountId}/${conversation.conversationId}/${attachmentId}`;

/** A file to attach to a reply of this conversation: its id, and where to PUT it (briefly). */
export async function prepareAttachment(context: ReplyContext, caller: Caller, conversationId: string, file: AttachmentUploadInput) {
  const conversation = await existingConversation(context.conversations, caller, conversationId);
  const attachmentId = context.newId('at');
  return { attachmentId, ...(await context.outboundFiles.prepareUpload(outboundKey(conversation, attachmentId), file)) };
}

/** The uploads a reply names, each of this account and conversation and uploaded (`400` naming each that is not). */
async function replyAttachments(context: ReplyContext, conversation: Conversation, attachmentIds: readonly string[]): Promise<ReplyAttachment[]> {
  const found = await Promise.all(attachmentIds.map((attachmentId) => context.outboundFiles.uploaded(outboundKey(conversation, attachmentId))));
  const issues = found.flatMap((file, index) => (file ? [] : [{ field: `attachments.${index}`, rule: 'unknown_attachment', message: `${attachmentIds[index]} is no file uploaded for this conversation` }]));
  if (issues.length) throw new ValidationFailed(issues);
  return found as ReplyAttachment[];
}

/** Sent HTML keeps remote images (the recipient's client decides) and drops `cid:` ones it cannot carry. */
const sanitizeForSending = (html: string) => sanitizeMessageHtml(html, { remoteImages: true, inlineImage: () => undefined });

/** The quoted message's date, author and bodies (its HTML may live next to the raw mail). */
async function quotedMessage(context: ReplyContext, message: StoredMessage | undefined): Promise<QuotedMessage | undefined> {
  if (!message) return undefined;
  const html = message.html ?? (message.bodies?.htmlKey ? await context.files.body(message.bodies.htmlKey) : undefined);
  const date = new Date(message.date ?? message.receivedAt);
  return {
    date: (Number.isNaN(date.getTime()) ? new Date(message.receivedAt) : date).toUTCString(),
    name: message.from.name || message.from.email,
    text: message.text ?? '',
    // Longer HTML is quoted as its (bounded) text: sanitizing it would cost more than the quote is worth.
    html: html === undefined || html.length > MAX_QUOTED_HTML ? undefined : sanitizeForSending(html),
  };
}

/** Sends a failed reply again, as it was composed. */
export async function retryReply(context: ReplyContext, caller: Caller, conversationId: string, messageId: string): Promise<MessageView> {
  const conversation = await existingConversation(context.conversations, caller, conversationId);
  const failed = await context.replies.outboundMessage(conversation, messageId);
  if (!failed) throw new NotFound('reply');
  if (failed.delivery?.status !== 'failed' || !(await context.replies.claimRetry(conversation, failed))) {
    throw new Conflict('not_failed', 'only a failed reply can be sent again, once at a time');
  }
  const message = await deliver(context, failed.outgoing, failed);
  await context.replies.saveReply(conversation, message, threadingIdOf(message));
  return answer(context, message);
}

async function assignToReplier(context: ReplyContext, caller: Caller, conversation: Conversation) {
  try {
    await context.conversations.change(conversation, { status: conversation.status, assigneeId: caller.userId });
  } catch (error) {
    if (!(error instanceof ChangedMeanwhile)) throw error; // someone else took it meanwhile: theirs
  }
}

/** One SES call; a failure is kept on the message (never thrown away), with the reason. */
async function deliver(context: ReplyContext, outgoing: OutgoingEmail, message: Pick<OutboundMessage, 'messageId' | 'sentBy' | 'receivedAt'>): Promise<OutboundMessage> {
  const base = {
    messageId: message.messageId,
    direction: 'outbound' as const,
    receivedAt: message.receivedAt,
    sentBy: message.sentBy,
    subject: outgoing.subject,
    from: { email: outgoing.fromAddress, name: outgoing.from.replace(/\s*<[^>]*>$/, '').replace(/^"|"$/g, '') },
    to: outgoing.to.map((email) => ({ email, name: '' })),
    cc: outgoing.cc.map((email) => ({ email, name: '' })),
    references: outgoing.references,
    text: outgoing.text,
    html: outgoing.html,
    // Listed like an inbound message's files (the uploads stay where they were PUT, in the mail bucket).
    attachments: (outgoing.attachments ?? []).map((file, index) => ({ index, filename: file.filename, contentType: file.contentType, size: file.size, disposition: 'attachment' as const, storageKey: file.key })),
    outgoing,
  };
  const attemptedAt = context.now().toISOString();
  try {
    const sesMessageId = await context.sender.send(outgoing);
    return { ...base, messageIdHeader: sesThreadingId(sesMessageId, context.sesRegion), delivery: { status: 'sent', sesMessageId, attemptedAt } };
  } catch (error) {
    const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
    return { ...base, delivery: { status: 'failed', reason, attemptedAt } };
  }
}

const threadingIdOf = (message: OutboundMessage) => (message.delivery?.status === 'sent' ? message.messageIdHeader : undefined);

async function answer(context: ReplyContext, message: OutboundMessage): Promise<MessageView> {
  if (message.delivery?.status === 'failed') {
    throw new UpstreamFailed('email_not_sent', `the reply was stored as failed message ${message.messageId} (${message.delivery.reason}); send it again with POST …/replies/${message.messageId}/retry`);
  }
  return messageView(context.files, message, { remoteImages: true });
}

/** The first result of this Idempotency-Key, answered again (a failure as a failure). */
async function repeated(context: ReplyContext, previous: IdempotencyRecord, conversation: Conversation): Promise<MessageView> {
  if (previous.conversationId !== conversation.conversationId) throw new Conflict('idempotency_key_reused', 'this Idempotency-Key was used for another conversation');
  const first = previous.messageId ? await context.replies.outboundMessage(conversation, previous.messageId) : undefined;
  if (!first) throw new Conflict('idempotency_key_in_use', 'a request with this Idempotency-Key is being sent: read the conversation, or repeat the request later');
  return answer(context, first);
}
