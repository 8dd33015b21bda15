/**
 * The agent's daily loop: see what is waiting (views and their counts), read a conversation, assign, close,
 * reopen, leave notes. Input arrives validated by `schemas.ts`; these check what a schema cannot (the inbox
 * and the assignee belong to the account) and keep counts exact through concurrent changes.
 */
import { Conflict, NotFound, ValidationFailed } from '../commons/errors';
import { DEFAULT_PAGE_SIZE, readPage } from '../commons/paging';
import type { DirectoryStore } from '../directory/ports';
import type { Scope } from '../directory/use-cases';
import { newTextOf } from './new-text';
import { sanitizeMessageHtml } from './sanitize';
import type { Conversation, ConversationDetail, ConversationSummary, MessageView, Note, NoteView, StoredMessage } from './model';
import { summaryOf } from './model';
import { ChangedMeanwhile, ConversationStore, Listing, MailFiles, ViewCounts } from './ports';
import type { ConversationChanges, InboxViewInput, MyConversationsInput } from './schemas';

export interface Caller extends Scope {
  readonly userId: string;
  readonly email?: string;
}

export interface ConversationContext {
  readonly conversations: ConversationStore;
  readonly files: MailFiles;
  readonly directory: Pick<DirectoryStore, 'user'>;
  readonly newId: (prefix: string) => string;
  readonly now: () => Date;
}

/** Attempts of a change that keeps meeting concurrent changes (each re-reads the conversation). */
const CHANGE_ATTEMPTS = 8;

async function page(context: ConversationContext, listing: Listing, input: { limit?: number; cursor?: string }) {
  const found = await readPage(() => context.conversations.list(listing, { limit: input.limit ?? DEFAULT_PAGE_SIZE, cursor: input.cursor }));
  return { conversations: found.conversations.map(summaryOf), cursor: found.cursor };
}

/** A view of an inbox of the caller's account; the inbox is checked while the view is read. */
export async function listInboxView(context: ConversationContext, caller: Caller, inboxId: string, input: InboxViewInput): Promise<{ conversations: ConversationSummary[]; cursor?: string }> {
  const [exists, found] = await Promise.all([
    context.conversations.inboxExists(caller.accountId, inboxId),
    page(context, { kind: 'inbox', inboxId, view: input.view, userId: caller.userId }, input),
  ]);
  if (!exists) throw new NotFound('inbox');
  return found;
}

export function listMine(context: ConversationContext, caller: Caller, input: MyConversationsInput) {
  return page(context, { kind: 'assigned-everywhere', accountId: caller.accountId, userId: caller.userId }, input);
}

export async function inboxViewCounts(context: ConversationContext, caller: Caller, inboxId: string): Promise<ViewCounts> {
  const [exists, counts] = await Promise.all([context.conversations.inboxExists(caller.accountId, inboxId), context.conversations.viewCounts(inboxId, caller.userId)]);
  if (!exists) throw new NotFound('inbox');
  return counts;
}

/** The conversation with its messages (new text, sanitized HTML, download links) and notes, oldest first. */
export async function readConversation(context: ConversationContext, caller: Caller, conversationId: string, options: { remoteImages: boolean }): Promise<ConversationDetail> {
  const thread = await context.conversations.thread(caller.accountId, conversationId);
  if (!thread) throw new NotFound('conversation');
  const messages = await Promise.all(thread.messages.map((message) => messageView(context.files, message, options)));
  const notes = thread.notes.map((note): NoteView => ({ kind: 'note', ...note, at: note.createdAt }));
  const entries = [...messages, ...notes].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const { mergedInto, merge } = thread.conversation;
  return { ...summaryOf(thread.conversation), createdAt: thread.conversation.createdAt, mergedInto: mergedInto ?? null, merge: merge ?? null, entries };
}

