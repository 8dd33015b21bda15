/**
 * The listing keys of contacts (by email, by name) and of a contact's conversations: pure, shared by the
 * inbound transaction (which creates contacts and conversations) and the contact API (which lists and renames).
 */
import { nameSearchKey } from '../contacts/search';
import { keys, listings } from './keys';

/** The email listing of a contact; emails never change, so it is written once with the contact. */
export function contactEmailKeys(accountId: string, contactId: string, email: string) {
  return { gsi1pk: listings.contactsByEmail(accountId), gsi1sk: `${email}#${contactId}` };
}

/** The name listing; rewrite it whenever the name changes. */
export function contactNameKeys(accountId: string, contactId: string, name: string) {
  return { gsi2pk: listings.contactsByName(accountId), gsi2sk: `${nameSearchKey(name)}#${contactId}` };
}

/**
 * What the inbound upsert adds to its `SET`: the email listing always; the name listing only where the
 * contact has none yet — exactly when the upsert's `if_not_exists(name)` takes the new name.
 */
export function contactListingUpdate(accountId: string, contact: { readonly contactId: string; readonly email: string; readonly name?: string }) {
  const email = contactEmailKeys(accountId, contact.contactId, contact.email);
  const values: Record<string, string> = { ':emailListing': email.gsi1pk, ':emailOrder': email.gsi1sk };
  let expression = 'gsi1pk = :emailListing, gsi1sk = :emailOrder';
  if (contact.name) {
    const name = contactNameKeys(accountId, contact.contactId, contact.name);
    expression += ', gsi2pk = if_not_exists(gsi2pk, :nameListing), gsi2sk = if_not_exists(gsi2sk, :nameOrder)';
    Object.assign(values, { ':nameListing': name.gsi2pk, ':nameOrder': name.gsi2sk });
  }
  return { expression, values };
}

/**
 * Creates the contact or counts one more message for it, with no read (its id derives from its email). An
 * existing name is never blanked or replaced. `lastMessage: 'set'` for a message arriving now; `'if-absent'`
 * for an older message moved to the contact (re-attribution), which must not move its last activity back.
 */
export function contactUpsertItem(
  table: string,
  accountId: string,
  contact: { readonly contactId: string; readonly email: string; readonly name?: string },
  options: { readonly at: string; readonly lastMessage: 'set' | 'if-absent' },
) {
  const values: Record<string, unknown> = { ':email': contact.email, ':account': accountId, ':id': contact.contactId, ':at': options.at, ':one': 1 };
  const lastMessageAt = options.lastMessage === 'set' ? ':at' : 'if_not_exists(lastMessageAt, :at)';
  let update = `SET email = :email, accountId = :account, contactId = :id, createdAt = if_not_exists(createdAt, :at), lastMessageAt = ${lastMessageAt}`;
  // Keep a name someone already has (or edited); never blank it.
  if (contact.name) {
    update += ', #name = if_not_exists(#name, :name)';
    values[':name'] = contact.name;
  }
  const listed = contactListingUpdate(accountId, contact);
  update += `, ${listed.expression}`;
  Object.assign(values, listed.values);
  return {
    Update: {
      TableName: table,
      Key: keys.contact(accountId, contact.contactId),
      UpdateExpression: `${update} ADD messageCount :one`,
      ExpressionAttributeNames: contact.name ? { '#name': 'name' } : undefined,
      ExpressionAttributeValues: values,
    },
  };
}

/** A conversation's place in its contact's history, newest first; moves with the conversation's contact. */
export function conversationContactKeys(accountId: string, contactId: string, createdAt: string, conversationId: string) {
  return { contactListPk: listings.conversationsOfContact(accountId, contactId), contactListSk: `${createdAt}#${conversationId}` };
}

/** The contact without keys; one nobody ever owned has `ownerId: null`. */
export function contactFrom(item: Record<string, unknown>) {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...contact } = item;
  return { ...contact, ownerId: contact.ownerId ?? null };
}

export const contactSkPrefix = keys.contact('', '').sk;
