/**
 * Merging conversations through the local HTTP API, with mail delivered through the real inbound chain:
 * messages, notes and threading move to the target, the source becomes a pointer out of every view with
 * exact counts, later replies to either thread land in the target, and a merge that fails midway loses
 * nothing and finishes when asked again.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/adapters/keys';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { MERGE_BATCH } from '../../functions/conversations/merge';
import { call, createTestWorkspace, readConversation, Reply, startTestApi, TestApi, TestWorkspace } from '../support/api';
import { withMiddleware } from '../support/faults';
import { deliver, directory, eml, uniqueId } from '../support/stack';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const workspace = () => createTestWorkspace(api, 2);

/** A customer's new message (a new conversation); answers its ids and Message-ID. */
async function customerWrites(ws: TestWorkspace, options: { from?: string; subject?: string } = {}) {
  const header = `${uniqueId('m')}@customer.example`;
  const from = options.from ?? `Customer <${uniqueId('c')}@customer.example>`;
  const { receipt } = await deliver(eml({ from, to: ws.address, subject: options.subject ?? 'Order', messageId: header }), [ws.address]);
  expect(receipt).toMatchObject({ outcome: 'stored' });
  return { conversationId: String(receipt!.conversationId), header, from };
}

/** Another message of the customer, replying to `inReplyTo`; answers the conversation the chain put it in. */
async function customerReplies(ws: TestWorkspace, options: { from: string; inReplyTo?: string; to?: string; text?: string }) {
  const to = options.to ?? ws.address;
  const { receipt } = await deliver(eml({ from: options.from, to, subject: 'Re: Order', inReplyTo: options.inReplyTo, text: options.text ?? 'Any news?' }), [to]);
  expect(receipt).toMatchObject({ outcome: 'stored' });
  return String(receipt!.conversationId);
}

