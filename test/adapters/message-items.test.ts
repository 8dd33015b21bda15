/** The pure builders of a message's locator and of a re-attribution's transaction, and who a message's forwarder is. */
import { messageRefPut, reattributionItems } from '../../functions/adapters/message-items';
import { keys } from '../../functions/adapters/keys';
import { forwarderOf, LocatedMessage, Reattribution } from '../../functions/conversations/attribution';
import type { AttributionCorrection } from '../../functions/conversations/model';

const tables = { conversations: 'Conversations', contacts: 'Contacts', inboxes: 'Inboxes', tickets: 'Tickets' };
const at = '2026-12-01T10:00:00.000Z';

function located(overrides: { startsConversation?: boolean; ticketId?: string; correction?: AttributionCorrection } = {}): LocatedMessage {
  return {
    message: {
      messageId: 'ms_1', conversationId: 'cv_1', inboxId: 'inb_1', contactId: 'ct_old', direction: 'inbound', receivedAt: at, subject: 'Order',
      from: { email: 'colleague@partner.example', name: 'Colleague' }, to: [], cc: [], text: 'FYI', attribution: { rule: 'untrusted-forwarder', evidence: 'From: Colleague' },
      ...(overrides.correction ? { correction: overrides.correction } : {}),
    },
    conversation: {
      conversationId: 'cv_1', accountId: 'acct_1', inboxId: 'inb_1', subject: 'Order', status: 'open', assigneeId: null, contactId: 'ct_old', contactEmail: 'colleague@partner.example',
      createdAt: at, lastMessageAt: at, messageCount: 1, ...(overrides.ticketId ? { ticketId: overrides.ticketId } : {}),
    },
    startsConversation: overrides.startsConversation ?? true,
  };
}

const correction: AttributionCorrection = {
  by: 'usr_1', at: '2026-12-02T09:00:00.000Z',
  previousContact: { contactId: 'ct_old', email: 'colleague@partner.example', name: 'Colleague' },
  contact: { contactId: 'ct_new', email: 'jane@customer.example', name: 'Jane' },
};
const tableOf = (item: ReturnType<typeof reattributionItems>[number]) => (item.Update ?? item.Put)!.TableName;

describe('message locator', () => {
  it('keys the message id alone and names the conversation and the message item’s sort key', () => {
    expect(messageRefPut(tables, { messageId: 'ms_1', accountId: 'acct_1', conversationId: 'cv_1', messageSk: 'MSG#t#ms_1' })).toEqual({
      Put: { TableName: 'Conversations', Item: { pk: 'MSGREF#ms_1', sk: 'MSGREF', messageId: 'ms_1', accountId: 'acct_1', conversationId: 'cv_1', messageSk: 'MSG#t#ms_1' } },
    });
  });
});

describe('re-attribution transaction', () => {
  it('the first message: message, both contacts, participant, conversation with its contact listing, ticket', () => {
    const items = reattributionItems(tables, { located: located({ ticketId: 'tk_1' }), correction } satisfies Reattribution, 'now');
    expect(items.map(tableOf)).toEqual(['Conversations', 'Contacts', 'Contacts', 'Conversations', 'Conversations', 'Tickets']);
    const [message, upsert, previous, participant, conversation, ticket] = items;
    expect(message.Update).toMatchObject({
      Key: keys.message('cv_1', at, 'ms_1'),
      ConditionExpression: 'contactId = :was AND attribute_not_exists(correction)',
      ExpressionAttributeValues: { ':contact': 'ct_new', ':from': { email: 'jane@customer.example', name: 'Jane' }, ':correction': correction, ':previous': correction.previousContact, ':was': 'ct_old' },
    });
    expect(message.Update!.UpdateExpression).toContain('originalContact = if_not_exists(originalContact, :previous)');
    // The new contact is created or counted, never moved back in time; the old one loses the message.
    expect(upsert.Update).toMatchObject({ Key: keys.contact('acct_1', 'ct_new'), ExpressionAttributeValues: { ':email': 'jane@customer.example', ':name': 'Jane', ':one': 1 } });
    expect(upsert.Update!.UpdateExpression).toContain('lastMessageAt = if_not_exists(lastMessageAt, :at)');
    expect(previous.Update).toMatchObject({ Key: keys.contact('acct_1', 'ct_old'), UpdateExpression: 'ADD messageCount :minusOne', ConditionExpression: 'attribute_exists(pk)' });
    expect(participant.Put!.Item).toMatchObject(keys.participant('cv_1', 'jane@customer.example'));
    expect(conversation.Update).toMatchObject({
      Key: keys.conversation('cv_1'),
      ConditionExpression: 'contactId = :was AND attribute_not_exists(mergedInto)',
      ExpressionAttributeValues: { ':contact': 'ct_new', ':listPk': 'CONTACT#acct_1#ct_new#CONVERSATIONS', ':listSk': `${at}#cv_1`, ':was': 'ct_old', ':name': 'Jane' },
    });
    expect(ticket.Update).toMatchObject({ Key: keys.ticket('acct_1', 'tk_1'), ExpressionAttributeValues: { ':contact': 'ct_new' } });
  });

  it('a later message moves alone; a second correction is conditional on the first; a nameless contact drops the conversation’s name', () => {
    const later = reattributionItems(tables, { located: located({ startsConversation: false, correction }), correction: { ...correction, contact: { contactId: 'ct_x', email: 'x@customer.example', name: null } } }, 'now');
    expect(later).toHaveLength(4);
    expect(later[0].Update).toMatchObject({ ConditionExpression: 'contactId = :was AND correction.#at = :wasAt', ExpressionAttributeValues: { ':wasAt': correction.at, ':from': { email: 'x@customer.example', name: '' } } });
    const nameless = reattributionItems(tables, { located: located(), correction: { ...correction, contact: { contactId: 'ct_x', email: 'x@customer.example', name: null } } }, 'now');
    expect(nameless[4].Update!.UpdateExpression).toMatch(/ REMOVE contactName$/);
  });

  it('trusting the forwarder appends it, conditional on the inbox version read (alone when the contact is already right)', () => {
    const items = reattributionItems(tables, { located: located(), trust: { forwarder: 'colleague@partner.example', inbox: { trustedForwarders: ['a@b.example'], version: 7 } } }, 'now');
    expect(items).toEqual([
      {
        Update: {
          TableName: 'Inboxes', Key: keys.inbox('acct_1', 'inb_1'),
          UpdateExpression: 'SET trustedForwarders = :list, #version = :next, updatedAt = :now', ConditionExpression: '#version = :read', ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':list': ['a@b.example', 'colleague@partner.example'], ':next': 8, ':read': 7, ':now': 'now' },
        },
      },
    ]);
  });
});

describe('the forwarder of a message', () => {
  const message = located().message;
  it('is the outer sender the chain kept as the contact, even after a correction', () => {
    expect(forwarderOf(message)).toBe('colleague@partner.example');
    expect(forwarderOf({ ...message, from: { email: 'jane@customer.example', name: '' }, originalContact: correction.previousContact })).toBe('colleague@partner.example');
  });
  it('is the trusted forwarder of a forward the chain believed; nobody for direct mail, auto-forwards and groups', () => {
    expect(forwarderOf({ ...message, attribution: { rule: 'inline-forward', evidence: '' }, forwardedBy: 'sam@acme.example' })).toBe('sam@acme.example');
    for (const rule of ['from-header', 'auto-forward', 'x-original-sender'] as const) expect(forwarderOf({ ...message, attribution: { rule, evidence: '' }, forwardedBy: 'list@acme.example' })).toBeUndefined();
  });
});
