/**
 * Proof (issue 11): the process loses the answer after each write of a new conversation in turn — the
 * rotation turn, the transaction, the post-commit count — and the retry ends consistent: one conversation,
 * one message, one ticket, one receipt, and the assignment counted once (after the transaction the retry
 * finds the receipt still owing the count and raises it; after the count it finds nothing owed). Faults are
 * injected with SDK middleware on the real client; the writes themselves reach the real local DynamoDB.
 */
import { handler } from '../../functions/inbound/handler';
import { dynamo } from '../../functions/commons/clients';
import { call, createTestAccount, startTestApi, TestApi } from '../support/api';
import { conversations, eml, storeRaw, uniqueId } from '../support/stack';
import { withMiddleware } from '../support/faults';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

const WRITES = {
  'the rotation turn': (input: string) => input.includes('ROTATION#'),
  'the transaction': (input: string, command?: string) => command === 'TransactWriteItemsCommand' && !input.includes('ADD openAssigned'),
  'the post-commit count': (input: string) => input.includes('ADD openAssigned'),
} as const;

/** The write happens; its answer is lost on the way back (a reset connection), once. */
async function losingAnswerOf(write: (input: string, command?: string) => boolean, run: () => Promise<unknown>) {
  let lost = 0;
  const fault = (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
    const result = await next(args);
    if (!lost && write(JSON.stringify(args.input), context.commandName)) {
      lost++;
      throw Object.assign(new Error('socket hang up after the write'), { code: 'ECONNRESET' });
    }
    return result;
  };
  await withMiddleware(dynamo(), 'loseAnswer', fault, run);
  return lost;
}

describe('an answer lost after each write, then a retry', () => {
  it.each(Object.keys(WRITES) as Array<keyof typeof WRITES>)('after %s: one conversation, message, ticket and receipt', async (name) => {
    const account = await createTestAccount(api, 2);
    const token = account.token;
    const created = await call(api, 'POST', '/inboxes', { token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
    const inboxId = created.body.inboxId as string;
    for (const [path, body] of [
      ['/sender-name', { mode: 'company', companyName: 'Acme' }],
      ['/sender-address', { mode: 'default', username: 'support' }],
      ['/assignment', { mode: 'specific', userIds: account.users.map((user) => user.userId) }],
      ['/tickets', { enabled: true, template: { name: '{{subject}}', pipelineId: 'support', stageId: 'new', priority: 'medium', owner: { type: 'assignee' } } }],
    ] as const) expect((await call(api, 'PUT', `/inboxes/${inboxId}${path}`, { token, body })).status).toBe(200);
    const address = (await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token })).body.forwardingAddress as string;

    const stored = await storeRaw(eml({ from: `${uniqueId('c')}@customer.example`, to: address }), [address]);
    const lost = await losingAnswerOf(WRITES[name], () => expect(handler(stored.event)).rejects.toThrow('socket hang up'));
    expect(lost).toBe(1);
    await handler(stored.event); // the retry SES or SQS would make

    const [conversation, ...others] = await conversations().inboxConversations(inboxId);
    expect(others).toHaveLength(0);
    expect(conversation).toMatchObject({ messageCount: 1, assigneeId: expect.stringMatching(/^usr_/) });
    expect(await conversations().messages(String(conversation.conversationId))).toHaveLength(1);
    expect(await conversations().receipts(stored.receiptKey)).toHaveLength(1);
    expect(conversation.ticketId).toEqual(expect.any(String));
    const openCounts = await Promise.all(account.users.map(async (user) => (await call(api, 'GET', `/users/${user.userId}`, { token })).body.openAssigned ?? 0));
    expect(openCounts.reduce((sum: number, count: number) => sum + count, 0)).toBe(1);
    expect((await conversations().receipt(stored.receiptKey))!.pendingOpenCount).toBeUndefined();
  });
});