export async function messageView(files: MailFiles, message: StoredMessage, options: { remoteImages: boolean }): Promise<MessageView> {
  const attachments = await Promise.all(
    (message.attachments ?? []).map(async (attachment) => ({
      index: attachment.index,
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      disposition: attachment.disposition,
      contentId: attachment.contentId,
      url: attachment.storageKey ? await files.downloadUrl(attachment.storageKey, attachment) : null,
    })),
  );
  const rawHtml = message.html ?? (message.bodies?.htmlKey ? await files.body(message.bodies.htmlKey) : undefined);
  const inline = new Map(attachments.filter((attachment) => attachment.contentId && attachment.url).map((attachment) => [attachment.contentId!, attachment.url!]));
  return {
    kind: 'message',
    messageId: message.messageId,
    direction: message.direction,
    at: message.receivedAt,
    from: message.from,
    to: message.to ?? [],
    cc: message.cc ?? [],
    replyTo: message.replyTo ?? [],
    date: message.date ?? null,
    subject: message.subject,
    newText: newTextOf(message.text ?? ''),
    text: message.text ?? '',
    html: rawHtml === undefined ? null : sanitizeMessageHtml(rawHtml, { remoteImages: options.remoteImages, inlineImage: (contentId) => inline.get(contentId) }),
    attachments: attachments.map(({ contentId: _contentId, ...attachment }) => attachment),
    verdicts: message.verdicts ?? null,
    attribution: message.attribution ?? null,
    forwardedBy: message.forwardedBy ?? null,
    contactId: message.direction === 'inbound' ? (message.contactId ?? null) : null,
    correction: message.correction ?? null,
    sentBy: message.sentBy ?? null,
    delivery: message.delivery ?? null,
  };
}

export async function existingConversation(store: ConversationStore, caller: Scope, conversationId: string): Promise<Conversation> {
  const conversation = await store.conversationOf(caller.accountId, conversationId);
  if (!conversation) throw new NotFound('conversation');
  if (conversation.mergedInto) throw new Conflict('conversation_merged', `the conversation was merged into ${conversation.mergedInto}: work on that one`);
  return conversation;
}

/**
 * Assign (a user of the account), unassign, close, reopen. Each attempt is conditional on the conversation
 * being as read, so racing changes serialize and every open count stays exact.
 */
export async function changeConversation(context: ConversationContext, caller: Caller, conversationId: string, changes: ConversationChanges): Promise<ConversationSummary> {
  if (changes.assigneeId && !(await context.directory.user(caller.accountId, changes.assigneeId))) {
    throw ValidationFailed.field('assigneeId', 'unknown_user', `${changes.assigneeId} is not a user of this account`);
  }
  return summaryOf(await changeWithRetries(context.conversations, caller, conversationId, (current) => ({
    status: changes.status ?? current.status,
    assigneeId: changes.assigneeId === undefined ? current.assigneeId : changes.assigneeId,
  })));
}

/** Applies `decide` to the conversation as it is now, again after each concurrent change (a no-op writes nothing). */
export async function changeWithRetries(
  store: ConversationStore,
  caller: Scope,
  conversationId: string,
  decide: (current: Conversation) => { status: Conversation['status']; assigneeId: string | null },
): Promise<Conversation> {
  for (let attempt = 1; ; attempt++) {
    const current = await existingConversation(store, caller, conversationId);
    const after = decide(current);
    if (after.status === current.status && after.assigneeId === (current.assigneeId ?? null)) return current;
    try {
      return await store.change(current, after);
    } catch (error) {
      if (!(error instanceof ChangedMeanwhile)) throw error;
      if (attempt >= CHANGE_ATTEMPTS) throw new Conflict('changed_meanwhile', 'the conversation kept changing meanwhile: read it again and retry');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** An internal note: stored with the conversation, never emailed. */
export async function addNote(context: ConversationContext, caller: Caller, conversationId: string, text: string): Promise<NoteView> {
  const conversation = await existingConversation(context.conversations, caller, conversationId);
  const note: Note = { noteId: context.newId('nt'), authorId: caller.userId, text, createdAt: context.now().toISOString() };
  await context.conversations.addNote(conversation, note);
  return { kind: 'note', ...note, at: note.createdAt };
}
