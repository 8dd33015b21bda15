/**
 * Contacts in the contacts table, in their account's partition; the inbound pipeline creates them. Listings
 * and searches are Queries on the email or name index, a contact's history a Query on the conversations'
 * byContact index; cursors are checked to continue the very listing they are offered to.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { BY_CONTACT_INDEX, CONTACTS_BY_EMAIL_INDEX, CONTACTS_BY_NAME_INDEX } from '../commons/table-design';
import type { Contact, ContactConversation } from '../contacts/model';
import type { ContactConversationPage, ContactFilter, ContactPage, ContactStore, PageRequest } from '../contacts/ports';
import { contactFrom, contactNameKeys, contactSkPrefix } from './contact-items';
import { decodeCursor, queryPage } from './cursors';
import { updateExisting } from './item-updates';
import { keys, listings } from './keys';

const toContact = (item: Record<string, unknown> | undefined) => item && (contactFrom(item) as unknown as Contact);

const CONVERSATION_FIELDS = ['conversationId', 'inboxId', 'subject', 'status', 'assigneeId', 'ticketId', 'createdAt', 'lastMessageAt', 'messageCount'] as const;
const toConversation = (item: Record<string, unknown>) =>
  Object.fromEntries(CONVERSATION_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]])) as unknown as ContactConversation;

export class DynamoContacts implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { readonly contacts: string; readonly conversations: string },
  ) {}

  async contact(accountId: string, contactId: string): Promise<Contact | undefined> {
    return toContact((await this.client.send(new GetCommand({ TableName: this.tables.contacts, Key: keys.contact(accountId, contactId) }))).Item);
  }

  /** By email (all, or an email prefix) or by name prefix; sorted by what was searched. */
  async contacts(accountId: string, filter: ContactFilter, page: PageRequest): Promise<ContactPage> {
    const byName = filter.namePrefix !== undefined;
    const index = byName ? CONTACTS_BY_NAME_INDEX : CONTACTS_BY_EMAIL_INDEX;
    const partition = byName ? listings.contactsByName(accountId) : listings.contactsByEmail(accountId);
    const sortPrefix = filter.namePrefix ?? filter.emailPrefix;
    const own = keys.contact(accountId, '');
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, index, (key) => {
      const sort = key[index.sortKey];
      return key[index.partitionKey] === partition && key.pk === own.pk && key.sk.startsWith(contactSkPrefix) && sort.endsWith(`#${key.sk.slice(contactSkPrefix.length)}`) && sort.startsWith(sortPrefix ?? '');
    });
    const { items, cursor } = await queryPage(this.client, { table: this.tables.contacts, index, partition, sortPrefix }, { limit: page.limit, start });
    return { contacts: items.map((item) => toContact(item)!), ...(cursor ? { cursor } : {}) };
  }

  async conversations(accountId: string, contactId: string, page: PageRequest): Promise<ContactConversationPage> {
    const partition = listings.conversationsOfContact(accountId, contactId);
    const index = BY_CONTACT_INDEX;
    const start = page.cursor === undefined ? undefined : decodeCursor(page.cursor, index, (key) => {
      const conversationId = key.pk.slice(keys.conversation('').pk.length);
      const expected = keys.conversation(conversationId);
      return key[index.partitionKey] === partition && key.pk === expected.pk && key.sk === expected.sk && key[index.sortKey].endsWith(`#${conversationId}`);
    });
    const { items, cursor } = await queryPage(this.client, { table: this.tables.conversations, index, partition, newestFirst: true }, { limit: page.limit, start });
    return { conversations: items.map(toConversation), ...(cursor ? { cursor } : {}) };
  }

  /** Only ever updates: setting an owner never creates a contact. */
  async setOwner(accountId: string, contactId: string, ownerId: string | null): Promise<Contact | undefined> {
    return toContact(await updateExisting(this.client, this.tables.contacts, keys.contact(accountId, contactId), { ownerId }));
  }

  /** The name and its listing key together, so a search finds the contact by the name it shows. */
  async rename(accountId: string, contactId: string, name: string): Promise<Contact | undefined> {
    return toContact(await updateExisting(this.client, this.tables.contacts, keys.contact(accountId, contactId), { name, ...contactNameKeys(accountId, contactId, name) }));
  }
}
