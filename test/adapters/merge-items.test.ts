/** The pure builders of a merge: the pointer transaction, a batch of moves, and the thread ids a message indexed. */
import { keys } from '../../functions/adapters/keys';
import { mergePointerItems, moveItems, threadEntryRedirect, threadIdsOf } from '../../functions/adapters/merge-items';
import type { Conversation } from '../../functions/conversations/model';

const tables = { conversations: 'Conversations', contacts: 'Contacts', inboxes: 'Inboxes', tickets: 'Tickets' };
const conversation = (id: string, overrides: Partial<Conversation> = {}): Conversation => ({
  conversationId: id, accountId: 'acct_1', inboxId: 'inb_1', subject: 'Order', status: 'open', assigneeId: null, contactId: 'ct_1', contactEmail: 'jane@customer.example',
  createdAt: '2026-12-01T10:00:00.000Z', lastMessageAt: '2026-12-01T10:00:00.000Z', messageCount: 1, ...overrides,
});
const record = { into: 'cv_t', by: 'usr_1', at: '2026-12-03T08:00:00.000Z' };

describe('the pointer transaction', () => {
  it('takes an open, assigned source out of every listing and count, conditional on it being as read', () => {
    const source = conversation('cv_s', { assigneeId: 'usr_a', lastMessageAt: '2026-12-02T10:00:00.000Z', snippet: 'Any news?' });
    const [pointer, counts, openAssigned, target] = mergePointerItems(tables, source, conversation('cv_t'), record);
    expect(pointer.Update).toMatchObject({
      Key: keys.conversation('cv_s'),
      UpdateExpression: 'SET mergedInto = :into, #merge = :record, updatedAt = :at REMOVE gsi1pk, gsi4pk, gsi5pk, gsi6pk, contactListPk',
      ConditionExpression: 'attribute_not_exists(mergedInto) AND inboxId = :inbox AND #status = :status AND assigneeId = :wasAssignee',
      ExpressionAttributeValues: { ':into': 'cv_t', ':record': record, ':status': 'open', ':wasAssignee': 'usr_a' },
    });
    expect(Object.values(counts.Update!.ExpressionAttributeNames!).sort()).toEqual(['assigned#usr_a', 'open']);
    expect(Object.values(counts.Update!.ExpressionAttributeValues!)).toEqual([-1, -1]);
    expect(openAssigned.Update).toMatchObject({ Key: keys.user('acct_1', 'usr_a'), ExpressionAttributeValues: { ':change': -1 } });
    // The target takes the newer activity, conditional on its own as read.
    expect(target.Update).toMatchObject({ Key: keys.conversation('cv_t'), ExpressionAttributeValues: { ':last': '2026-12-02T10:00:00.000Z', ':snippet': 'Any news?', ':gsi4sk': '2026-12-02T10:00:00.000Z#cv_t', ':readLast': '2026-12-01T10:00:00.000Z' } });
    expect(target.Update!.ConditionExpression).toBe('attribute_not_exists(mergedInto) AND inboxId = :inbox AND lastMessageAt = :readLast');
  });

  it('a closed, older source: closed count only, the target keeps its activity', () => {
    const items = mergePointerItems(tables, conversation('cv_s', { status: 'closed', lastMessageAt: '2026-11-01T10:00:00.000Z' }), conversation('cv_t'), record);
    expect(items).toHaveLength(3);
    expect(items[1].Update!.ExpressionAttributeNames).toEqual({ '#c0': 'closed' });
    expect(items[2].Update).toMatchObject({ UpdateExpression: 'SET updatedAt = :at', ConditionExpression: 'attribute_not_exists(mergedInto) AND inboxId = :inbox' });
  });

  it('links the source’s ticket to the target’s; a target without one adopts it', () => {
    const linked = mergePointerItems(tables, conversation('cv_s', { ticketId: 'tk_s' }), conversation('cv_t', { ticketId: 'tk_t' }), record).at(-1)!;
    expect(linked.Update).toMatchObject({ TableName: 'Tickets', Key: keys.ticket('acct_1', 'tk_s'), ExpressionAttributeValues: { ':target': 'cv_t', ':source': 'cv_s', ':linked': 'tk_t' } });
    const adopting = mergePointerItems(tables, conversation('cv_s', { ticketId: 'tk_s' }), conversation('cv_t'), record);
    expect(adopting.at(-2)!.Update).toMatchObject({ Key: keys.conversation('cv_t'), ExpressionAttributeValues: { ':ticket': 'tk_s' } });
    expect(adopting.at(-2)!.Update!.ConditionExpression).toContain('attribute_not_exists(ticketId)');
    expect(adopting.at(-1)!.Update!.UpdateExpression).not.toContain('linkedTicketId');
  });
});

