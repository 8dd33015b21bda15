/**
 * Trusted forwarders: set through the HTTP API, then proven by mail delivered as SES would after the change.
 * A manual forward names its inner sender only when the forwarder is trusted at the time the mail arrives.
 */
import { randomBytes } from 'node:crypto';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';
import { conversations, deliver, directory, eml, uniqueId } from '../support/stack';

let api: TestApi;
let account: TestAccount;
let inbox: { inboxId: string; address: string };

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 2);
  inbox = { inboxId: uniqueId('inb_'), address: `support-${randomBytes(3).toString('hex')}@${account.subdomain}.inbox.example.com` };
  await directory().createInbox({ ...inbox, accountId: account.accountId, name: 'Support', forwardingAddress: inbox.address });
});
afterAll(() => api?.stop());

const put = (body: unknown, token = account.token) => call(api, 'PUT', `/inboxes/${inbox.inboxId}/trusted-forwarders`, { token, body });

/** A colleague's manual forward of a customer's mail, authenticated for its domain (DMARC pass). */
async function forwardFrom(forwarder: string) {
  const customer = `customer-${randomBytes(3).toString('hex')}@customer.example`;
  const text = ['FYI', '', '---------- Forwarded message ---------', `From: Original Customer <${customer}>`, 'Date: Mon, 2 Nov 2026 10:00', 'Subject: Order 42', '', 'Where is my order?'].join('\r\n');
  const { receipt } = await deliver(eml({ from: `Colleague <${forwarder}>`, to: inbox.address, subject: 'Fwd: Order 42', text }), [inbox.address], { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
  const [message] = await conversations().messages(String(receipt!.conversationId));
  return { customer, message };
}

it('a forward from a newly trusted forwarder is attributed to the inner sender; after removal, to the forwarder', async () => {
  const forwarder = `helpdesk-${randomBytes(3).toString('hex')}@partner.example`;
  const before = await forwardFrom(forwarder);
  expect(before.message).toMatchObject({ from: { email: forwarder }, attribution: { rule: 'untrusted-forwarder' } });

  const set = await put({ addresses: [forwarder.toUpperCase(), 'other@partner.example'] });
  expect(set.status).toBe(200);
  expect(set.body).toMatchObject({ trustedForwarders: [forwarder, 'other@partner.example'], membersTrusted: true });

  const trusted = await forwardFrom(forwarder);
  expect(trusted.message).toMatchObject({ from: { email: trusted.customer }, attribution: { rule: 'inline-forward' }, forwardedBy: forwarder });

  expect((await put({ addresses: ['other@partner.example'] })).body.trustedForwarders).toEqual(['other@partner.example']);
  const removed = await forwardFrom(forwarder);
  expect(removed.message).toMatchObject({ from: { email: forwarder }, attribution: { rule: 'untrusted-forwarder' }, forwardedBy: null });
  // Mail attributed while trusted keeps its attribution.
  expect((await conversations().messages(String(trusted.message.conversationId)))[0]).toMatchObject({ from: { email: trusted.customer } });
});

it('the "members are trusted" switch: on by default, off makes a user’s forward untrusted', async () => {
  const member = account.users[1].email;
  expect((await call(api, 'GET', `/inboxes/${inbox.inboxId}`, { token: account.token })).body.membersTrusted).toBe(true);
  expect((await forwardFrom(member)).message).toMatchObject({ attribution: { rule: 'inline-forward' }, forwardedBy: member });

  expect((await put({ addresses: [], membersTrusted: false })).body.membersTrusted).toBe(false);
  const off = await forwardFrom(member);
  expect(off.message).toMatchObject({ from: { email: member }, attribution: { rule: 'untrusted-forwarder' } });

  // Listed explicitly, a member is trusted even with the switch off.
  await put({ addresses: [member], membersTrusted: false });
  expect((await forwardFrom(member)).message).toMatchObject({ attribution: { rule: 'inline-forward' }, forwardedBy: member });
  expect((await put({ addresses: [] })).body.membersTrusted).toBe(true);
});

describe('validation', () => {
  const issues = async (body: unknown) => {
    const reply = await put(body);
    expect(reply.status).toBe(400);
    return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
  };

  it('names the field and the rule', async () => {
    expect(await issues({ addresses: ['not an address'] })).toEqual(['addresses.0:invalid_format']);
    expect(await issues({ addresses: ['a@partner.example', 'A@partner.example'] })).toEqual(['addresses:duplicate']);
    expect(await issues({ addresses: Array.from({ length: 101 }, (_unused, index) => `f${index}@partner.example`) })).toEqual(['addresses:too_big']);
    expect(await issues({ addresses: ['support@x.inbox.example.com'] })).toEqual(['addresses.0:hosted_domain']);
    expect(await issues({ addresses: [], membersTrusted: 'yes' })).toEqual(['membersTrusted:invalid_type']);
    expect(await issues({})).toEqual(['addresses:required']);
    expect(await issues({ addresses: [], extra: 1 })).toEqual(['extra:unknown_field']);
  });

  it('takes exactly 100 addresses', async () => {
    const reply = await put({ addresses: Array.from({ length: 100 }, (_unused, index) => `f${index}@partner.example`) });
    expect(reply.status).toBe(200);
    expect(reply.body.trustedForwarders).toHaveLength(100);
    await put({ addresses: [] });
  });

  it('another account’s inbox is 404; an agent is 403', async () => {
    const other = await createTestAccount(api, 1);
    expect((await put({ addresses: [] }, other.token)).status).toBe(404);
    expect((await put({ addresses: [] }, account.users[1].token)).status).toBe(403);
  });
});
