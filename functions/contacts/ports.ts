import type { Contact } from './model';

/** Contacts are created by the inbound pipeline; the API reads them and sets their owner, within the account. */
export interface ContactStore {
  contact(accountId: string, contactId: string): Promise<Contact | undefined>;
  /** Undefined when the contact does not exist (in this account). */
  setOwner(accountId: string, contactId: string, ownerId: string | null): Promise<Contact | undefined>;
}
