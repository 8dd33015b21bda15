import type { Contact, ContactConversation } from './model';

/** A search (at most one prefix): contacts whose email, or normalized name, starts with it; neither lists all by email. */
export interface ContactFilter {
  readonly emailPrefix?: string;
  readonly namePrefix?: string;
}

export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

export interface ContactPage {
  /** By email, or by name when searching by name. */
  readonly contacts: Contact[];
  readonly cursor?: string;
}

export interface ContactConversationPage {
  /** Newest first. */
  readonly conversations: ContactConversation[];
  readonly cursor?: string;
}

/** Contacts are created by the inbound pipeline; the API lists, reads, renames and sets their owner, within the account. */
export interface ContactStore {
  contact(accountId: string, contactId: string): Promise<Contact | undefined>;
  /** Throws InvalidCursor for a cursor of another listing or account. */
  contacts(accountId: string, filter: ContactFilter, page: PageRequest): Promise<ContactPage>;
  /** Throws InvalidCursor for a cursor of another contact or account. */
  conversations(accountId: string, contactId: string, page: PageRequest): Promise<ContactConversationPage>;
  /** Undefined when the contact does not exist (in this account). */
  setOwner(accountId: string, contactId: string, ownerId: string | null): Promise<Contact | undefined>;
  /** Undefined when the contact does not exist (in this account); its name listing follows. */
  rename(accountId: string, contactId: string, name: string): Promise<Contact | undefined>;
}
