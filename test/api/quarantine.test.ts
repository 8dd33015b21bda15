/**
 * An inbox's quarantine through the HTTP API on the local stack, with mail delivered through the real inbound
 * path: the list (newest first, paginated, rule and header line), release (exactly once, racing requests
 * included, bypassing only the rule that held it), delete, failed mail, and who may do what.
 */
import { randomBytes } from 'node:crypto';
import { dynamo } from '../../functions/commons/clients';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';
import { refusingFirstTransaction, withMiddleware } from '../support/faults';
import { conversations, deliver, directory, eml, SesVerdicts, storeRaw, uniqueId } from '../support/stack';
import { handler } from '../../functions/inbound/handler';

let api: TestApi;
let account: TestAccount;
let other: TestAccount;
let admin: string;
let agent: string;

interface Inbox {
  inboxId: string;
  address: string;
}

async function newInbox(owner: TestAccount): Promise<Inbox> {
  const inbox = { inboxId: uniqueId('inb_'), address: `support-${randomBytes(3).toString('hex')}@${owner.subdomain}.inbox.example.com` };
  await directory().createInbox({ ...inbox, accountId: owner.accountId, name: 'Support', forwardingAddress: inbox.address });
  return inbox;
}

beforeAll(async () => {
  api = await startTestApi();
  [account, other] = await Promise.all([createTestAccount(api, 2), createTestAccount(api, 1)]);
  admin = account.token;
  agent = account.users[1].token;
});
afterAll(() => api?.stop());

const send = (inbox: Inbox, options: { from?: string; subject: string; headers?: Record<string, string>; text?: string; messageId?: string }, verdicts?: SesVerdicts) =>
  deliver(eml({ from: options.from ?? 'Jane Customer <jane@customer.example>', to: inbox.address, ...options }), [inbox.address], verdicts);

const list = (inbox: Inbox, query = '', token = agent) => call(api, 'GET', `/inboxes/${inbox.inboxId}/quarantine${query}`, { token });
const release = (inbox: Inbox, itemId: string, token = admin) => call(api, 'POST', `/inboxes/${inbox.inboxId}/quarantine/${itemId}/release`, { token });
const remove = (inbox: Inbox, itemId: string, token = admin) => call(api, 'DELETE', `/inboxes/${inbox.inboxId}/quarantine/${itemId}`, { token });

async function itemOf(inbox: Inbox, subject: string): Promise<any> {
  const found = (await list(inbox, '?limit=100')).body.items.find((item: { subject: string }) => item.subject === subject);
  if (!found) throw new Error(`no quarantined "${subject}"`);
  return found;
}

