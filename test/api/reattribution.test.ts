/**
 * Re-attribution through the local HTTP API: mail delivered through the real inbound chain, then moved to
 * another contact — the message, and with the message that started it the conversation and its place in the
 * contacts' histories; optionally trusting the forwarder, proven by the next forward the chain reads.
 */
import { randomBytes } from 'node:crypto';
import { call, createTestWorkspace, readConversation, Reply, startTestApi, TestApi, TestWorkspace } from '../support/api';
import { deliver, eml, SesVerdicts, uniqueId } from '../support/stack';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

const workspace = () => createTestWorkspace(api, 2);

const unique = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

/** A colleague's manual forward of a customer's mail, authenticated for its domain (DMARC pass). */
async function forwardFrom(ws: TestWorkspace, forwarder: string, messageId = `${uniqueId('m')}@partner.example`, verdicts: SesVerdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }) {
  const customer = `${unique('customer')}@customer.example`;
  const text = ['FYI', '', '---------- Forwarded message ---------', `From: Original Customer <${customer}>`, 'Date: Mon, 2 Nov 2026 10:00', 'Subject: Order 42', '', 'Where is my order?'].join('\r\n');
  const { receipt } = await deliver(eml({ from: `Colleague <${forwarder}>`, to: ws.address, subject: 'Fwd: Order 42', text, messageId }), [ws.address], verdicts);
  expect(receipt).toMatchObject({ outcome: 'stored' });
  return { customer, conversationId: String(receipt!.conversationId), storedMessageId: String(receipt!.messageId), messageIdHeader: messageId };
}

const read = (ws: TestWorkspace, conversationId: string) => readConversation(api, ws, conversationId);
const contactHistory = async (ws: TestWorkspace, contactId: string) => {
  const reply = await call(api, 'GET', `/contacts/${contactId}/conversations`, { token: ws.token });
  expect(reply.status).toBe(200);
  return reply.body.conversations.map((conversation: { conversationId: string }) => conversation.conversationId);
};
const contactByEmail = async (ws: TestWorkspace, email: string) => (await call(api, 'GET', `/contacts?email=${encodeURIComponent(email)}`, { token: ws.token })).body.contacts[0];
const reattribute = (ws: TestWorkspace, messageId: string, body: unknown, token = ws.token) => call(api, 'POST', `/messages/${messageId}/attribution`, { token, body });

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

