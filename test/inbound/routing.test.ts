/**
 * Auto-assignment and automatic tickets, through the inbound chain on the local stack, with the inbox set up
 * through the HTTP API: round robin stays even (also for concurrent arrivals), availability and capacity
 * count, contact owners come first, replies never reassign, and each new conversation gets exactly one
 * ticket — never for quarantined mail, never twice for redelivered mail.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { BY_ACCOUNT_INDEX } from '../../functions/commons/table-design';
import { listings } from '../../functions/adapters/keys';
import { handler } from '../../functions/inbound/handler';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';
import { conversations, deliver, eml, storeRaw, uniqueId } from '../support/stack';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

/** A connected inbox of a fresh account, with these settings applied through the wizard. */
async function connectedInbox(account: TestAccount, settings: { assignment?: unknown; tickets?: unknown } = {}) {
  const token = account.token;
  const created = await call(api, 'POST', '/inboxes', { token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  const inboxId = created.body.inboxId as string;
  const put = async (path: string, body: unknown) => {
    const reply = await call(api, 'PUT', `/inboxes/${inboxId}${path}`, { token, body });
    expect([path, reply.status]).toEqual([path, 200]);
  };
  await put('/sender-name', { mode: 'company', companyName: 'Acme' });
  await put('/sender-address', { mode: 'default', username: 'support' });
  if (settings.assignment) await put('/assignment', settings.assignment);
  if (settings.tickets) await put('/tickets', settings.tickets);
  const connected = await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token });
  expect(connected.body.status).toBe('connected');
  return { inboxId, address: connected.body.forwardingAddress as string, accountId: account.accountId };
}

const newMessage = (to: string, from = `${uniqueId('c')}@customer.example`, subject = 'Need help') => eml({ from: `Casey Customer <${from}>`, to, subject });

async function conversationOf(receipt: Record<string, unknown> | undefined) {
  expect(receipt).toMatchObject({ outcome: 'stored' });
  return (await conversations().conversation(String(receipt!.conversationId)))!;
}

function tally(assignees: Array<unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const assignee of assignees) counts[String(assignee)] = (counts[String(assignee)] ?? 0) + 1;
  return counts;
}

async function ticketsOf(accountId: string) {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: config().tables.tickets,
      IndexName: BY_ACCOUNT_INDEX.indexName,
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': listings.ticketsOfAccount(accountId) },
    }),
  );
  return result.Items ?? [];
}

const setAvailability = (account: TestAccount, userId: string, availability: 'available' | 'away') =>
  call(api, 'PUT', `/users/${userId}/availability`, { token: account.token, body: { availability } });

describe('round robin', () => {
  it('gives 99 new conversations over three available users 33/33/33, recording the rule', async () => {
    const account = await createTestAccount(api, 3);
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: account.users.map((user) => user.userId) } });
    const assignees: unknown[] = [];
    for (let index = 0; index < 99; index++) {
      const conversation = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
      expect(conversation.assignment).toMatchObject({ rule: 'round-robin', assigneeId: conversation.assigneeId });
      assignees.push(conversation.assigneeId);
    }
    expect(tally(assignees)).toEqual(Object.fromEntries(account.users.map((user) => [user.userId, 33])));
    // Fair means in turn, not just in total: no one gets two in a row.
    expect(assignees.every((assignee, index) => index === 0 || assignee !== assignees[index - 1])).toBe(true);
  }, 120_000); // 99 deliveries one after another (~3 round trips each): a limit for loaded machines, not a timing

  it('stays 33/33/33 when the 99 arrive concurrently, and counts team members as eligible', async () => {
    const account = await createTestAccount(api, 3);
    const [first, ...others] = account.users;
    const team = await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Tier 1', memberIds: others.map((user) => user.userId) } });
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: [first.userId], teamIds: [team.body.teamId] } });
    const receipts = await Promise.all(Array.from({ length: 99 }, () => deliver(newMessage(inbox.address), [inbox.address])));
    const assignees = await Promise.all(receipts.map(async ({ receipt }) => (await conversationOf(receipt)).assigneeId));
    expect(tally(assignees)).toEqual(Object.fromEntries(account.users.map((user) => [user.userId, 33])));
    const openCounts = await Promise.all(account.users.map(async (user) => (await call(api, 'GET', `/users/${user.userId}`, { token: account.token })).body.openAssigned));
    expect(openCounts).toEqual([33, 33, 33]);
  });

  it('skips users who are away and takes them back when available again', async () => {
    const account = await createTestAccount(api, 3);
    const [a, b, c] = account.users;
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: [a.userId, b.userId, c.userId] } });
    expect((await setAvailability(account, b.userId, 'away')).status).toBe(200);
    const whileAway: unknown[] = [];
    for (let index = 0; index < 6; index++) whileAway.push((await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt)).assigneeId);
    expect(tally(whileAway)).toEqual({ [a.userId]: 3, [c.userId]: 3 });
    await setAvailability(account, b.userId, 'available');
    const back: unknown[] = [];
    for (let index = 0; index < 6; index++) back.push((await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt)).assigneeId);
    expect(tally(back)).toEqual({ [a.userId]: 2, [b.userId]: 2, [c.userId]: 2 });
  });

  it('skips a user at capacity until one of their conversations closes', async () => {
    const account = await createTestAccount(api, 2);
    const [a, b] = account.users;
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: [a.userId, b.userId] } });
    expect((await call(api, 'PATCH', `/users/${a.userId}`, { token: account.token, body: { capacity: 1 } })).status).toBe(200);
    const conversationsOfA: string[] = [];
    const assignees: unknown[] = [];
    for (let index = 0; index < 5; index++) {
      const conversation = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
      assignees.push(conversation.assigneeId);
      if (conversation.assigneeId === a.userId) conversationsOfA.push(String(conversation.conversationId));
    }
    expect(tally(assignees)).toEqual({ [a.userId]: 1, [b.userId]: 4 });
    // Closing A's conversation frees a place: A gets the next turn that falls to them.
    await conversations().setStatus(conversationsOfA[0], 'closed');
    const after: unknown[] = [];
    for (let index = 0; index < 2; index++) after.push((await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt)).assigneeId);
    expect(tally(after)).toEqual({ [a.userId]: 1, [b.userId]: 1 });
  });

  it('leaves the conversation unassigned, saying why, when nobody is available', async () => {
    const account = await createTestAccount(api, 2);
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: account.users.map((user) => user.userId) } });
    for (const user of account.users) await setAvailability(account, user.userId, 'away');
    const conversation = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
    expect(conversation.assigneeId).toBeNull();
    expect(conversation.assignment).toMatchObject({ assigneeId: null, rule: 'nobody-available' });
    expect(String((conversation.assignment as { why: string }).why)).toContain(`${account.users[0].userId} is away`);
  });

  it('with assignment off, leaves new conversations unassigned', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account);
    const conversation = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
    expect(conversation.assigneeId).toBeNull();
    expect(conversation.assignment).toBeUndefined();
    const [message] = await conversations().messages(String(conversation.conversationId));
    expect(message.trace).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'assign', decision: 'unassigned' })]));
  });
});