describe('the quarantine list', () => {
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = await newInbox(account);
    // One after the other: the list is newest first.
    await send(inbox, { subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } });
    await send(inbox, { subject: 'Cheap pills' }, { spam: 'FAIL' });
    await send(inbox, { subject: 'Undeliverable', from: 'MAILER-DAEMON <mailer-daemon@mx.customer.example>' });
    await send(inbox, { subject: 'A real question' });
  });

  it('lists quarantined mail newest first with the rule and the header line that decided', async () => {
    const reply = await list(inbox);
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Undeliverable', 'Cheap pills', 'Out of office']);
    expect(reply.body.items[2]).toEqual({
      itemId: expect.any(String),
      receivedAt: expect.any(String),
      from: { email: 'jane@customer.example', name: 'Jane Customer' },
      subject: 'Out of office',
      classification: 'auto-reply',
      rule: 'auto-submitted',
      evidence: 'Auto-Submitted: auto-replied',
      releasable: true,
      releaseStarted: null,
    });
    expect(reply.body.items[1]).toMatchObject({ classification: 'spam', rule: 'ses-spam-verdict', evidence: 'SES receipt spamVerdict: FAIL' });
    expect(reply.body.items[0]).toMatchObject({ classification: 'bounce', rule: 'mailer-daemon-sender', evidence: 'From: MAILER-DAEMON <mailer-daemon@mx.customer.example>' });
    expect(reply.body.cursor).toBeUndefined();
  });

  it('pages with an opaque cursor that only continues this listing', async () => {
    const first = await list(inbox, '?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await list(inbox, `?limit=2&cursor=${first.body.cursor}`);
    expect(second.body.items.map((item: { subject: string }) => item.subject)).toEqual(['Out of office']);
    expect(second.body.cursor).toBeUndefined();
    // The cursor of this inbox offered to another inbox's listing is refused.
    const another = await newInbox(account);
    const foreign = await list(another, `?cursor=${first.body.cursor}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.issues).toEqual([{ field: 'cursor', rule: 'invalid_cursor', message: expect.any(String) }]);
  });

  it('400 names the query field', async () => {
    const fields = async (query: string) => (await list(inbox, query)).body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
    expect(await fields('?limit=0')).toEqual(['limit:too_small']);
    expect(await fields('?limit=abc')).toEqual(['limit:invalid_format']);
    expect(await fields('?cursor=not-a-cursor')).toEqual(['cursor:invalid_cursor']);
    expect(await fields('?sort=asc')).toEqual(['sort:unknown_field']);
  });

  it('404 for an inbox of another account, with the body of an inbox that does not exist', async () => {
    const foreign = await newInbox(other);
    const [theirs, none] = await Promise.all([list(foreign), call(api, 'GET', '/inboxes/inb_missing/quarantine', { token: agent })]);
    expect(theirs.status).toBe(404);
    expect(theirs.text).toBe(none.text);
  });
});

describe('release', () => {
  let inbox: Inbox;
  beforeAll(async () => {
    inbox = await newInbox(account);
  });

  it('two racing releases store the message once and answer the same first result; it leaves the list', async () => {
    await send(inbox, { subject: 'Vacation reply with a real question', headers: { 'Auto-Submitted': 'auto-replied' }, text: 'I am away, but: where is my order?' });
    const { itemId } = await itemOf(inbox, 'Vacation reply with a real question');
    const [first, second] = await Promise.all([release(inbox, itemId), release(inbox, itemId)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toEqual({ outcome: 'stored', conversationId: expect.stringMatching(/^cv_/), messageId: expect.stringMatching(/^ms_/), releasedBy: account.users[0].userId, releasedAt: expect.any(String) });
    expect(second.body).toEqual(first.body);

    const messages = await conversations().messages(first.body.conversationId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId: first.body.messageId,
      subject: 'Vacation reply with a real question',
      from: { email: 'jane@customer.example' },
      release: { releasedBy: account.users[0].userId, releasedAt: first.body.releasedAt, skippedRules: ['auto-submitted'] },
    });
    expect(messages[0].trace).toEqual(expect.arrayContaining([expect.objectContaining({ step: 'release', why: expect.stringContaining('auto-submitted') })]));
    expect((await conversations().inboxConversations(inbox.inboxId)).map((row) => row.conversationId)).toEqual([first.body.conversationId]);

    // Later, a third time: the same answer, nothing new.
    expect((await release(inbox, itemId)).body).toEqual(first.body);
    expect(await conversations().messages(first.body.conversationId)).toHaveLength(1);
    expect((await list(inbox, '?limit=100')).body.items.map((item: { itemId: string }) => item.itemId)).not.toContain(itemId);
    // Released, it cannot be deleted.
    const deleted = await remove(inbox, itemId);
    expect([deleted.status, deleted.body.error.code]).toEqual([409, 'quarantine_released']);
  });

  it('bypasses only the rule that held it: another rule holds it again, and releasing that stores it', async () => {
    await send(inbox, { subject: 'Newsletter reply', headers: { 'Auto-Submitted': 'auto-generated', Precedence: 'bulk' } });
    const held = await itemOf(inbox, 'Newsletter reply');
    expect(held.rule).toBe('auto-submitted');
    const again = await release(inbox, held.itemId);
    expect(again.body).toMatchObject({ outcome: 'quarantined', itemId: expect.any(String), reason: 'precedence: Precedence: bulk' });
    const next = await itemOf(inbox, 'Newsletter reply');
    expect(next).toMatchObject({ itemId: again.body.itemId, rule: 'precedence' });
    // Released by someone else this time: recorded as theirs, and it leaves the list too.
    const secondAdmin = await call(api, 'POST', '/users', { token: admin, body: { email: `boss-${randomBytes(3).toString('hex')}@example.org`, name: 'Boss', role: 'admin' } });
    const stored = await release(inbox, next.itemId, await api.auth.sign({ accountId: account.accountId, userId: secondAdmin.body.userId, email: secondAdmin.body.email }));
    expect(stored.body).toMatchObject({ outcome: 'stored', conversationId: expect.any(String), releasedBy: secondAdmin.body.userId });
    expect(stored.body.releasedAt > again.body.releasedAt).toBe(true);
    expect(await conversations().messages(stored.body.conversationId)).toEqual([expect.objectContaining({ release: expect.objectContaining({ skippedRules: ['auto-submitted', 'precedence'] }) })]);
    expect((await list(inbox, '?limit=100')).body.items.map((item: { subject: string }) => item.subject)).not.toContain('Newsletter reply');
    expect((await remove(inbox, next.itemId)).status).toBe(409);
  });

  it('spam is releasable; a virus, a loop and mail with no sender are not (409), and stay listed', async () => {
    await send(inbox, { subject: 'Flagged but fine' }, { spam: 'FAIL' });
    expect((await release(inbox, (await itemOf(inbox, 'Flagged but fine')).itemId)).body.outcome).toBe('stored');

    await send(inbox, { subject: 'Invoice.exe' }, { virus: 'FAIL' });
    await send(inbox, { subject: 'Our own mail', from: `Team <team@${account.subdomain}.inbox.example.com>` });
    for (const subject of ['Invoice.exe', 'Our own mail']) {
      const item = await itemOf(inbox, subject);
      expect(item.releasable).toBe(false);
      const refused = await release(inbox, item.itemId);
      expect([subject, refused.status, refused.body.error.code]).toEqual([subject, 409, 'not_releasable']);
      expect((await itemOf(inbox, subject)).itemId).toBe(item.itemId);
    }
  });

  it('delete: 204, again 204, gone from the list, and then not releasable (409)', async () => {
    await send(inbox, { subject: 'Auto ack', headers: { 'X-Autoreply': 'yes' } });
    const { itemId } = await itemOf(inbox, 'Auto ack');
    const deleted = await remove(inbox, itemId);
    expect([deleted.status, deleted.text]).toEqual([204, '']);
    expect((await remove(inbox, itemId)).status).toBe(204);
    expect((await list(inbox, '?limit=100')).body.items.map((item: { itemId: string }) => item.itemId)).not.toContain(itemId);
    const released = await release(inbox, itemId);
    expect([released.status, released.body.error.code]).toEqual([409, 'quarantine_deleted']);
  });

  it('403 for agents on release, delete and failed; 404 for unknown and foreign ids, byte-identical', async () => {
    await send(inbox, { subject: 'Agent tries', headers: { 'Auto-Submitted': 'auto-replied' } });
    const { itemId } = await itemOf(inbox, 'Agent tries');
    for (const reply of [await release(inbox, itemId, agent), await remove(inbox, itemId, agent), await call(api, 'GET', `/inboxes/${inbox.inboxId}/failed`, { token: agent })]) {
      expect([reply.status, reply.body.error.code]).toEqual([403, 'forbidden']);
    }
    // Another inbox's item, another account's item, an id that decodes to nothing, one that is not an id.
    const sibling = await newInbox(account);
    await send(sibling, { subject: 'Sibling auto', headers: { 'Auto-Submitted': 'auto-replied' } });
    const siblingItem = (await itemOf(sibling, 'Sibling auto')).itemId;
    const foreignInbox = await newInbox(other);
    await send(foreignInbox, { subject: 'Foreign auto', headers: { 'Auto-Submitted': 'auto-replied' } });
    const foreignItem = (await list(foreignInbox, '', other.token)).body.items[0].itemId;
    const unknown = Buffer.from(`2026-01-01T00:00:00.000Z#rc_${'0'.repeat(32)}`).toString('base64url');
    const replies = await Promise.all([
      release(inbox, siblingItem), release(inbox, foreignItem), release(inbox, unknown), release(inbox, 'nonsense'),
      remove(inbox, siblingItem), remove(inbox, foreignItem), remove(inbox, unknown),
    ]);
    for (const reply of replies) expect([reply.status, reply.text]).toEqual([404, replies[0].text]);
    // The foreign account's own inbox through our account: 404 like an inbox that does not exist.
    const theirInbox = await release(foreignInbox, foreignItem);
    expect([theirInbox.status, theirInbox.text]).toEqual([404, (await release({ inboxId: 'inb_missing', address: '' }, foreignItem)).text]);
    // Nothing was released or deleted by any of them.
    expect((await itemOf(sibling, 'Sibling auto')).itemId).toBe(siblingItem);
    expect((await list(foreignInbox, '', other.token)).body.items[0].itemId).toBe(foreignItem);
  });
});