describe('a batch of moves', () => {
  const rows = [
    { pk: 'CONV#cv_s', sk: 'MSG#2026-12-01#ms_in', conversationId: 'cv_s', messageId: 'ms_in', direction: 'inbound' },
    { pk: 'CONV#cv_s', sk: 'MSG#2026-12-02#ms_out', conversationId: 'cv_s', messageId: 'ms_out', direction: 'outbound' },
    { pk: 'CONV#cv_s', sk: 'NOTE#2026-12-02#nt_1', conversationId: 'cv_s', noteId: 'nt_1' },
    { pk: 'CONV#cv_s', sk: 'PARTICIPANT#jane@customer.example', conversationId: 'cv_s', email: 'jane@customer.example' },
  ];

  it('puts each item under the target and deletes it from the source (only if still there), moving the locator and the message counts', () => {
    const items = moveItems(tables, conversation('cv_s', { mergedInto: 'cv_t' }), conversation('cv_t'), rows);
    expect(items[0].Put!.Item).toEqual({ ...rows[0], pk: 'CONV#cv_t', conversationId: 'cv_t', mergedFrom: 'cv_s' });
    expect(items[1].Delete).toEqual({ TableName: 'Conversations', Key: { pk: 'CONV#cv_s', sk: rows[0].sk }, ConditionExpression: 'attribute_exists(pk)' });
    expect(items[2].Put!.Item).toMatchObject({ ...keys.messageRef('ms_in'), conversationId: 'cv_t', messageSk: rows[0].sk });
    // The outbound message has no locator; the participant is not marked as merged.
    expect(items.filter((item) => item.Put?.Item?.pk === 'MSGREF#ms_out')).toEqual([]);
    expect(items[7].Put!.Item).toEqual({ ...rows[3], pk: 'CONV#cv_t', conversationId: 'cv_t' });
    const [source, target] = items.slice(-2);
    expect(source.Update).toMatchObject({ Key: keys.conversation('cv_s'), ConditionExpression: 'mergedInto = :mergedInto', ExpressionAttributeValues: { ':minus': -2, ':mergedInto': 'cv_t' } });
    // The target must still be a conversation of its own: items moved into a pointer would be in no view.
    expect(target.Update).toMatchObject({ Key: keys.conversation('cv_t'), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)', ExpressionAttributeValues: { ':count': 2 } });
  });

  it('notes alone move no count into the target, but still require the source merged as read and the target unmerged', () => {
    const items = moveItems(tables, conversation('cv_s', { mergedInto: 'cv_t' }), conversation('cv_t'), [rows[2]]);
    expect(items).toHaveLength(4);
    expect(items[2].Update).toMatchObject({ ConditionExpression: 'mergedInto = :mergedInto', ExpressionAttributeValues: { ':minus': 0, ':mergedInto': 'cv_t' } });
    expect(items[3]).toEqual({ ConditionCheck: { TableName: 'Conversations', Key: keys.conversation('cv_t'), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)' } });
  });

  it('a resume whose target was merged on moves into the conversation that holds the target’s items, the source still merged as read', () => {
    const items = moveItems(tables, conversation('cv_s', { mergedInto: 'cv_t' }), conversation('cv_final'), rows);
    expect(items[0].Put!.Item).toMatchObject({ pk: 'CONV#cv_final', conversationId: 'cv_final', mergedFrom: 'cv_s' });
    const [source, target] = items.slice(-2);
    expect(source.Update).toMatchObject({ Key: keys.conversation('cv_s'), ExpressionAttributeValues: { ':minus': -2, ':mergedInto': 'cv_t' } });
    expect(target.Update).toMatchObject({ Key: keys.conversation('cv_final'), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(mergedInto)' });
  });

  it('refuses a source that is not merged', () => {
    expect(() => moveItems(tables, conversation('cv_s'), conversation('cv_t'), rows)).toThrow('not merged');
  });
});

describe('thread index', () => {
  it('a message’s own id, In-Reply-To and references, once each; nothing for notes', () => {
    expect(threadIdsOf({ sk: 'MSG#x', messageIdHeader: 'a@x', inReplyTo: '<b@x>', references: ['c@x', 'b@x'] })).toEqual(['a@x', 'b@x', 'c@x']);
    expect(threadIdsOf({ sk: 'MSG#x', references: Array.from({ length: 50 }, (_u, index) => `r${index}@x`) })).toHaveLength(32);
    expect(threadIdsOf({ sk: 'NOTE#x', messageIdHeader: 'a@x' })).toEqual([]);
  });

  it('points an entry at the target only if it still names the source', () => {
    expect(threadEntryRedirect(tables, 'inb_1', 'a@x', 'cv_s', 'cv_t')).toEqual({
      TableName: 'Conversations', Key: keys.thread('inb_1', 'a@x'), UpdateExpression: 'SET conversationId = :target', ConditionExpression: 'conversationId = :source', ExpressionAttributeValues: { ':target': 'cv_t', ':source': 'cv_s' },
    });
  });
});
