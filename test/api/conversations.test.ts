/**
 * The agent workspace through the local HTTP API: mail delivered through the real inbound chain, then listed
 * in the views, read, assigned, closed and reopened, with counts checked after each change.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { keys } from '../../functions/adapters/keys';
import { call, createTestAccount, Reply, startTestApi, TestAccount, TestApi } from '../support/api';
import { deliver, directory, eml, uniqueId } from '../support/stack';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

interface Workspace extends TestAccount {
  readonly inboxId: string;
  readonly address: string;
}

async function workspace(users = 3): Promise<Workspace> {
  const account = await createTestAccount(api, users);
  const inboxId = uniqueId('inb_');
  const address = `support@${account.subdomain}.inbox.example.com`;
  await directory().createInbox({ inboxId, accountId: account.accountId, name: 'Support', forwardingAddress: address });
  return { ...account, inboxId, address };
}

/** Delivers a new customer message; answers its conversation id and Message-ID. */
async function customerWrites(ws: Workspace, options: { subject?: string; text?: string; from?: string } = {}) {
  const messageId = `${uniqueId('m')}@customer.example`;
  const delivered = await deliver(eml({ from: options.from ?? 'Jane Customer <jane@customer.example>', to: ws.address, subject: options.subject ?? 'Late order', messageId, text: options.text }), [ws.address]);
  expect(delivered.receipt).toMatchObject({ outcome: 'stored' });
  return { conversationId: String(delivered.receipt!.conversationId), messageId };
}

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

const view = async (ws: Workspace, name: string, token = ws.token, query = '') => {
  const reply = await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=${name}${query}`, { token });
  expect(reply.status).toBe(200);
  return reply.body as { conversations: { conversationId: string; status: string; assigneeId: string | null; snippet: string }[]; cursor?: string };
};
const idsIn = async (ws: Workspace, name: string, token = ws.token) => (await view(ws, name, token)).conversations.map((c) => c.conversationId);
const counts = async (ws: Workspace, token = ws.token) => (await call(api, 'GET', `/inboxes/${ws.inboxId}/conversation-counts`, { token })).body;
const openAssigned = async (ws: Workspace, userId: string) =>
  Number((await dynamo().send(new GetCommand({ TableName: config().tables.inboxes, Key: keys.user(ws.accountId, userId), ConsistentRead: true }))).Item?.openAssigned ?? 0);
const patch = (ws: Workspace, conversationId: string, body: unknown, token = ws.token) => call(api, 'PATCH', `/conversations/${conversationId}`, { token, body });

describe('views', () => {
  it('lists new mail as unassigned and open, newest activity first, with a snippet of the new text and counts', async () => {
    const ws = await workspace();
    const first = await customerWrites(ws, { text: 'My order is late.\n\nOn Tue, Nov 3, 2026 at 10:00 AM Shop <shop@example.org> wrote:\n> Your order shipped.\n' });
    const second = await customerWrites(ws, { subject: 'Refund', text: 'Please refund me.' });
    expect(await idsIn(ws, 'unassigned')).toEqual([second.conversationId, first.conversationId]);
    expect(await idsIn(ws, 'open')).toEqual([second.conversationId, first.conversationId]);
    expect(await idsIn(ws, 'mine')).toEqual([]);
    expect(await idsIn(ws, 'closed')).toEqual([]);
    const listed = (await view(ws, 'open')).conversations[1];
    expect(listed).toMatchObject({ subject: 'Late order', snippet: 'My order is late.', contact: { email: 'jane@customer.example', name: 'Jane Customer' }, status: 'open', assigneeId: null, messageCount: 1, ticketId: null });
    expect(await counts(ws)).toEqual({ unassigned: 2, mine: 0, open: 2, closed: 0, quarantined: 0 });
  });

  it('pages through a view with cursors that only continue that listing', async () => {
    const ws = await workspace();
    const created: string[] = [];
    for (let index = 0; index < 5; index++) created.push((await customerWrites(ws, { subject: `Question ${index}` })).conversationId);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await view(ws, 'open', ws.token, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.conversations.map((c) => c.conversationId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
    const firstPage = await view(ws, 'open', ws.token, '&limit=2');
    // The same cursor on another view, another inbox, or tampered with: refused, naming the field.
    expect(issuesOf(await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=unassigned&cursor=${firstPage.cursor}`, { token: ws.token }))).toEqual(['cursor:invalid_cursor']);
    const other = await workspace(1);
    expect(issuesOf(await call(api, 'GET', `/inboxes/${other.inboxId}/conversations?view=open&cursor=${firstPage.cursor}`, { token: other.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=open&cursor=${firstPage.cursor}x`, { token: ws.token }))).toEqual(['cursor:invalid_cursor']);
  });

  it('refuses unknown views and limits, naming the field; 404 for an inbox of another account or none', async () => {
    const ws = await workspace(1);
    expect(issuesOf(await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=everything`, { token: ws.token }))).toEqual(['view:invalid_value']);
    expect(issuesOf(await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=open&limit=0`, { token: ws.token }))).toEqual(['limit:too_small']);
    expect(issuesOf(await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations`, { token: ws.token }))).toEqual([expect.stringMatching(/^view:/)]);
    const other = await workspace(1);
    await customerWrites(other);
    for (const path of [`/inboxes/${other.inboxId}/conversations?view=open`, `/inboxes/${other.inboxId}/conversation-counts`, '/inboxes/inb_nope/conversations?view=open']) {
      expect((await call(api, 'GET', path, { token: ws.token })).status).toBe(404);
    }
  });
});