describe('the quarantine count (the sidebar’s, in GET /inboxes/{id}/conversation-counts)', () => {
  const held = async (inbox: Inbox) => {
    const reply = await call(api, 'GET', `/inboxes/${inbox.inboxId}/conversation-counts`, { token: agent });
    expect(reply.status).toBe(200);
    return reply.body.quarantined as number;
  };
  const listed = async (inbox: Inbox) => (await list(inbox, '?limit=100')).body.items.length as number;

  it('is what the list holds through arrivals, redelivery, racing releases and deletes, and a release held again', async () => {
    const inbox = await newInbox(account);
    expect(await held(inbox)).toBe(0);
    await send(inbox, { subject: 'Away 1', headers: { 'Auto-Submitted': 'auto-replied' } });
    await send(inbox, { subject: 'Away 2', headers: { 'Auto-Submitted': 'auto-replied' } });
    await send(inbox, { subject: 'Away 3', headers: { 'Auto-Submitted': 'auto-generated', Precedence: 'bulk' } });
    await send(inbox, { subject: 'Invoice.exe' }, { virus: 'FAIL' });
    await send(inbox, { subject: 'A real question' });
    // SES delivering the same raw object again counts nothing (the ingest transaction is cancelled with its receipt).
    const redelivered = await storeRaw(eml({ from: 'Jane <jane@customer.example>', to: inbox.address, subject: 'Away 4', headers: { 'Auto-Submitted': 'auto-replied' } }), [inbox.address]);
    await handler(redelivered.event);
    await handler(redelivered.event);
    expect([await held(inbox), await listed(inbox)]).toEqual([5, 5]);

    // Two racing releases of one, a release racing a delete of another: each record leaves the count once.
    const [one, two, three] = await Promise.all(['Away 1', 'Away 2', 'Away 3'].map((subject) => itemOf(inbox, subject)));
    const raced = await Promise.all([release(inbox, one.itemId), release(inbox, one.itemId), release(inbox, two.itemId), remove(inbox, two.itemId)]);
    expect(raced[0].body.outcome).toBe('stored');
    expect([await held(inbox), await listed(inbox)]).toEqual([3, 3]);
    // Deleting again, releasing what was deleted or released: nothing moves.
    await remove(inbox, two.itemId);
    await release(inbox, one.itemId);
    expect(await held(inbox)).toBe(3);
    // Released but held again by another rule: it leaves and comes back as a new item.
    expect((await release(inbox, three.itemId)).body.outcome).toBe('quarantined');
    expect([await held(inbox), await listed(inbox)]).toEqual([3, 3]);
    // Not releasable: it stays counted.
    expect((await release(inbox, (await itemOf(inbox, 'Invoice.exe')).itemId)).status).toBe(409);
    expect(await held(inbox)).toBe(3);
  });
});