describe('moving a message to another contact', () => {
  it('moves the first message with its conversation between the contacts’ histories, keeps the chain’s decision, and records the correction', async () => {
    const ws = await workspace();
    const forwarder = `${unique('helpdesk')}@partner.example`;
    const forward = await forwardFrom(ws, forwarder);
    const before = await read(ws, forward.conversationId);
    const [message] = before.entries;
    expect(message).toMatchObject({ messageId: forward.storedMessageId, from: { email: forwarder }, attribution: { rule: 'untrusted-forwarder' }, correction: null });
    // The sender the chain set aside, in structured form: what a client offers as the one-click correction.
    expect(message.attribution.candidate).toEqual({ email: forward.customer, name: 'Original Customer' });
    const colleague = await contactByEmail(ws, forwarder);
    expect(message.contactId).toBe(colleague.contactId);
    expect(await contactHistory(ws, colleague.contactId)).toEqual([forward.conversationId]);

    const moved = await reattribute(ws, message.messageId, { email: forward.customer.toUpperCase(), name: 'Original Customer' });
    expect(moved.status).toBe(200);
    const customer = await contactByEmail(ws, forward.customer);
    expect(customer).toMatchObject({ email: forward.customer, name: 'Original Customer', messageCount: 1 });
    expect(moved.body).toEqual({
      messageId: message.messageId,
      conversationId: forward.conversationId,
      contact: { contactId: customer.contactId, email: forward.customer, name: 'Original Customer' },
      attribution: message.attribution,
      forwardedBy: null,
      correction: {
        by: ws.users[0].userId,
        at: expect.any(String),
        previousContact: { contactId: colleague.contactId, email: forwarder, name: 'Colleague' },
        contact: { contactId: customer.contactId, email: forward.customer, name: 'Original Customer' },
      },
      conversationContact: { contactId: customer.contactId, email: forward.customer, name: 'Original Customer' },
    });

    // The conversation shows why, and who corrected it; its contact and the contacts' histories moved.
    const after = await read(ws, forward.conversationId);
    expect(after.contact).toEqual({ contactId: customer.contactId, email: forward.customer, name: 'Original Customer' });
    expect(after.entries[0]).toMatchObject({ messageId: message.messageId, contactId: customer.contactId, from: { email: forward.customer }, attribution: message.attribution, correction: moved.body.correction });
    expect(await contactHistory(ws, customer.contactId)).toEqual([forward.conversationId]);
    expect(await contactHistory(ws, colleague.contactId)).toEqual([]);
    expect((await contactByEmail(ws, forwarder)).messageCount).toBe(0);
    // The views list it with its new contact.
    const open = (await call(api, 'GET', `/inboxes/${ws.inboxId}/conversations?view=open`, { token: ws.token })).body.conversations;
    expect(open).toEqual([expect.objectContaining({ conversationId: forward.conversationId, contact: after.contact })]);

    // Idempotent: the same body again answers the same record and writes no second correction.
    const again = await reattribute(ws, message.messageId, { email: forward.customer, name: 'Original Customer' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(moved.body);
    expect((await contactByEmail(ws, forward.customer)).messageCount).toBe(1);

    // Moved back: the correction names the customer as the previous contact; the chain's decision still reads the same.
    const back = await reattribute(ws, message.messageId, { email: forwarder });
    expect(back.body).toMatchObject({ contact: { contactId: colleague.contactId, email: forwarder, name: 'Colleague' }, attribution: message.attribution, correction: { previousContact: { email: forward.customer } } });
    expect(await contactHistory(ws, colleague.contactId)).toEqual([forward.conversationId]);
    expect(await contactHistory(ws, customer.contactId)).toEqual([]);
  });

  it('moves a later message alone: the conversation keeps the contact of its first message', async () => {
    const ws = await workspace();
    const header = `${uniqueId('m')}@customer.example`;
    const first = await deliver(eml({ from: 'Jane <jane@customer.example>', to: ws.address, subject: 'Order', messageId: header }), [ws.address]);
    const conversationId = String(first.receipt!.conversationId);
    const reply = await deliver(eml({ from: 'Assistant <assistant@customer.example>', to: ws.address, subject: 'Re: Order', inReplyTo: header, text: 'Following up' }), [ws.address]);
    const second = String(reply.receipt!.messageId);
    expect(reply.receipt!.conversationId).toBe(conversationId);

    // Plain mail: nothing was set aside.
    expect((await read(ws, conversationId)).entries[0].attribution).toEqual({ rule: 'from-header', evidence: 'From: Jane <jane@customer.example>' });
    const moved = await reattribute(ws, second, { email: 'boss@customer.example' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ contact: { email: 'boss@customer.example', name: null }, conversationContact: { email: 'jane@customer.example' } });
    const boss = await contactByEmail(ws, 'boss@customer.example');
    expect(boss).toMatchObject({ messageCount: 1 });
    expect(await contactHistory(ws, boss.contactId)).toEqual([]);
    expect((await read(ws, conversationId)).contact.email).toBe('jane@customer.example');
  });

  it('answers 404 with the same body for an unknown message and another account’s; 400 names the field', async () => {
    const ws = await workspace();
    const other = await workspace();
    const theirs = await forwardFrom(other, `${unique('x')}@partner.example`);
    const unknown = await reattribute(ws, 'ms_0123456789abcdef', { email: 'a@b.example' });
    const foreign = await reattribute(ws, theirs.storedMessageId, { email: 'a@b.example' });
    expect(unknown.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(foreign.text).toBe(unknown.text);
    // Nothing changed for its owner.
    expect((await read(other, theirs.conversationId)).entries[0].correction).toBeNull();

    const mine = await forwardFrom(ws, `${unique('y')}@partner.example`);
    expect(issuesOf(await reattribute(ws, mine.storedMessageId, { email: 'not an address' }))).toEqual(['email:invalid_format']);
    expect(issuesOf(await reattribute(ws, mine.storedMessageId, {}))).toEqual(['email:required']);
    expect(issuesOf(await reattribute(ws, mine.storedMessageId, { email: 'a@b.example', trustForwarder: 'yes' }))).toEqual(['trustForwarder:invalid_type']);
    expect(issuesOf(await reattribute(ws, mine.storedMessageId, { email: 'a@b.example', name: 'A\nB' }))).toEqual([expect.stringMatching(/^name:/)]);
    expect(issuesOf(await reattribute(ws, mine.storedMessageId, { email: 'a@b.example', extra: 1 }))).toEqual(['extra:unknown_field']);
  });
});

describe('trusting the forwarder in the same call', () => {
  it('is for admins; it adds the forwarder, and their next forward names its inner sender', async () => {
    const ws = await workspace();
    const forwarder = `${unique('helpdesk')}@partner.example`;
    const first = await forwardFrom(ws, forwarder);

    const agent = await reattribute(ws, first.storedMessageId, { email: first.customer, trustForwarder: true }, ws.users[1].token);
    expect(agent.status).toBe(403);
    // Refused as a whole: the message did not move either.
    expect((await read(ws, first.conversationId)).entries[0].correction).toBeNull();

    const admin = await reattribute(ws, first.storedMessageId, { email: first.customer, trustForwarder: true });
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ contact: { email: first.customer }, correction: { trustedForwarder: forwarder }, trustedForwarders: [forwarder] });
    expect((await call(api, 'GET', `/inboxes/${ws.inboxId}`, { token: ws.token })).body.trustedForwarders).toEqual([forwarder]);
    // Idempotent with the forwarder too: listed once.
    expect((await reattribute(ws, first.storedMessageId, { email: first.customer, trustForwarder: true })).body.trustedForwarders).toEqual([forwarder]);

    const next = await forwardFrom(ws, forwarder);
    expect((await read(ws, next.conversationId)).entries[0]).toMatchObject({ from: { email: next.customer }, attribution: { rule: 'inline-forward' }, forwardedBy: forwarder });
  });

  it('refuses what cannot be trusted: no forward, a forwarder failing authentication, a full list (409), and leaves the message as it was', async () => {
    const ws = await workspace();
    const direct = await deliver(eml({ from: 'Jane <jane@customer.example>', to: ws.address, subject: 'Hi' }), [ws.address]);
    const noForward = await reattribute(ws, String(direct.receipt!.messageId), { email: 'other@customer.example', trustForwarder: true });
    expect(noForward.status).toBe(409);
    expect(noForward.body.error.code).toBe('no_forwarder');

    // Its own mail failed authentication for its domain: trusting it would change nothing.
    const spoofed = await forwardFrom(ws, `${unique('helpdesk')}@partner.example`, undefined, { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
    const unauthenticated = await reattribute(ws, spoofed.storedMessageId, { email: spoofed.customer, trustForwarder: true });
    expect([unauthenticated.status, unauthenticated.body.error.code]).toEqual([409, 'forwarder_not_authenticated']);

    const full = Array.from({ length: 100 }, (_unused, index) => `f${index}@partner.example`);
    expect((await call(api, 'PUT', `/inboxes/${ws.inboxId}/trusted-forwarders`, { token: ws.token, body: { addresses: full } })).status).toBe(200);
    const forward = await forwardFrom(ws, `${unique('helpdesk')}@partner.example`);
    const refused = await reattribute(ws, forward.storedMessageId, { email: forward.customer, trustForwarder: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('trusted_forwarders_full');
    expect((await read(ws, forward.conversationId)).entries[0].correction).toBeNull();
  });
});