describe('contact owner', () => {
  async function ownedContact(account: TestAccount, inbox: { address: string }, ownerId: string) {
    const email = `${uniqueId('owned')}@customer.example`;
    const first = await conversationOf((await deliver(newMessage(inbox.address, email), [inbox.address])).receipt);
    const owned = await call(api, 'PUT', `/contacts/${first.contactId}/owner`, { token: account.token, body: { ownerId } });
    expect(owned.status).toBe(200);
    return email;
  }

  it("assigns the contact's owner when available, else falls back by rotation, else nobody", async () => {
    const account = await createTestAccount(api, 3);
    const [owner, fallbackA, fallbackB] = account.users;
    const inbox = await connectedInbox(account, { assignment: { mode: 'contact-owner', fallback: { userIds: [fallbackA.userId, fallbackB.userId] } } });
    const email = await ownedContact(account, inbox, owner.userId);

    const owned = await conversationOf((await deliver(newMessage(inbox.address, email, 'second question'), [inbox.address])).receipt);
    expect(owned.assignment).toMatchObject({ assigneeId: owner.userId, rule: 'contact-owner' });

    await setAvailability(account, owner.userId, 'away');
    const fallbacks: unknown[] = [];
    for (let index = 0; index < 4; index++) {
      const conversation = await conversationOf((await deliver(newMessage(inbox.address, email, `question ${index}`), [inbox.address])).receipt);
      expect(conversation.assignment).toMatchObject({ rule: 'fallback' });
      expect(String((conversation.assignment as { why: string }).why)).toContain(`${owner.userId} is away`);
      fallbacks.push(conversation.assigneeId);
    }
    expect(tally(fallbacks)).toEqual({ [fallbackA.userId]: 2, [fallbackB.userId]: 2 });

    // A contact without an owner goes to the fallback too.
    const stranger = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
    expect(stranger.assignment).toMatchObject({ rule: 'fallback' });
    expect(String((stranger.assignment as { why: string }).why)).toContain('the contact has no owner');

    await setAvailability(account, fallbackA.userId, 'away');
    await setAvailability(account, fallbackB.userId, 'away');
    const nobody = await conversationOf((await deliver(newMessage(inbox.address, email, 'anyone?'), [inbox.address])).receipt);
    expect(nobody).toMatchObject({ assigneeId: null, assignment: { rule: 'nobody-available' } });
  });
});

