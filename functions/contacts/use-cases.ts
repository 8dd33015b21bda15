/** Contacts of the caller's account: list and search, read one with its conversations, rename, set its owner. */
import { NotFound } from '../commons/errors';
import { DEFAULT_PAGE_SIZE, readPage } from '../commons/paging';
import type { DirectoryStore } from '../directory/ports';
import { refuseIssues, Scope } from '../directory/use-cases';
import type { Contact, ContactWithConversations } from './model';
import { ownerIssues } from './owner';
import type { ContactConversationPage, ContactPage, ContactStore } from './ports';
import type { ContactChangesInput, ContactConversationsInput, ContactListInput, ContactOwnerInput } from './schemas';

export interface ContactContext {
  readonly contacts: ContactStore;
  readonly directory: Pick<DirectoryStore, 'user'>;
}

export async function listContacts(store: ContactStore, scope: Scope, query: ContactListInput): Promise<ContactPage> {
  return readPage(() => store.contacts(scope.accountId, { emailPrefix: query.email, namePrefix: query.name }, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }));
}

/** The contact with its newest conversations (one page; the rest through `listContactConversations`). */
export async function getContact(context: ContactContext, scope: Scope, contactId: string): Promise<ContactWithConversations> {
  const [contact, history] = await Promise.all([
    context.contacts.contact(scope.accountId, contactId),
    context.contacts.conversations(scope.accountId, contactId, { limit: DEFAULT_PAGE_SIZE }),
  ]);
  if (!contact) throw new NotFound('contact');
  return { ...contact, conversations: history.conversations, ...(history.cursor ? { conversationsCursor: history.cursor } : {}) };
}

export async function listContactConversations(store: ContactStore, scope: Scope, contactId: string, query: ContactConversationsInput): Promise<ContactConversationPage> {
  // Another account's contact is a 404 before its cursor is even looked at.
  if (!(await store.contact(scope.accountId, contactId))) throw new NotFound('contact');
  return readPage(() => store.conversations(scope.accountId, contactId, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }));
}

export async function renameContact(store: ContactStore, scope: Scope, contactId: string, input: ContactChangesInput): Promise<Contact> {
  const contact = await store.rename(scope.accountId, contactId, input.name);
  if (!contact) throw new NotFound('contact');
  return contact;
}

export async function setContactOwner(context: ContactContext, scope: Scope, contactId: string, input: ContactOwnerInput): Promise<Contact> {
  refuseIssues(await ownerIssues(context.directory, scope, 'ownerId', input.ownerId));
  const contact = await context.contacts.setOwner(scope.accountId, contactId, input.ownerId);
  if (!contact) throw new NotFound('contact');
  return contact;
}
