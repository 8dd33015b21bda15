/** Contacts of the caller's account: read one, set or clear its owner. */
import { NotFound } from '../commons/errors';
import type { DirectoryStore } from '../directory/ports';
import { refuseIssues, Scope } from '../directory/use-cases';
import type { Contact } from './model';
import { ownerIssues } from './owner';
import type { ContactStore } from './ports';
import type { ContactOwnerInput } from './schemas';

export interface ContactContext {
  readonly contacts: ContactStore;
  readonly directory: Pick<DirectoryStore, 'user'>;
}

export async function getContact(context: ContactContext, scope: Scope, contactId: string): Promise<Contact> {
  const contact = await context.contacts.contact(scope.accountId, contactId);
  if (!contact) throw new NotFound('contact');
  return contact;
}

export async function setContactOwner(context: ContactContext, scope: Scope, contactId: string, input: ContactOwnerInput): Promise<Contact> {
  refuseIssues(await ownerIssues(context.directory, scope, 'ownerId', input.ownerId));
  const contact = await context.contacts.setOwner(scope.accountId, contactId, input.ownerId);
  if (!contact) throw new NotFound('contact');
  return contact;
}
