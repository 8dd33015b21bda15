/** Contacts in the contacts table, in their account's partition; the inbound pipeline creates them. */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Contact } from '../contacts/model';
import type { ContactStore } from '../contacts/ports';
import { updateExisting } from './item-updates';
import { keys } from './keys';

/** The contact without keys; one nobody ever owned has `ownerId: null`. */
function contactFrom(item: Record<string, unknown> | undefined): Contact | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...contact } = item;
  return { ...contact, ownerId: contact.ownerId ?? null } as Contact;
}

export class DynamoContacts implements ContactStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async contact(accountId: string, contactId: string): Promise<Contact | undefined> {
    return contactFrom((await this.client.send(new GetCommand({ TableName: this.table, Key: keys.contact(accountId, contactId) }))).Item);
  }

  /** Only ever updates: setting an owner never creates a contact. */
  async setOwner(accountId: string, contactId: string, ownerId: string | null): Promise<Contact | undefined> {
    return contactFrom(await updateExisting(this.client, this.table, keys.contact(accountId, contactId), { ownerId }));
  }
}
