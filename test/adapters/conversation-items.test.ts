/** The pure builders of a conversation's place in the views, its counts and a reply's transaction. */
import {
  assigneeCondition, closedConversationIn, conversationViewKeys, openAssignedDelta, openAssignedItems, replyItems, VIEW_COUNT_SHARDS, viewCountDelta, viewCountItem, viewCountShard, viewKeyClauses,
} from '../../functions/adapters/conversation-items';
import type { OutboundMessage } from '../../functions/conversations/ports';

const base = { accountId: 'acct_1', inboxId: 'inb_1', conversationId: 'cv_abc', lastMessageAt: '2026-12-01T10:00:00.000Z' };
const order = '2026-12-01T10:00:00.000Z#cv_abc';
const tables = { conversations: 'Conversations', inboxes: 'Inboxes' };

describe('view keys', () => {
  it('lists an open unassigned conversation by status and under nobody, not in anyone\'s account-wide list', () => {
    expect(conversationViewKeys({ ...base, status: 'open', assigneeId: null })).toEqual({
      gsi4pk: 'INBOX#inb_1#CONVERSATIONS#open', gsi4sk: order, gsi5pk: 'INBOX#inb_1#OPEN#-', gsi5sk: order, gsi6pk: undefined, gsi6sk: order,
    });
  });

  it('lists an open assigned conversation under its assignee in the inbox and across the account', () => {
    expect(conversationViewKeys({ ...base, status: 'open', assigneeId: 'usr_a' })).toMatchObject({ gsi5pk: 'INBOX#inb_1#OPEN#usr_a', gsi6pk: 'ACCOUNT#acct_1#OPEN#usr_a' });
  });

  it('takes a closed conversation out of the open-only views (keys removed), into Closed', () => {
    const clauses = viewKeyClauses({ ...base, status: 'closed', assigneeId: 'usr_a' });
    expect(clauses.remove.sort()).toEqual(['#vk_gsi5pk', '#vk_gsi6pk']);
    expect(clauses.values[':vk_gsi4pk']).toBe('INBOX#inb_1#CONVERSATIONS#closed');
  });

  it('moves only the order keys when status and assignee stay', () => {
    const clauses = viewKeyClauses({ ...base, status: 'open', assigneeId: null }, true);
    expect(clauses.set.sort()).toEqual(['#vk_gsi4sk = :vk_gsi4sk', '#vk_gsi5sk = :vk_gsi5sk', '#vk_gsi6sk = :vk_gsi6sk']);
    expect(clauses.remove).toEqual([]);
  });
});

describe('counts', () => {
  it('a new open conversation counts as open and unassigned', () => {
    expect(viewCountDelta(undefined, { status: 'open', assigneeId: null })).toEqual(new Map([['open', 1], ['unassigned', 1]]));
  });

  it('reassigning moves the count between assignees; closing moves open to closed', () => {
    expect(viewCountDelta({ status: 'open', assigneeId: 'usr_a' }, { status: 'open', assigneeId: 'usr_b' })).toEqual(new Map([['assigned#usr_b', 1], ['assigned#usr_a', -1]]));
    expect(viewCountDelta({ status: 'open', assigneeId: 'usr_a' }, { status: 'closed', assigneeId: 'usr_a' })).toEqual(new Map([['closed', 1], ['open', -1], ['assigned#usr_a', -1]]));
    expect(openAssignedDelta({ status: 'open', assigneeId: 'usr_a' }, { status: 'closed', assigneeId: 'usr_a' })).toEqual(new Map([['usr_a', -1]]));
    expect(openAssignedDelta({ status: 'closed', assigneeId: 'usr_a' }, { status: 'open', assigneeId: 'usr_a' })).toEqual(new Map([['usr_a', 1]]));
  });

  it('writes nothing when nothing changes', () => {
    const same = { status: 'open' as const, assigneeId: 'usr_a' };
    expect(viewCountItem('T', base, same, same)).toEqual([]);
    expect(openAssignedItems('T', 'acct_1', same, same)).toEqual([]);
  });

  it('adds to the conversation\'s shard; increments require the user, decrements do not', () => {
    const [item] = viewCountItem('T', base, undefined, { status: 'open', assigneeId: null });
    expect(item.Update).toMatchObject({ Key: { pk: `VIEWCOUNTS#inb_1#${viewCountShard('cv_abc')}`, sk: 'VIEWCOUNTS' }, UpdateExpression: 'ADD #c0 :c0, #c1 :c1' });
    const items = openAssignedItems('T', 'acct_1', { status: 'open', assigneeId: 'usr_a' }, { status: 'open', assigneeId: 'usr_b' });
    expect(items.map((i) => [i.Update!.Key!.sk, i.Update!.ExpressionAttributeValues![':change'], i.Update!.ConditionExpression])).toEqual([
      ['USER#usr_b', 1, 'attribute_exists(pk)'],
      ['USER#usr_a', -1, undefined],
    ]);
  });

  it('spreads conversations over the shards', () => {
    const shards = new Set(Array.from({ length: 2000 }, (_unused, index) => viewCountShard(`cv_${index.toString(16).padStart(32, '0')}`)));
    expect(shards.size).toBe(VIEW_COUNT_SHARDS);
  });
});

