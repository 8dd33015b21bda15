/**
 * The stored form of what happens to one message after the chain stored it: where it lives (a locator by its
 * id alone) and an agent's re-attribution. Pure, so every key, condition and count is unit-tested apart from
 * the repository that sends them.
 */
import type { Reattribution } from '../conversations/attribution';
import type { InboundTables, TransactItem } from './inbound-items';
import { contactUpsertItem, conversationContactKeys } from './contact-items';
import { keys } from './keys';

/** Where a message lives, by its id: the API finds a message from its id alone with one GetItem. */
export interface MessageRef {
  readonly messageId: string;
  readonly accountId: string;
  readonly conversationId: string;
  /** The message item's sort key in its conversation's partition. */
  readonly messageSk: string;
}

/** Written with the message (and again when a merge moves it); a plain put: the same message, the same item. */
export function messageRefPut(tables: Pick<InboundTables, 'conversations'>, ref: MessageRef): TransactItem {
  return { Put: { TableName: tables.conversations, Item: { ...keys.messageRef(ref.messageId), ...ref } } };
}

/**
 * One transaction: the message's contact and correction (conditional on the contact and correction read, so
 * racing corrections serialize), both contacts' message counts, the new contact created if new, the sender
 * as a participant of the conversation; when the message started its conversation, the conversation's
 * contact with its place in the contacts' histories, and its ticket's contact; and the trusted forwarder.
 */
export function reattributionItems(tables: InboundTables, change: Reattribution, now: string): TransactItem[] {
  const { message, conversation, startsConversation } = change.located;
  const { accountId } = conversation;
  const items: TransactItem[] = [];
  const correction = change.correction;
  if (correction) {
    const contact = correction.contact;
    const wasCorrectedAt = message.correction?.at;
    items.push(
      {
        Update: {
          TableName: tables.conversations,
          Key: keys.message(message.conversationId, message.receivedAt, message.messageId),
          UpdateExpression: 'SET contactId = :contact, #from = :from, correction = :correction, originalContact = if_not_exists(originalContact, :previous)',
          ConditionExpression: `contactId = :was AND ${wasCorrectedAt ? 'correction.#at = :wasAt' : 'attribute_not_exists(correction)'}`,
          ExpressionAttributeNames: { '#from': 'from', ...(wasCorrectedAt ? { '#at': 'at' } : {}) },
          ExpressionAttributeValues: {
            ':contact': contact.contactId,
            ':from': { email: contact.email, name: contact.name ?? '' },
            ':correction': correction,
            ':previous': correction.previousContact,
            ':was': message.contactId,
            ...(wasCorrectedAt ? { ':wasAt': wasCorrectedAt } : {}),
          },
        },
      },
      contactUpsertItem(tables.contacts, accountId, { contactId: contact.contactId, email: contact.email, name: contact.name ?? undefined }, { at: message.receivedAt, lastMessage: 'if-absent' }),
      {
        Update: {
          TableName: tables.contacts,
          Key: keys.contact(accountId, message.contactId),
          UpdateExpression: 'ADD messageCount :minusOne',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
      { Put: { TableName: tables.conversations, Item: { ...keys.participant(message.conversationId, contact.email), conversationId: message.conversationId, email: contact.email } } },
    );
    if (startsConversation) {
      const listing = conversationContactKeys(accountId, contact.contactId, conversation.createdAt, conversation.conversationId);
      items.push({
        Update: {
          TableName: tables.conversations,
          Key: keys.conversation(conversation.conversationId),
          UpdateExpression: `SET contactId = :contact, contactEmail = :email, contactListPk = :listPk, contactListSk = :listSk, updatedAt = :now${contact.name ? ', contactName = :name' : ' REMOVE contactName'}`,
          ConditionExpression: 'contactId = :was AND attribute_not_exists(mergedInto)',
          ExpressionAttributeValues: {
            ':contact': contact.contactId,
            ':email': contact.email,
            ':listPk': listing.contactListPk,
            ':listSk': listing.contactListSk,
            ':now': now,
            ':was': conversation.contactId,
            ...(contact.name ? { ':name': contact.name } : {}),
          },
        },
      });
      if (conversation.ticketId) {
        items.push({
          Update: {
            TableName: tables.tickets,
            Key: keys.ticket(accountId, conversation.ticketId),
            UpdateExpression: 'SET contactId = :contact, updatedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':contact': contact.contactId, ':now': now },
          },
        });
      }
    }
  }
  if (change.trust) {
    items.push({
      Update: {
        TableName: tables.inboxes,
        Key: keys.inbox(accountId, message.inboxId),
        // The wizard's saves are conditional on the version: a concurrent one fails rather than undoing this.
        UpdateExpression: 'SET trustedForwarders = :list, #version = :next, updatedAt = :now',
        ConditionExpression: '#version = :read',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':list': [...change.trust.inbox.trustedForwarders, change.trust.forwarder], ':next': change.trust.inbox.version + 1, ':read': change.trust.inbox.version, ':now': now },
      },
    });
  }
  return items;
}