const merge = (ws: TestWorkspace, sourceId: string, body: unknown, token = ws.token) => call(api, 'POST', `/conversations/${sourceId}/merge`, { token, body });
const read = (ws: TestWorkspace, conversationId: string) => readConversation(api, ws, conversationId);
const listed = async (ws: TestWorkspace, view: string) =>
  (await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=${view}`, { token: ws.token })).body.conversations.map((conversation: { conversationId: string }) => conversation.conversationId);
const counts = async (ws: TestWorkspace) => (await call(api, 'GET', `/inboxes/${ws.inboxId}/conversation-counts`, { token: ws.token })).body;
const openAssigned = async (ws: TestWorkspace, userId: string) =>
  Number((await dynamo().send(new GetCommand({ TableName: config().tables.inboxes, Key: keys.user(ws.accountId, userId), ConsistentRead: true }))).Item?.openAssigned ?? 0);
/** What a conversation's partition holds, by kind (its own item left out). */
async function stored(conversationId: string) {
  const { Items = [] } = await dynamo().send(new QueryCommand({ TableName: config().tables.conversations, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.conversation(conversationId).pk }, ConsistentRead: true }));
  const of = (prefix: string) => Items.filter((item) => String(item.sk).startsWith(prefix)).length;
  return { messages: of('MSG#'), notes: of('NOTE#'), participants: of('PARTICIPANT#') };
}

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

describe('merging', () => {
  it('moves messages and notes to the target; the source becomes a pointer out of every view; counts stay exact', async () => {
    const ws = await workspace();
    const source = await customerWrites(ws, { subject: 'Order 1' });
    await customerReplies(ws, { from: source.from, inReplyTo: source.header });
    const target = await customerWrites(ws, { subject: 'Order 1 again' });
    expect((await call(api, 'POST', `/conversations/${source.conversationId}/notes`, { token: ws.token, body: { text: 'Same order as the other one.' } })).status).toBe(201);
    // The source is assigned: its assignee's open count goes with it.
    const agent = ws.users[1];
    expect((await call(api, 'PATCH', `/conversations/${source.conversationId}`, { token: ws.token, body: { assigneeId: agent.userId } })).status).toBe(200);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 2, closed: 0, quarantined: 0 });
    expect(await openAssigned(ws, agent.userId)).toBe(1);
    const contactOfSource = (await read(ws, source.conversationId)).contact.contactId;

    const merged = await merge(ws, source.conversationId, { intoConversationId: target.conversationId });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({
      conversationId: source.conversationId,
      mergedInto: target.conversationId,
      merge: { into: target.conversationId, by: ws.users[0].userId, at: expect.any(String) },
      complete: true,
      target: expect.objectContaining({ conversationId: target.conversationId, messageCount: 3, status: 'open' }),
    });

    // The source: a pointer, with nothing left in it, in no view and no contact history.
    const pointer = await read(ws, source.conversationId);
    expect(pointer).toMatchObject({ mergedInto: target.conversationId, merge: merged.body.merge, entries: [], messageCount: 0 });
    expect(await stored(source.conversationId)).toEqual({ messages: 0, notes: 0, participants: 0 });
    expect(await listed(ws, 'open')).toEqual([target.conversationId]);
    expect(await listed(ws, 'unassigned')).toEqual([target.conversationId]);
    expect((await call(api, 'GET', '/conversations?view=mine', { token: agent.token })).body.conversations).toEqual([]);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });
    expect(await openAssigned(ws, agent.userId)).toBe(0);
    expect((await call(api, 'GET', `/contacts/${contactOfSource}/conversations`, { token: ws.token })).body.conversations).toEqual([]);

    // The target: every message and the note, oldest first.
    const into = await read(ws, target.conversationId);
    expect(into.mergedInto).toBeNull();
    expect(into.entries.map((entry: { kind: string; subject?: string; text: string }) => [entry.kind, entry.subject ?? entry.text])).toEqual([
      ['message', 'Order 1'],
      ['message', 'Re: Order'],
      ['message', 'Order 1 again'],
      ['note', 'Same order as the other one.'],
    ]);
    expect(into.messageCount).toBe(3);

    // Idempotent: the same request answers the same merge, and nothing moves or counts twice.
    const again = await merge(ws, source.conversationId, { intoConversationId: target.conversationId });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...merged.body, target: expect.objectContaining({ messageCount: 3 }) });
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });

    // The pointer takes no more work.
    expect((await call(api, 'PATCH', `/conversations/${source.conversationId}`, { token: ws.token, body: { status: 'closed' } })).body.error.code).toBe('conversation_merged');
    expect((await call(api, 'POST', `/conversations/${source.conversationId}/notes`, { token: ws.token, body: { text: 'late' } })).status).toBe(409);
  });

  it('a later reply to either thread lands in the target: by In-Reply-To, by References, and by the source’s reply token', async () => {
    const ws = await workspace();
    const source = await customerWrites(ws);
    const target = await customerWrites(ws);
    expect((await merge(ws, source.conversationId, { intoConversationId: target.conversationId })).status).toBe(200);

    expect(await customerReplies(ws, { from: source.from, inReplyTo: source.header })).toBe(target.conversationId);
    expect(await customerReplies(ws, { from: target.from, inReplyTo: target.header })).toBe(target.conversationId);
    const { receipt: byReferences } = await deliver(eml({ from: source.from, to: ws.address, subject: 'Re: Order', references: [source.header], text: 'Still waiting' }), [ws.address]);
    expect(byReferences!.conversationId).toBe(target.conversationId);
    // Our reply's Reply-To carries the conversation id: the source's token leads to the target.
    const token = `support+${source.conversationId}@${ws.subdomain}.inbox.example.com`;
    expect(await customerReplies(ws, { from: source.from, to: token, text: 'Answering your reply' })).toBe(target.conversationId);
    const into = await read(ws, target.conversationId);
    expect(into.messageCount).toBe(6);
    expect(into.entries.filter((entry: { kind: string }) => entry.kind === 'message')).toHaveLength(6);
    expect((await read(ws, source.conversationId)).entries).toEqual([]);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });
  });

  it('mail threaded by an index entry the merge could not see (an Outlook Thread-Index root) follows the source to the target', async () => {
    const ws = await workspace();
    const root = randomBytes(22);
    const from = `Customer <${uniqueId('c')}@customer.example>`;
    const first = await deliver(eml({ from, to: ws.address, subject: 'Printer', headers: { 'Thread-Index': root.toString('base64') } }), [ws.address]);
    const source = String(first.receipt!.conversationId);
    const target = await customerWrites(ws);
    expect((await merge(ws, source, { intoConversationId: target.conversationId })).status).toBe(200);
    // No In-Reply-To, no References: only the Thread-Index root (still naming the source) ties it to the thread.
    const reply = Buffer.concat([root, randomBytes(5)]).toString('base64');
    const { receipt } = await deliver(eml({ from, to: ws.address, subject: 'RE: Printer', headers: { 'Thread-Index': reply } }), [ws.address]);
    expect(receipt).toMatchObject({ outcome: 'stored', conversationId: target.conversationId });
    expect((await read(ws, target.conversationId)).messageCount).toBe(3);
    expect(await stored(source)).toMatchObject({ messages: 0 });
  });

  it('links the source’s ticket to the target’s', async () => {
    const ws = await workspace();
    const template = { name: '{{subject}}', pipelineId: 'support', stageId: 'new', priority: 'medium', owner: { type: 'assignee' } };
    expect((await call(api, 'PUT', `/inboxes/${ws.inboxId}/tickets`, { token: ws.token, body: { enabled: true, template } })).status).toBe(200);
    const source = await customerWrites(ws, { subject: 'First' });
    const target = await customerWrites(ws, { subject: 'Second' });
    const sourceTicket = (await read(ws, source.conversationId)).ticketId;
    const targetTicket = (await read(ws, target.conversationId)).ticketId;
    expect(sourceTicket).toEqual(expect.stringMatching(/^tk_/));
    expect((await merge(ws, source.conversationId, { intoConversationId: target.conversationId })).status).toBe(200);
    const ticket = await call(api, 'GET', `/tickets/${sourceTicket}`, { token: ws.token });
    expect(ticket.body).toMatchObject({ conversationId: target.conversationId, mergedFromConversationId: source.conversationId, linkedTicketId: targetTicket });
  });

  it(`moves a long conversation in batches of ${MERGE_BATCH}; a failure midway loses nothing, and the same request finishes it`, async () => {
    const ws = await workspace();
    const source = await customerWrites(ws);
    for (let index = 0; index < 2 * MERGE_BATCH + 3; index++) await customerReplies(ws, { from: source.from, inReplyTo: source.header, text: `Message ${index}` });
    const target = await customerWrites(ws);
    const total = 2 * MERGE_BATCH + 5;

    // The second move transaction fails (before it reaches DynamoDB).
    let moves = 0;
    const failSecondMove = (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      if (context.commandName === 'TransactWriteItemsCommand' && JSON.stringify(args.input).includes('mergedInto = :mergedInto') && ++moves === 2) throw new Error('injected: the network dropped');
      return next(args);
    };
    const failed = await withMiddleware(dynamo(), 'failSecondMove', failSecondMove, () => merge(ws, source.conversationId, { intoConversationId: target.conversationId }));
    expect(failed.status).toBe(500);
    const midway = [await stored(source.conversationId), await stored(target.conversationId)];
    // The first batch moved (with its count); the rest is still in the source: nothing lost, nothing doubled.
    expect(midway.map((side) => side.messages)).toEqual([total - 1 - MERGE_BATCH, 1 + MERGE_BATCH]);
    expect((await read(ws, target.conversationId)).messageCount).toBe(1 + MERGE_BATCH);
    // Already a pointer: in no view, while its messages wait.
    expect(await listed(ws, 'open')).toEqual([target.conversationId]);

    const finished = await merge(ws, source.conversationId, { intoConversationId: target.conversationId });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ complete: true, target: { messageCount: total } });
    expect(await stored(source.conversationId)).toMatchObject({ messages: 0, notes: 0 });
    expect(await stored(target.conversationId)).toMatchObject({ messages: total });
    expect((await read(ws, source.conversationId)).messageCount).toBe(0);
  });

  it('two racing requests merge once: every message moved once, counted once', async () => {
    const ws = await workspace();
    const source = await customerWrites(ws);
    for (let index = 0; index < 2 * MERGE_BATCH; index++) await customerReplies(ws, { from: source.from, inReplyTo: source.header, text: `Message ${index}` });
    const target = await customerWrites(ws);
    const answers = await Promise.all([0, 1].map(() => merge(ws, source.conversationId, { intoConversationId: target.conversationId })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(answers[0].body.merge).toEqual(answers[1].body.merge);
    const total = 2 * MERGE_BATCH + 2;
    expect(await stored(target.conversationId)).toMatchObject({ messages: total });
    expect((await read(ws, target.conversationId)).messageCount).toBe(total);
    expect((await read(ws, source.conversationId)).messageCount).toBe(0);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });
  });
});

describe('a target merged on while the source’s items still move', () => {
  /** A source with more messages than one batch, and the target: 2 × MERGE_BATCH + 5 messages in all. */
  async function longSourceAndTarget(ws: TestWorkspace) {
    const source = await customerWrites(ws);
    for (let index = 0; index < 2 * MERGE_BATCH + 3; index++) await customerReplies(ws, { from: source.from, inReplyTo: source.header, text: `Message ${index}` });
    return { source, target: await customerWrites(ws), total: 2 * MERGE_BATCH + 5 };
  }
  /** Runs `before` just before the source's second move transaction is sent (once), then lets it go. */
  const beforeSecondMoveOf = <T>(sourceId: string, before: () => Promise<unknown>, run: () => Promise<T>) => {
    let moves = 0;
    const fault = (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      const input = JSON.stringify(args.input);
      if (context.commandName === 'TransactWriteItemsCommand' && input.includes('mergedInto = :mergedInto') && input.includes(`"CONV#${sourceId}"`) && ++moves === 2) await before();
      return next(args);
    };
    return withMiddleware(dynamo(), 'beforeSecondMove', fault, run);
  };

  it('A→B stops midway, B is merged into C, the same A→B request again moves the rest into C: every message in C once', async () => {
    const ws = await workspace();
    const { source: a, target: b, total } = await longSourceAndTarget(ws);
    const c = await customerWrites(ws);
    const failed = await beforeSecondMoveOf(a.conversationId, () => Promise.reject(new Error('injected: the network dropped')), () => merge(ws, a.conversationId, { intoConversationId: b.conversationId }));
    expect(failed.status).toBe(500);
    expect([await stored(a.conversationId), await stored(b.conversationId)].map((side) => side.messages)).toEqual([total - 1 - MERGE_BATCH, 1 + MERGE_BATCH]);

    const bIntoC = await merge(ws, b.conversationId, { intoConversationId: c.conversationId });
    expect(bIntoC.body).toMatchObject({ mergedInto: c.conversationId, complete: true, target: { messageCount: 2 + MERGE_BATCH } });

    // Moving the rest into B, now a pointer, would take them out of every view: they go where B's went.
    const resumed = await merge(ws, a.conversationId, { intoConversationId: b.conversationId });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ conversationId: a.conversationId, mergedInto: b.conversationId, complete: true, target: { conversationId: c.conversationId, messageCount: total + 1 } });
    expect(await Promise.all([a, b, c].map((side) => stored(side.conversationId)))).toEqual([
      { messages: 0, notes: 0, participants: 0 },
      { messages: 0, notes: 0, participants: 0 },
      { messages: total + 1, notes: 0, participants: expect.any(Number) },
    ]);
    expect((await Promise.all([a, b, c].map((side) => read(ws, side.conversationId)))).map((conversation) => conversation.messageCount)).toEqual([0, 0, total + 1]);
    expect(await listed(ws, 'open')).toEqual([c.conversationId]);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });
    // A later reply to A's thread lands in C too.
    expect(await customerReplies(ws, { from: a.from, inReplyTo: a.header })).toBe(c.conversationId);
  });

  it('B merged into C while one A→B request is moving: that request moves the rest into C', async () => {
    const ws = await workspace();
    const { source: a, target: b, total } = await longSourceAndTarget(ws);
    const c = await customerWrites(ws);
    let bIntoC: Reply | undefined;
    const merged = await beforeSecondMoveOf(a.conversationId, async () => { bIntoC = await merge(ws, b.conversationId, { intoConversationId: c.conversationId }); }, () => merge(ws, a.conversationId, { intoConversationId: b.conversationId }));
    expect(bIntoC?.body).toMatchObject({ mergedInto: c.conversationId, complete: true });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ mergedInto: b.conversationId, complete: true, target: { conversationId: c.conversationId, messageCount: total + 1 } });
    expect((await Promise.all([a, b, c].map((side) => stored(side.conversationId)))).map((side) => side.messages)).toEqual([0, 0, total + 1]);
    expect((await read(ws, c.conversationId)).messageCount).toBe(total + 1);
  });
});

describe('refusals', () => {
  it('404 with the same body for unknown and foreign conversations, on either side', async () => {
    const ws = await workspace();
    const other = await workspace();
    const mine = await customerWrites(ws);
    const theirs = await customerWrites(other);
    const answers = await Promise.all([
      merge(ws, 'cv_0123456789abcdef', { intoConversationId: mine.conversationId }),
      merge(ws, theirs.conversationId, { intoConversationId: mine.conversationId }),
      merge(ws, mine.conversationId, { intoConversationId: 'cv_0123456789abcdef' }),
      merge(ws, mine.conversationId, { intoConversationId: theirs.conversationId }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(answers[0].text);
    }
    expect((await read(other, theirs.conversationId)).mergedInto).toBeNull();
    expect((await read(ws, mine.conversationId)).mergedInto).toBeNull();
  });

  it('400 names the field: malformed, itself, another inbox; 409 once merged elsewhere or into a merged one', async () => {
    const ws = await workspace();
    const a = await customerWrites(ws);
    const b = await customerWrites(ws);
    const c = await customerWrites(ws);
    expect(issuesOf(await merge(ws, a.conversationId, {}))).toEqual(['intoConversationId:required']);
    expect(issuesOf(await merge(ws, a.conversationId, { intoConversationId: 'nope' }))).toEqual(['intoConversationId:invalid_format']);
    expect(issuesOf(await merge(ws, a.conversationId, { intoConversationId: a.conversationId }))).toEqual(['intoConversationId:same_conversation']);
    expect(issuesOf(await merge(ws, a.conversationId, { intoConversationId: b.conversationId, extra: true }))).toEqual(['extra:unknown_field']);

    // Another inbox of the same account.
    const secondAddress = `sales-${randomBytes(3).toString('hex')}@${ws.subdomain}.inbox.example.com`;
    const secondInbox = uniqueId('inb_');
    await directory().createInbox({ inboxId: secondInbox, accountId: ws.accountId, name: 'Sales', forwardingAddress: secondAddress });
    const elsewhere = await customerWrites({ ...ws, inboxId: secondInbox, address: secondAddress });
    expect(issuesOf(await merge(ws, a.conversationId, { intoConversationId: elsewhere.conversationId }))).toEqual(['intoConversationId:different_inbox']);

    expect((await merge(ws, a.conversationId, { intoConversationId: b.conversationId })).status).toBe(200);
    const elsewhereToo = await merge(ws, a.conversationId, { intoConversationId: c.conversationId });
    expect([elsewhereToo.status, elsewhereToo.body.error.code]).toEqual([409, 'already_merged']);
    const intoPointer = await merge(ws, c.conversationId, { intoConversationId: a.conversationId });
    expect([intoPointer.status, intoPointer.body.error.code]).toEqual([409, 'target_merged']);
    expect(await counts(ws)).toEqual({ unassigned: 2, mine: 0, open: 2, closed: 0, quarantined: 0 });
  });
});