describe('reading a conversation', () => {
  it('answers messages and notes oldest first, with new text apart from the quoted history', async () => {
    const ws = await workspace(1);
    const { conversationId, messageId } = await customerWrites(ws, { text: 'Where is it?\n\n--\nJane\nCustomer Inc.\n' });
    await deliver(eml({ from: 'jane@customer.example', to: ws.address, subject: 'Re: Late order', inReplyTo: messageId, text: 'Any news?\n\nOn Tue, Nov 3, 2026 at 10:00 AM Jane <jane@customer.example> wrote:\n> Where is it?\n' }), [ws.address]);
    const note = await call(api, 'POST', `/conversations/${conversationId}/notes`, { token: ws.token, body: { text: 'Checked with the warehouse.' } });
    expect(note.status).toBe(201);
    const read = await call(api, 'GET', `/conversations/${conversationId}`, { token: ws.token });
    expect(read.status).toBe(200);
    expect(read.body.entries.map((entry: { kind: string; newText?: string; text: string }) => [entry.kind, entry.newText ?? entry.text])).toEqual([
      ['message', 'Where is it?'],
      ['message', 'Any news?'],
      ['note', 'Checked with the warehouse.'],
    ]);
    expect(read.body.entries[1].text).toContain('> Where is it?');
    expect(read.body).toMatchObject({ messageCount: 2, snippet: 'Any news?' });
    expect(read.body.entries[0]).toMatchObject({ direction: 'inbound', from: { email: 'jane@customer.example' }, attribution: { rule: 'from-header' } });
  });

  it('404 for an unknown id and for a conversation of another account, on every conversation route', async () => {
    const ws = await workspace(1);
    const other = await workspace(1);
    const { conversationId } = await customerWrites(other);
    for (const id of [conversationId, 'cv_unknown']) {
      expect((await call(api, 'GET', `/conversations/${id}`, { token: ws.token })).status).toBe(404);
      expect((await patch(ws, id, { status: 'closed' })).status).toBe(404);
      expect((await call(api, 'POST', `/conversations/${id}/notes`, { token: ws.token, body: { text: 'hi' } })).status).toBe(404);
    }
    expect((await call(api, 'GET', `/conversations/${conversationId}`, { token: other.token })).status).toBe(200);
  });

  it('serves sanitized HTML, cid: images as attachment links, and attachments with presigned links that name the file', async () => {
    const ws = await workspace(1);
    const boundary = `b${randomBytes(6).toString('hex')}`;
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const raw = [
      'From: Jane <jane@customer.example>', `To: ${ws.address}`, 'Subject: Photo', `Message-ID: <${uniqueId('m')}@customer.example>`, 'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
      `--${boundary}`, 'Content-Type: text/html; charset=utf-8', '',
      '<p onclick="steal()">See <a href="javascript:alert(1)">this</a> <img src="cid:photo1"> <img src="https://tracker.example/p.gif"></p><script>alert(1)</script>',
      `--${boundary}`, 'Content-Type: image/png', 'Content-ID: <photo1>', 'Content-Disposition: inline; filename="photo.png"', 'Content-Transfer-Encoding: base64', '', png.toString('base64'),
      `--${boundary}`, 'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="Facture été.pdf"', 'Content-Transfer-Encoding: base64', '', Buffer.from('%PDF-1.4 invoice').toString('base64'),
      `--${boundary}--`, '',
    ].join('\r\n');
    const delivered = await deliver(raw, [ws.address]);
    const read = await call(api, 'GET', `/conversations/${delivered.receipt!.conversationId}`, { token: ws.token });
    const [message] = read.body.entries;
    expect(message.html).not.toMatch(/script|onclick|javascript:/i);
    expect(message.html).toContain('data-blocked-src="https://tracker.example/p.gif"');
    const photo = message.attachments.find((a: { filename: string }) => a.filename === 'photo.png');
    const pdf = message.attachments.find((a: { filename: string }) => a.filename === 'Facture été.pdf');
    expect(message.html).toContain(`src="${photo.url.replace(/&/g, '&amp;')}"`);
    const download = await fetch(pdf.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('%PDF-1.4 invoice');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="Facture _t_.pdf"; filename*=UTF-8''Facture%20%C3%A9t%C3%A9.pdf`);
    const image = await fetch(photo.url);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="photo.png"/);
    const remote = await call(api, 'GET', `/conversations/${delivered.receipt!.conversationId}?images=remote`, { token: ws.token });
    expect(remote.body.entries[0].html).toContain('src="https://tracker.example/p.gif"');
  });
});

describe('assign, close, reopen', () => {
  it('moves a conversation between the views and keeps every count exact', async () => {
    const ws = await workspace(3);
    const [, sam, kim] = ws.users;
    const { conversationId } = await customerWrites(ws);
    const assigned = await patch(ws, conversationId, { assigneeId: sam.userId });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ assigneeId: sam.userId, status: 'open' });
    expect(await idsIn(ws, 'mine', sam.token)).toEqual([conversationId]);
    expect(await idsIn(ws, 'unassigned')).toEqual([]);
    expect((await call(api, 'GET', '/conversations', { token: sam.token })).body.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([conversationId]);
    expect(await counts(ws, sam.token)).toEqual({ unassigned: 0, mine: 1, open: 1, closed: 0, quarantined: 0 });
    expect(await openAssigned(ws, sam.userId)).toBe(1);

    expect((await call(api, 'GET', '/me', { token: sam.token })).body.user.openAssigned).toBe(1); // the sidebar's "mine everywhere"

    await patch(ws, conversationId, { assigneeId: kim.userId });
    expect([await openAssigned(ws, sam.userId), await openAssigned(ws, kim.userId)]).toEqual([0, 1]);
    expect((await call(api, 'GET', '/me', { token: sam.token })).body.user.openAssigned).toBe(0);
    await patch(ws, conversationId, { status: 'closed' });
    expect(await idsIn(ws, 'closed')).toEqual([conversationId]);
    expect(await idsIn(ws, 'mine', kim.token)).toEqual([]);
    expect(await openAssigned(ws, kim.userId)).toBe(0);
    expect(await counts(ws, kim.token)).toEqual({ unassigned: 0, mine: 0, open: 0, closed: 1, quarantined: 0 });
    // Closing again changes nothing.
    expect((await patch(ws, conversationId, { status: 'closed' })).status).toBe(200);
    expect(await openAssigned(ws, kim.userId)).toBe(0);

    await patch(ws, conversationId, { status: 'open', assigneeId: null });
    expect(await idsIn(ws, 'unassigned')).toEqual([conversationId]);
    expect(await counts(ws)).toEqual({ unassigned: 1, mine: 0, open: 1, closed: 0, quarantined: 0 });
  });

  it('refuses bad changes, naming the field', async () => {
    const ws = await workspace(1);
    const { conversationId } = await customerWrites(ws);
    expect(issuesOf(await patch(ws, conversationId, {}))).toEqual(['(body):empty_change']);
    expect(issuesOf(await patch(ws, conversationId, { status: 'snoozed' }))).toEqual(['status:invalid_value']);
    expect(issuesOf(await patch(ws, conversationId, { assigneeId: 'bob' }))).toEqual(['assigneeId:invalid_format']);
    expect(issuesOf(await patch(ws, conversationId, { assigneeId: 'usr_someone_else' }))).toEqual(['assigneeId:unknown_user']);
    expect(issuesOf(await patch(ws, conversationId, { owner: 'x' }))).toEqual(['owner:unknown_field']);
    expect(issuesOf(await call(api, 'POST', `/conversations/${conversationId}/notes`, { token: ws.token, body: { text: '  ' } }))).toEqual(['text:empty']);
  });

  it('keeps open counts exact through racing changes', async () => {
    const ws = await workspace(4);
    const agents = ws.users.slice(1);
    const { conversationId } = await customerWrites(ws);
    const changes = [
      ...agents.flatMap((agent) => [{ assigneeId: agent.userId }, { assigneeId: agent.userId }]),
      { status: 'closed' }, { status: 'open' }, { assigneeId: null }, { status: 'closed' }, { status: 'open' },
    ];
    const replies = await Promise.all(changes.map((change) => patch(ws, conversationId, change)));
    expect(replies.map((reply) => reply.status).filter((status) => status !== 200 && status !== 409)).toEqual([]);
    const final = (await call(api, 'GET', `/conversations/${conversationId}`, { token: ws.token })).body;
    const expected = new Map(agents.map((agent) => [agent.userId, final.status === 'open' && final.assigneeId === agent.userId ? 1 : 0]));
    for (const agent of agents) expect([agent.userId, await openAssigned(ws, agent.userId)]).toEqual([agent.userId, expected.get(agent.userId)]);
    const sidebar = await counts(ws);
    expect(sidebar.open + sidebar.closed).toBe(1);
    expect(sidebar.unassigned).toBe(final.status === 'open' && !final.assigneeId ? 1 : 0);
  });

  it('a customer reply reopens a closed conversation: back in the open views, counted again for its assignee', async () => {
    const ws = await workspace(2);
    const [, sam] = ws.users;
    const { conversationId, messageId } = await customerWrites(ws);
    await patch(ws, conversationId, { assigneeId: sam.userId });
    await patch(ws, conversationId, { status: 'closed' });
    expect(await openAssigned(ws, sam.userId)).toBe(0);
    const reply = await deliver(eml({ from: 'jane@customer.example', to: ws.address, subject: 'Re: Late order', inReplyTo: messageId, text: 'Still waiting.' }), [ws.address]);
    expect(reply.receipt).toMatchObject({ outcome: 'stored', conversationId });
    expect(await idsIn(ws, 'mine', sam.token)).toEqual([conversationId]);
    expect(await idsIn(ws, 'closed')).toEqual([]);
    expect(await openAssigned(ws, sam.userId)).toBe(1);
    expect(await counts(ws, sam.token)).toEqual({ unassigned: 0, mine: 1, open: 1, closed: 0, quarantined: 0 });
    expect((await view(ws, 'mine', sam.token)).conversations[0]).toMatchObject({ snippet: 'Still waiting.', messageCount: 2 });
  });
});