describe('a release that fails midway', () => {
  const held = async (inbox: Inbox) => (await call(api, 'GET', `/inboxes/${inbox.inboxId}/conversation-counts`, { token: agent })).body.quarantined as number;
  const listedIds = async (inbox: Inbox) => (await list(inbox, '?limit=100')).body.items.map((item: { itemId: string }) => item.itemId);

  /**
   * The chain's commit (the transaction that writes the release's own receipt) fails every time while `run`
   * runs: before it reaches DynamoDB, or after it committed (its answer lost, as when the function times out).
   */
  const failingReleaseCommits = <T>(run: () => Promise<T>, when: 'before' | 'after' = 'before') => {
    let failed = 0;
    const fault = (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
      if (context.commandName !== 'TransactWriteItemsCommand' || !JSON.stringify(args.input).includes('#released"')) return next(args);
      if (when === 'after') await next(args);
      failed++;
      throw Object.assign(new Error(`injected: the function timed out ${when} its commit`), { code: 'ETIMEDOUT' });
    };
    return withMiddleware(dynamo(), 'failReleaseCommit', fault, async () => ({ result: await run(), failed: () => failed }));
  };

  it('after the claim, the commit fails: still listed, releasable and counted; releasing again stores it once and it leaves', async () => {
    const inbox = await newInbox(account);
    await send(inbox, { subject: 'Large auto reply', headers: { 'Auto-Submitted': 'auto-replied' } });
    await send(inbox, { subject: 'Another auto reply', headers: { 'Auto-Submitted': 'auto-replied' } });
    const { itemId } = await itemOf(inbox, 'Large auto reply');
    expect(await held(inbox)).toBe(2);

    const crashed = await failingReleaseCommits(() => Promise.all([release(inbox, itemId), release(inbox, itemId)]));
    expect(crashed.failed()).toBe(2);
    expect(crashed.result.map((reply) => reply.status)).toEqual([500, 500]);
    // Claimed, yet not released: still in the Quarantine view, releasable, and still counted.
    expect((await itemOf(inbox, 'Large auto reply'))).toMatchObject({ itemId, releasable: true, releaseStarted: { releasedBy: account.users[0].userId, releasedAt: expect.any(String) } });
    expect((await itemOf(inbox, 'Another auto reply')).releaseStarted).toBeNull();
    expect(await held(inbox)).toBe(2);
    expect(await conversations().inboxConversations(inbox.inboxId)).toEqual([]);
    // Claimed for a release: it can no longer be deleted (the release finishes it).
    expect((await remove(inbox, itemId)).body.error.code).toBe('quarantine_released');
    expect(await held(inbox)).toBe(2);

    // Released again (twice, racing): one stored message, out of the list, one off the count.
    const [first, second] = await Promise.all([release(inbox, itemId), release(inbox, itemId)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ outcome: 'stored', conversationId: expect.stringMatching(/^cv_/), releasedBy: account.users[0].userId });
    expect(second.body).toEqual(first.body);
    expect(await conversations().messages(first.body.conversationId)).toHaveLength(1);
    expect((await conversations().inboxConversations(inbox.inboxId)).map((row) => row.conversationId)).toEqual([first.body.conversationId]);
    expect(await listedIds(inbox)).not.toContain(itemId);
    expect(await held(inbox)).toBe(1);
    // Later: the same answer, nothing moves.
    expect((await release(inbox, itemId)).body).toEqual(first.body);
    expect(await held(inbox)).toBe(1);
  });

  it('after the commit, before the result is recorded: still listed and counted; releasing again answers the stored message', async () => {
    const inbox = await newInbox(account);
    await send(inbox, { subject: 'Auto reply, answer lost', headers: { 'Auto-Submitted': 'auto-replied' } });
    const { itemId } = await itemOf(inbox, 'Auto reply, answer lost');
    const crashed = await failingReleaseCommits(() => release(inbox, itemId), 'after');
    expect([crashed.failed(), crashed.result.status]).toEqual([1, 500]);
    // The message is stored (once); the record, whose result was never recorded, is still listed and counted.
    const [conversation] = await conversations().inboxConversations(inbox.inboxId);
    expect(await conversations().messages(String(conversation.conversationId))).toHaveLength(1);
    expect((await itemOf(inbox, 'Auto reply, answer lost')).itemId).toBe(itemId);
    expect(await held(inbox)).toBe(1);

    const again = await release(inbox, itemId);
    expect(again.body).toMatchObject({ outcome: 'stored', conversationId: conversation.conversationId });
    expect(await conversations().messages(String(conversation.conversationId))).toHaveLength(1);
    expect([await listedIds(inbox), await held(inbox)]).toEqual([[], 0]);
  });
});

describe('failed mail of an inbox', () => {
  it('lists what failed for the inbox with its reason (admins only), newest first', async () => {
    const inbox = await newInbox(account);
    const stored = await storeRaw(eml({ from: 'jane@customer.example', to: inbox.address, subject: 'Too big to store' }), [inbox.address]);
    // DynamoDB refuses the message's transaction for good; the failed record that follows goes through.
    await refusingFirstTransaction(dynamo(), () => handler(stored.event));
    const reply = await call(api, 'GET', `/inboxes/${inbox.inboxId}/failed`, { token: admin });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      items: [{ receivedAt: expect.any(String), reason: expect.stringContaining('ValidationException: Item size has exceeded'), from: { email: 'jane@customer.example', name: '' }, subject: 'Too big to store' }],
    });
    expect((await call(api, 'GET', `/inboxes/${inbox.inboxId}/failed?limit=101`, { token: admin })).body.error.issues[0]).toMatchObject({ field: 'limit', rule: 'too_big' });
  });
});