describe('replies', () => {
  it('never reassign, never open a second ticket, and never use up a turn', async () => {
    const account = await createTestAccount(api, 2);
    const [a, b] = account.users;
    const template = { name: '{{subject}}', pipelineId: 'support', stageId: 'new', priority: 'medium', owner: { type: 'assignee' } };
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: [a.userId, b.userId] }, tickets: { enabled: true, template } });
    const messageId = `${uniqueId('thread')}@customer.example`;
    const first = await conversationOf((await deliver(eml({ from: 'pat@customer.example', to: inbox.address, subject: 'Broken', messageId }), [inbox.address])).receipt);
    for (let index = 0; index < 3; index++) {
      const reply = await deliver(eml({ from: 'pat@customer.example', to: inbox.address, subject: 'Re: Broken', inReplyTo: messageId }), [inbox.address]);
      expect(reply.receipt).toMatchObject({ outcome: 'stored', conversationId: first.conversationId });
    }
    const after = await conversations().conversation(String(first.conversationId));
    expect(after).toMatchObject({ assigneeId: first.assigneeId, assignment: first.assignment, ticketId: first.ticketId, messageCount: 4 });
    expect(await ticketsOf(account.accountId)).toHaveLength(1);
    // The next new conversation goes to the other user: the replies took no turns.
    const next = await conversationOf((await deliver(newMessage(inbox.address), [inbox.address])).receipt);
    expect(next.assigneeId).not.toBe(first.assigneeId);
  });
});

describe('automatic tickets', () => {
  const template = { name: '{{subject}} ({{contact.name}}, {{contact.email}}) via {{inbox.name}}', pipelineId: 'support', stageId: 'waiting-on-us', priority: 'high', owner: { type: 'assignee' } };

  it('opens exactly one ticket per new conversation from the template, linking conversation and contact', async () => {
    const account = await createTestAccount(api, 1);
    const [agent] = account.users;
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: [agent.userId] }, tickets: { enabled: true, template } });
    const conversation = await conversationOf((await deliver(eml({ from: 'Rosa Diaz <rosa@customer.example>', to: inbox.address, subject: 'Invoice wrong' }), [inbox.address])).receipt);
    const tickets = await ticketsOf(account.accountId);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      ticketId: conversation.ticketId,
      name: 'Invoice wrong (Rosa Diaz, rosa@customer.example) via Support',
      pipelineId: 'support',
      stageId: 'waiting-on-us',
      priority: 'high',
      ownerId: agent.userId,
      conversationId: conversation.conversationId,
      contactId: conversation.contactId,
      inboxId: inbox.inboxId,
      accountId: account.accountId,
    });
    // Agents see it through the ticket API, in its stage and under its owner.
    const inStage = await call(api, 'GET', '/tickets?pipelineId=support&stageId=waiting-on-us', { token: account.token });
    expect(inStage.body.tickets.map((ticket: { ticketId: string }) => ticket.ticketId)).toEqual([conversation.ticketId]);
    const mine = await call(api, 'GET', `/tickets?ownerId=${agent.userId}`, { token: account.token });
    expect(mine.body.tickets).toHaveLength(1);
  });

  it('gives a fixed owner when the template names one, and nobody when the assignee is nobody', async () => {
    const account = await createTestAccount(api, 2);
    const [, manager] = account.users;
    const inbox = await connectedInbox(account, { tickets: { enabled: true, template: { ...template, owner: { type: 'user', userId: manager.userId } } } });
    await deliver(newMessage(inbox.address), [inbox.address]);
    const other = await createTestAccount(api, 1);
    const unowned = await connectedInbox(other, { tickets: { enabled: true, template } });
    await deliver(eml({ from: 'noname@customer.example', to: unowned.address, subject: '' }), [unowned.address]);
    expect((await ticketsOf(account.accountId)).map((ticket) => ticket.ownerId)).toEqual([manager.userId]);
    const [ticket] = await ticketsOf(other.accountId);
    expect(ticket).toMatchObject({ ownerId: null, name: '(, noname@customer.example) via Support' });
  });

  it('never opens a ticket for quarantined mail', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account, { tickets: { enabled: true, template } });
    const autoReply = await deliver(eml({ from: 'ooo@customer.example', to: inbox.address, subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } }), [inbox.address]);
    expect(autoReply.receipt).toMatchObject({ outcome: 'quarantined' });
    expect(await ticketsOf(account.accountId)).toEqual([]);
  });

  it('never opens a second ticket for redelivered mail, even when deliveries race', async () => {
    const account = await createTestAccount(api, 2);
    const inbox = await connectedInbox(account, { assignment: { mode: 'specific', userIds: account.users.map((user) => user.userId) }, tickets: { enabled: true, template } });
    const stored = await storeRaw(newMessage(inbox.address), [inbox.address]);
    await Promise.all([handler(stored.event), handler(stored.event), handler(stored.event)]);
    await handler(stored.event);
    expect(await ticketsOf(account.accountId)).toHaveLength(1);
    const listed = await conversations().inboxConversations(inbox.inboxId);
    expect(listed).toHaveLength(1);
    // Only the stored attempt counts against the assignee.
    const counts = await Promise.all(account.users.map(async (user) => (await call(api, 'GET', `/users/${user.userId}`, { token: account.token })).body.openAssigned ?? 0));
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
  });
});
