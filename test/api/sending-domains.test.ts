/**
 * Connected sending domains through the local HTTP API, with the local identity adapter the local stack
 * selects (SES local has no identity API) and `hosted-inbox mark-domain-verified` run as a developer would.
 */
import { call, createTestAccount, Reply, sentTo, startTestApi, TestAccount, TestApi } from '../support/api';
import { runCli } from '../support/cli';
import { uniqueId } from '../support/stack';

let api: TestApi;
let account: TestAccount;
let other: TestAccount;
beforeAll(async () => {
  api = await startTestApi();
  [account, other] = await Promise.all([createTestAccount(api, 2), createTestAccount(api, 1)]);
});
afterAll(() => api?.stop());

/** Each run starts a Node process that compiles the CLI: slow on a loaded machine (a limit, not a timing). */
const CLI_TIMEOUT = 120_000;
const markVerified = (domain: string) => runCli(['mark-domain-verified', domain]);
const connect = (body: unknown, token = account.token) => call(api, 'POST', '/sending-domains', { token, body });
const getDomain = (domain: string, token = account.token) => call(api, 'GET', `/sending-domains/${domain}`, { token });

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

async function newInbox(owner: TestAccount) {
  const reply = await call(api, 'POST', '/inboxes', { token: owner.token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  expect(reply.status).toBe(201);
  return reply.body.inboxId as string;
}
const setCustomSender = (inboxId: string, address: string, owner = account) =>
  call(api, 'PUT', `/inboxes/${inboxId}/sender-address`, { token: owner.token, body: { mode: 'custom', address } });

it('an admin connects a domain: 201 with the three DKIM CNAMEs and the recommended SPF and DMARC records, pending', async () => {
  const domain = `${uniqueId('acme')}.example`;
  const reply = await connect({ domain: ` ${domain.toUpperCase()} ` });
  expect(reply.status).toBe(201);
  const { dkimTokens } = reply.body;
  expect(dkimTokens).toHaveLength(3);
  expect(reply.body).toEqual({
    domain,
    accountId: account.accountId,
    status: 'pending',
    dkimTokens: expect.any(Array),
    createdAt: expect.any(String),
    records: [
      ...dkimTokens.map((token: string) => ({ purpose: 'dkim', type: 'CNAME', name: `${token}._domainkey.${domain}`, value: `${token}.dkim.amazonses.com`, required: true })),
      { purpose: 'spf', type: 'TXT', name: domain, value: '"v=spf1 include:amazonses.com ~all"', required: false },
      { purpose: 'dmarc', type: 'TXT', name: `_dmarc.${domain}`, value: '"v=DMARC1; p=none;"', required: false },
    ],
  });
  // Connecting it again changes nothing: the same identity and records, 200.
  const again = await connect({ domain });
  expect(again.status).toBe(200);
  expect(again.body).toEqual(reply.body);
  // Agents read them.
  const listed = await call(api, 'GET', '/sending-domains', { token: account.users[1].token });
  expect(listed.status).toBe(200);
  expect(listed.body.domains).toContainEqual(reply.body);
  expect((await getDomain(domain, account.users[1].token)).body).toEqual(reply.body);
});

it('another account cannot claim a connected domain (409), nor read it (404); an agent cannot connect one (403)', async () => {
  const domain = `${uniqueId('taken')}.example`;
  expect((await connect({ domain })).status).toBe(201);
  const claimed = await connect({ domain }, other.token);
  expect(claimed.status).toBe(409);
  expect(claimed.body.error.code).toBe('domain_taken');
  expect((await call(api, 'GET', '/sending-domains', { token: other.token })).body).toEqual({ domains: [] });
  const foreign = await getDomain(domain, other.token);
  expect(foreign.status).toBe(404);
  expect(foreign.body).toEqual({ error: { code: 'not_found', message: 'sending domain not found' } });
  expect((await getDomain(`${uniqueId('nobody')}.example`)).body).toEqual(foreign.body);

  const byAgent = await connect({ domain: `${uniqueId('agent')}.example` }, account.users[1].token);
  expect(byAgent.status).toBe(403);
});

it.each([
  ['no domain', {}, ['domain:required']],
  ['an email address', { domain: 'help@acme.example' }, ['domain:invalid_format']],
  ['a single label', { domain: 'localhost' }, ['domain:invalid_format']],
  ['a trailing dot', { domain: 'acme.example.' }, ['domain:invalid_format']],
  ['a domain of 254 characters', { domain: `${'a.'.repeat(125)}acme` }, ['domain:too_big']],
  ['our own inbox domain', { domain: 'inbox.example.com' }, ['domain:hosted_domain']],
  ["an account's hosted subdomain", { domain: 'acme.inbox.example.com' }, ['domain:hosted_domain']],
  ['an unknown field', { domain: 'acme.example', dkim: false }, ['dkim:unknown_field']],
])('refuses %s: 400 naming the field', async (_what, body, expected) => {
  expect(issuesOf(await connect(body))).toEqual(expected);
});

it('once marked verified, any address on the domain is a custom sender address without a verification email; not for other accounts', async () => {
  const domain = `${uniqueId('verified')}.example`;
  expect((await connect({ domain })).status).toBe(201);
  const inboxId = await newInbox(account);

  // Pending: the address still needs its emailed link.
  const pending = await setCustomSender(inboxId, `help@${domain}`);
  expect(pending.status).toBe(200);
  expect(pending.body.senderAddress).toEqual({ mode: 'custom', address: `help@${domain}`, verified: false });
  expect(pending.body.setup.missing).toContain('sender-address-verification');

  const marked = await markVerified(domain.toUpperCase());
  expect(marked.stderr).toBe('');
  expect(marked.code).toBe(0);

  // The wizard asks the identity again while the stored status is pending: no GET needed first.
  const sales = await setCustomSender(inboxId, `sales@${domain}`);
  expect(sales.status).toBe(200);
  expect(sales.body.senderAddress).toEqual({ mode: 'custom', address: `sales@${domain}`, verified: true, verifiedAt: expect.any(String) });
  expect(sales.body.setup.missing).not.toContain('sender-address-verification');
  expect(sales.body.teamAddresses).toEqual([`sales@${domain}`]);
  expect(await sentTo(`sales@${domain}`)).toEqual([]);
  // The address pending before is verified too when saved again.
  expect((await setCustomSender(inboxId, `help@${domain}`)).body.senderAddress.verified).toBe(true);

  const shown = await getDomain(domain);
  expect(shown.body).toMatchObject({ domain, status: 'verified', verifiedAt: expect.any(String) });

  // Another account's inbox gets no verification from this account's domain.
  const otherInbox = await newInbox(other);
  expect((await setCustomSender(otherInbox, `ceo@${domain}`, other)).body.senderAddress).toEqual({ mode: 'custom', address: `ceo@${domain}`, verified: false });
}, CLI_TIMEOUT);

it('mark-domain-verified fails with exit 1 for a domain nobody connected, and 2 without a domain', async () => {
  const unknown = await markVerified(`${uniqueId('unknown')}.example`);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('no account connected');
  expect((await markVerified('')).code).toBe(2);
}, CLI_TIMEOUT);