describe('conditions and cancellations', () => {
  it('checks the assignee read, nobody meaning null or absent', () => {
    expect(assigneeCondition('usr_a')).toEqual({ expression: 'assigneeId = :wasAssignee', values: { ':wasAssignee': 'usr_a' } });
    expect(assigneeCondition(null).expression).toContain('attribute_type(assigneeId, :nullType)');
  });

  it('reads a closed conversation (and only that) from a cancellation reason', () => {
    expect(closedConversationIn({ Item: { status: { S: 'closed' }, conversationId: { S: 'cv_1' }, assigneeId: { S: 'usr_a' } } })).toEqual({ conversationId: 'cv_1', assigneeId: 'usr_a' });
    expect(closedConversationIn({ Item: { status: { S: 'closed' }, conversationId: { S: 'cv_1' }, assigneeId: { NULL: true } } })).toEqual({ conversationId: 'cv_1', assigneeId: null });
    expect(closedConversationIn({ Item: { status: { S: 'open' }, conversationId: { S: 'cv_1' } } })).toBeUndefined();
    expect(closedConversationIn(undefined)).toBeUndefined();
  });
});

describe('a reply\'s transaction', () => {
  const message = (status: 'sent' | 'failed'): OutboundMessage => ({
    messageId: 'ms_1', direction: 'outbound', receivedAt: '2026-12-02T09:00:00.000Z', subject: 'Re: x', from: { email: 'help@a.example', name: 'Acme' }, to: [], cc: [],
    text: 'Hello\n\n> quoted', html: '<p>Hello</p>', delivery: { status, attemptedAt: '2026-12-02T09:00:00.000Z' },
    outgoing: { from: 'Acme <help@a.example>', fromAddress: 'help@a.example', to: ['c@x.example'], cc: [], replyTo: 'support+cv_abc@a.example', subject: 'Re: x', references: [], text: 'Hello\n\n> quoted', html: '<p>Hello</p>' },
  });

  it('stores a sent reply once, moves the conversation in every view, indexes the SES id and completes the key', () => {
    const items = replyItems(tables, base, message('sent'), 'ses-1@email.amazonses.com', 'hash');
    expect(items.map((item) => Object.keys(item)[0])).toEqual(['Put', 'Update', 'Put', 'Update']);
    expect(items[0].Put!.Item).toMatchObject({ sk: 'MSG#2026-12-02T09:00:00.000Z#ms_1', text: 'Hello\n\n> quoted', outgoing: { text: undefined, html: undefined } });
    expect(items[1].Update!.ExpressionAttributeValues).toMatchObject({ ':snippet': 'Hello', ':gsi5sk': '2026-12-02T09:00:00.000Z#cv_abc' });
    expect(items[2].Put!.Item).toMatchObject({ pk: 'THREAD#inb_1#ses-1@email.amazonses.com', conversationId: 'cv_abc', storedMessageId: 'ms_1' });
    expect(items[3].Update!.Key).toEqual({ pk: 'IDEMPOTENCY#acct_1#hash', sk: 'IDEMPOTENCY' });
  });

  it('stores a failed reply without moving the conversation or indexing an id', () => {
    expect(replyItems(tables, base, message('failed'), undefined).map((item) => Object.keys(item)[0])).toEqual(['Put']);
  });
});
