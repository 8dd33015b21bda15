/**
 * From-address verification through the HTTP layer: the email is read back from aws-ses-v2-local, its link
 * is followed like a person would (GET shows a button, POST verifies), and every bad token changes nothing.
 */
import { request as httpRequest } from 'node:http';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { MessageRejected, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { dynamo, ses } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { keys } from '../../functions/adapters/keys';
import { hashToken } from '../../functions/inboxes/verification';
import { call, createTestAccount, sentTo, startTestApi, TestAccount, TestApi } from '../support/api';
import { uniqueId } from '../support/stack';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.stop());

/** A draft inbox with a name and a custom sender address, ready to verify. */
async function inboxWithCustomSender(account: TestAccount, address = `${uniqueId('team-')}@acme.example`) {
  const created = await call(api, 'POST', '/inboxes', { token: account.token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  const inboxId = created.body.inboxId as string;
  await call(api, 'PUT', `/inboxes/${inboxId}/sender-name`, { token: account.token, body: { mode: 'company', companyName: 'Acme' } });
  const set = await call(api, 'PUT', `/inboxes/${inboxId}/sender-address`, { token: account.token, body: { mode: 'custom', address } });
  expect(set.body.senderAddress).toEqual({ mode: 'custom', address, verified: false });
  return { inboxId, address };
}

const requestEmail = (account: TestAccount, inboxId: string) => call(api, 'POST', `/inboxes/${inboxId}/sender-address/verification`, { token: account.token });

/** The link of the newest verification email to `address`. */
async function linkSentTo(address: string): Promise<URL> {
  const emails = await sentTo(address);
  expect(emails.length).toBeGreaterThan(0);
  const text = emails[emails.length - 1].body.text ?? '';
  return new URL(text.match(/https?:\/\/\S+\/verify\?token=\S+/)![0]);
}

const tokenOf = (link: URL) => link.searchParams.get('token')!;
const confirm = (token: string) => call(api, 'POST', '/verify', { rawBody: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const inboxOf = (account: TestAccount, inboxId: string) => call(api, 'GET', `/inboxes/${inboxId}`, { token: account.token });

/** Moves the clock of stored records back, as if time had passed. */
async function age(key: { pk: string; sk: string }, fields: Record<string, number>) {
  const names = Object.keys(fields);
  await dynamo().send(
    new UpdateCommand({
      TableName: config().tables.inboxes,
      Key: key,
      UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name) => [`:${name}`, fields[name]])),
    }),
  );
}
const now = () => Math.floor(Date.now() / 1000);

describe('verifying a custom sender address', () => {
  it('emails a link; following it and confirming verifies the address once, and the wizard shows it at once', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    const blocked = await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token: account.token });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toMatch(/verify the sender address/);

    // Not the team's own address (its forwards trusted) until verified.
    expect((await inboxOf(account, inboxId)).body.teamAddresses).toEqual([]);
    const requested = await requestEmail(account, inboxId);
    expect(requested.status).toBe(202);
    expect(requested.body.senderAddress).toMatchObject({ address, verified: false, verificationSentAt: expect.any(String) });
    expect(requested.body.senderAddress).not.toHaveProperty('pendingTokenHash');

    const [email] = await sentTo(address);
    expect(email.from).toContain('no-reply@inbox.example.com');
    expect(email.subject).toBe(`Verify ${address} for your shared inbox`);
    const link = await linkSentTo(address);
    expect(link.origin).toBe(api.url);
    expect(tokenOf(link)).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
    // Only the hash is stored.
    const stored = await dynamo().send(new UpdateCommand({ TableName: config().tables.inboxes, Key: keys.verification(tokenOf(link)), UpdateExpression: 'SET probe = :p', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':p': 1 } })).catch((error) => error);
    expect((stored as Error).name).toBe('ConditionalCheckFailedException');

    // Opening the link (what a mail scanner also does) shows a button and changes nothing.
    const opened = await call(api, 'GET', `${link.pathname}${link.search}`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toMatch(/text\/html/);
    expect(opened.headers.get('referrer-policy')).toBe('no-referrer');
    expect(opened.text).toContain(`Verify ${address}`);
    expect(opened.text).toMatch(/<form method="post" action="verify">/);
    expect((await inboxOf(account, inboxId)).body.senderAddress.verified).toBe(false);

    // Submitting the form verifies it.
    const confirmed = await confirm(tokenOf(link));
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toContain(`${address} is verified`);
    const after = await inboxOf(account, inboxId);
    expect(after.body.senderAddress).toMatchObject({ mode: 'custom', address, verified: true, verifiedAt: expect.any(String) });
    expect(after.body.senderPreview).toMatchObject({ header: `From: Acme <${address}>`, canSend: true });
    expect(after.body.setup).toMatchObject({ ready: true, missing: [] });
    expect(after.body.teamAddresses).toEqual([address]);

    // Once only.
    const reused = await confirm(tokenOf(link));
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('already used');
    const json = await call(api, 'GET', `/verify?token=${tokenOf(link)}`, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(410);
    expect(json.body).toMatchObject({ status: 'used', title: 'This link was already used' });
    // A verified address needs no more emails; the inbox connects.
    expect((await requestEmail(account, inboxId)).body.error).toMatchObject({ code: 'already_verified' });
    expect((await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token: account.token })).body.status).toBe('connected');
  });

  it('builds the link from the API\'s own address, never from a Host header the caller sends', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    // fetch always sends the real Host; a raw request can lie.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${api.url}/inboxes/${inboxId}/sender-address/verification`, {
        method: 'POST',
        headers: { host: 'evil.example', authorization: `Bearer ${account.token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
      });
      request.on('response', (response) => resolve(response.resume().statusCode ?? 0)).on('error', reject).end();
    });
    expect(status).toBe(202);
    const link = await linkSentTo(address);
    expect(link.origin).toBe(api.url);
    const [email] = await sentTo(address);
    expect(`${email.body.text}${email.body.html}`).not.toContain('evil.example');
  });

  it('refuses unknown and tampered tokens and changes nothing', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    await requestEmail(account, inboxId);
    const token = tokenOf(await linkSentTo(address));
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [tampered, 'not-a-token', '', `${token}x`]) {
      const refused = await confirm(bad);
      expect([bad, refused.status]).toEqual([bad, 404]);
      expect(refused.text).toContain('This link is not valid');
    }
    const json = await call(api, 'POST', '/verify', { body: { token: tampered }, headers: { accept: 'application/json' } });
    expect(json.body).toMatchObject({ status: 'invalid' });
    expect((await inboxOf(account, inboxId)).body.senderAddress.verified).toBe(false);
    // The real token still works afterwards.
    expect((await confirm(token)).status).toBe(200);
  });

  it('refuses an expired token (24 hours) and changes nothing', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    await requestEmail(account, inboxId);
    const token = tokenOf(await linkSentTo(address));
    await age(keys.verification(hashToken(token)), { expiresAt: now() - 1 });
    const opened = await call(api, 'GET', `/verify?token=${token}`);
    expect(opened.status).toBe(410);
    expect(opened.text).toContain('This link has expired');
    expect(opened.text).not.toContain('<form');
    expect((await confirm(token)).status).toBe(410);
    expect((await inboxOf(account, inboxId)).body.senderAddress.verified).toBe(false);
  });

  it('rate-limits emails per address, and only the newest link works', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    expect((await requestEmail(account, inboxId)).status).toBe(202);
    const first = tokenOf(await linkSentTo(address));

    const tooSoon = await requestEmail(account, inboxId);
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(tooSoon.body.error.message).toMatch(/just sent/);
    expect(await sentTo(address)).toHaveLength(1);

    // A minute later, a new email; the first link is superseded.
    await age(keys.verificationSends(account.accountId, address), { lastSentAt: now() - 61 });
    expect((await requestEmail(account, inboxId)).status).toBe(202);
    const second = tokenOf(await linkSentTo(address));
    expect(second).not.toBe(first);
    const old = await confirm(first);
    expect(old.status).toBe(410);
    expect(old.text).toContain('This link was replaced');

    // Five a day per address for the account, whichever of its inboxes asks.
    await age(keys.verificationSends(account.accountId, address), { lastSentAt: now() - 61, count: 5 });
    const sameAccount = await inboxWithCustomSender(account, address);
    const daily = await requestEmail(account, sameAccount.inboxId);
    expect(daily.status).toBe(429);
    expect(daily.body.error.message).toMatch(/5 verification emails/);
    expect(Number(daily.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(await sentTo(address)).toHaveLength(2);
    // Another account is not blocked by this one's requests (no tenant can lock another out of verifying).
    const other = await createTestAccount(api, 1);
    const elsewhere = await inboxWithCustomSender(other, address);
    expect((await requestEmail(other, elsewhere.inboxId)).status).toBe(202);
    expect(await sentTo(address)).toHaveLength(3);

    expect((await confirm(second)).status).toBe(200);
  });

  it('counts an address once whatever +tag it is written with (one mailbox, one limit)', async () => {
    const account = await createTestAccount(api, 1);
    const local = uniqueId('victim-');
    const first = await inboxWithCustomSender(account, `${local}+a@acme.example`);
    expect((await requestEmail(account, first.inboxId)).status).toBe(202);
    const second = await inboxWithCustomSender(account, `${local}+b@acme.example`);
    const tooSoon = await requestEmail(account, second.inboxId);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body.error.message).toMatch(/just sent/);
  });

  it('a link stops working when the sender address changes', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    await requestEmail(account, inboxId);
    const token = tokenOf(await linkSentTo(address));
    await call(api, 'PUT', `/inboxes/${inboxId}/sender-address`, { token: account.token, body: { mode: 'custom', address: `${uniqueId('other-')}@acme.example` } });
    expect((await confirm(token)).status).toBe(410);
    const inbox = await inboxOf(account, inboxId);
    expect(inbox.body.senderAddress.verified).toBe(false);
  });

  it('has nothing to verify for a default address', async () => {
    const account = await createTestAccount(api, 1);
    const created = await call(api, 'POST', '/inboxes', { token: account.token, body: { name: 'S', channel: 'team-email', accountType: 'shared', provider: 'other' } });
    await call(api, 'PUT', `/inboxes/${created.body.inboxId}/sender-address`, { token: account.token, body: { mode: 'default', username: 'hi' } });
    const refused = await requestEmail(account, created.body.inboxId);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('nothing_to_verify');
  });
});

describe('when SES will not send (the sandbox)', () => {
  /** What SES v2 answers in the sandbox for an unverified recipient, injected into the real client as a fault. */
  async function withSesAnswering<T>(error: Error, run: () => Promise<T>): Promise<T> {
    const fault = () => async () => {
      throw error;
    };
    ses().middlewareStack.add(fault as never, { step: 'initialize', name: 'sesFault' });
    try {
      return await run();
    } finally {
      ses().middlewareStack.remove('sesFault');
    }
  }

  it('answers 409 email_not_sendable (not a 5xx: nothing is broken), naming the sandbox', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId, address } = await inboxWithCustomSender(account);
    const rejected = new MessageRejected({ message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${address}`, $metadata: {} });
    const refused = await withSesAnswering(rejected, () => requestEmail(account, inboxId));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('email_not_sendable');
    expect(refused.body.error.message).toContain('sandbox');
    expect(await sentTo(address)).toEqual([]);
  });

  it('an outage of SES (throttling) is still a 502: it may pass', async () => {
    const account = await createTestAccount(api, 1);
    const { inboxId } = await inboxWithCustomSender(account);
    const throttled = new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    const failed = await withSesAnswering(throttled, () => requestEmail(account, inboxId));
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('email_not_sent');
  });
});
