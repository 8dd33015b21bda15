/**
 * `GET /inboxes/{id}/health` on the local stack: a known mix of mail delivered through the real inbound path
 * (stored, quarantined by several rules, a duplicate, a failure, a release) gives exactly these counts and
 * SPF/DKIM/DMARC pass rates; redeliveries count nothing; Gmail's confirmation shows its link only when it
 * passed DMARC.
 */
import { randomBytes } from 'node:crypto';
import { dynamo } from '../../functions/commons/clients';
import { handler } from '../../functions/inbound/handler';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';
import { refusingFirstTransaction } from '../support/faults';
import { deliver, directory, eml, SesVerdicts, storeRaw, uniqueId } from '../support/stack';

let api: TestApi;
let account: TestAccount;
let inbox: { inboxId: string; address: string };

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 2);
  inbox = { inboxId: uniqueId('inb_'), address: `help-${randomBytes(3).toString('hex')}@${account.subdomain}.inbox.example.com` };
  await directory().createInbox({ ...inbox, accountId: account.accountId, name: 'Help', forwardingAddress: inbox.address });
});
afterAll(() => api?.stop());

const health = (token = account.users[1].token) => call(api, 'GET', `/inboxes/${inbox.inboxId}/health`, { token });
const mail = (subject: string, extra: { from?: string; headers?: Record<string, string>; messageId?: string; text?: string } = {}) =>
  eml({ from: extra.from ?? 'Jane Customer <jane@customer.example>', to: inbox.address, subject, ...extra });
const send = (raw: string, verdicts?: SesVerdicts) => deliver(raw, [inbox.address], verdicts);
const confirmation = (code: string) =>
  mail(`(#${code}) Gmail Forwarding Confirmation - Receive Mail from jane.doe@gmail.com`, {
    from: 'Gmail Team <forwarding-noreply@google.com>',
    text: `Confirmation code: ${code}\r\n\r\nhttps://mail-settings.google.com/mail/vf-%5BANGjdJ9a%5D-${code}`,
  });

const rate = (judged: number, passed: number) => ({ judged, passed, passRate: judged ? Math.round((passed / judged) * 1000) / 1000 : null });

it('counts a known mix of mail per classification, with pass rates, and nothing twice on redelivery', async () => {
  const empty = await health();
  expect(empty.status).toBe(200);
  expect(empty.body).toMatchObject({ inboxId: inbox.inboxId, lastReceivedAt: null, forwardingConfirmation: null, last24Hours: { received: 0, stored: 0 }, last7Days: { received: 0 } });

  const all: SesVerdicts = { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' };
  const first = await send(mail('Order 1'), all);
  await send(mail('Order 2'), all);
  const duplicateId = `${uniqueId('dup')}@customer.example`;
  await send(mail('Order 3', { messageId: duplicateId }), { spf: 'FAIL', dkim: 'PASS', dmarc: 'FAIL' });
  await send(mail('Order 3', { messageId: duplicateId }), { spf: 'FAIL', dkim: 'PASS', dmarc: 'FAIL' }); // the same mail by a second path
  const autoReply = await send(mail('Away', { headers: { 'Auto-Submitted': 'auto-replied' } }));
  await send(mail('Away again', { headers: { 'X-Autoreply': 'yes' } }));
  await send(mail('Spam'), { spam: 'FAIL', spf: 'PASS' });
  await send(confirmation('583041967'), { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' });
  // A permanent store error for this inbox: recorded failed.
  const failing = await storeRaw(mail('Refused'), [inbox.address]);
  await refusingFirstTransaction(dynamo(), () => handler(failing.event));

  // Redeliveries of a stored, a quarantined and a failed message: their receipts exist, nothing is counted.
  await handler(first.event);
  await handler(autoReply.event);
  await handler(failing.event);

  // A release of the auto-reply counts as released (its arrival was counted when it came).
  const items = (await call(api, 'GET', `/inboxes/${inbox.inboxId}/quarantine`, { token: account.token })).body.items;
  const away = items.find((item: { subject: string }) => item.subject === 'Away');
  expect((await call(api, 'POST', `/inboxes/${inbox.inboxId}/quarantine/${away.itemId}/release`, { token: account.token })).body.outcome).toBe('stored');

  const reply = await health();
  expect(reply.status).toBe(200);
  const window = {
    received: 9,
    stored: 3,
    quarantined: 4,
    duplicate: 1,
    failed: 1,
    released: 1,
    quarantinedByRule: { 'auto-submitted': 1, 'gmail-forwarding-confirmation': 1, 'ses-spam-verdict': 1, 'x-autoreply': 1 },
    // Judged: the three stored, the spam and the confirmation (the duplicate is not a new message).
    authentication: { spf: rate(5, 4), dkim: rate(4, 4), dmarc: rate(4, 2) },
  };
  expect(reply.body.last24Hours).toEqual(window);
  expect(reply.body.last7Days).toEqual(window);
  expect(Date.now() - Date.parse(reply.body.lastReceivedAt)).toBeLessThan(60_000);
  // Gmail's confirmation failed DMARC: its code is shown, its link is not.
  expect(reply.body.forwardingConfirmation).toEqual({ code: '583041967', link: null, receivedAt: expect.any(String), authenticated: false, requestedBy: 'jane.doe@gmail.com' });

  // One that passed DMARC as Google's shows its link.
  await send(confirmation('772211009'), { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
  const after = await health();
  expect(after.body.forwardingConfirmation).toMatchObject({ code: '772211009', link: 'https://mail-settings.google.com/mail/vf-%5BANGjdJ9a%5D-772211009', authenticated: true });
  expect(after.body.last24Hours).toMatchObject({ received: 10, quarantined: 5, quarantinedByRule: { 'gmail-forwarding-confirmation': 2 } });
});

it('404 for an inbox of another account, byte-identical to one that does not exist', async () => {
  const other = await createTestAccount(api, 1);
  const [foreign, missing] = await Promise.all([health(other.token), call(api, 'GET', '/inboxes/inb_missing/health', { token: other.token })]);
  expect(foreign.status).toBe(404);
  expect(foreign.text).toBe(missing.text);
});
