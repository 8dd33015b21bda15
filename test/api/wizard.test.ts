/**
 * The "connect a team email" wizard through the HTTP layer, with real tokens, against the local stack:
 * draft → each step → connect → frozen forwarding address → mail to it lands in the inbox.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createTransport } from 'nodemailer';
import { config } from '../../functions/commons/env';
import { handler as inboundHandler } from '../../functions/inbound/handler';
import { SmtpInbound, startSmtpInbound } from '../../bin/local/smtp-inbound';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversations, deliver } from '../support/stack';

const NEW_INBOX = { name: 'Customer Support', channel: 'team-email', accountType: 'shared', provider: 'other' };

let api: TestApi;
let smtp: SmtpInbound;
beforeAll(async () => {
  api = await startTestApi();
  smtp = await startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler: inboundHandler });
});
afterAll(async () => {
  await smtp.stop();
  await api.stop();
});

async function draft(account: TestAccount, name = NEW_INBOX.name) {
  const created = await call(api, 'POST', '/inboxes', { token: account.token, body: { ...NEW_INBOX, name } });
  expect(created.status).toBe(201);
  return created.body;
}

describe('the wizard, end to end', () => {
  it('takes a draft through every step to connected, freezes the forwarding address, and routes mail to it', async () => {
    const account = await createTestAccount(api);
    const [agent, second, third] = account.users;
    const put = (path: string, body: unknown) => call(api, 'PUT', `/inboxes/${inbox.inboxId}${path}`, { token: agent.token, body });

    // 1. Create: a draft with a generated forwarding address under the account's subdomain.
    const inbox = await draft(account);
    expect(inbox).toMatchObject({ status: 'draft', channel: 'team-email', accountType: 'shared', provider: 'other', assignment: { mode: 'off' }, tickets: { enabled: false } });
    expect(inbox.forwardingAddress).toMatch(new RegExp(`^customer-support-[a-z0-9]{6}@${account.subdomain}\\.inbox\\.example\\.com$`));
    expect(inbox.setup).toEqual({ ready: false, missing: ['sender-name', 'sender-address'], forwardingAddressEditable: true });
    expect(inbox).not.toHaveProperty('claimedAddresses');

    // 2. Sender name, with the From header exactly as it will render.
    let step = await put('/sender-name', { mode: 'agent-and-company', companyName: 'Acme' });
    expect(step.status).toBe(200);
    expect(step.body.senderPreview).toBeUndefined(); // no address yet

    // 3. Sender address: the default one under the account's subdomain.
    step = await put('/sender-address', { mode: 'default', username: 'Help' });
    expect(step.status).toBe(200);
    const senderAddress = `help@${account.subdomain}.inbox.example.com`;
    expect(step.body.senderAddress).toEqual({ mode: 'default', username: 'help', address: senderAddress });
    expect(step.body.senderPreview).toEqual({ displayName: 'Agent 0 from Acme', header: `From: Agent 0 from Acme <${senderAddress}>`, canSend: true });
    // The preview is the caller's: another agent sees their own name.
    const seenBySecond = await call(api, 'GET', `/inboxes/${inbox.inboxId}`, { token: second.token });
    expect(seenBySecond.body.senderPreview.header).toBe(`From: Agent 1 from Acme <${senderAddress}>`);
    step = await put('/sender-name', { mode: 'company', companyName: 'Acme, Inc. "Support"' });
    expect(step.body.senderPreview.header).toBe(`From: "Acme, Inc. \\"Support\\"" <${senderAddress}>`);
    step = await put('/sender-name', { mode: 'company', companyName: 'Café Größe' });
    expect(step.body.senderPreview.header).toBe(`From: =?UTF-8?Q?Caf=C3=A9_Gr=C3=B6=C3=9Fe?= <${senderAddress}>`);
    expect(step.body.setup).toEqual({ ready: true, missing: [], forwardingAddressEditable: true });

    // 4. Auto-assignment: users and a team of this account.
    const team = await call(api, 'POST', '/teams', { token: agent.token, body: { name: 'Tier 2', memberIds: [third.userId] } });
    expect(team.status).toBe(201);
    step = await put('/assignment', { mode: 'specific', userIds: [agent.userId, second.userId], teamIds: [team.body.teamId] });
    expect(step.status).toBe(200);
    expect(step.body.assignment).toEqual({ mode: 'specific', userIds: [agent.userId, second.userId], teamIds: [team.body.teamId] });
    step = await put('/assignment', { mode: 'contact-owner', fallback: { teamIds: [team.body.teamId] } });
    expect(step.body.assignment).toEqual({ mode: 'contact-owner', fallback: { userIds: [], teamIds: [team.body.teamId] } });

    // 5. Tickets with a property template.
    const template = { name: '{{subject}} — {{contact.name}}', pipelineId: 'support', stageId: 'new', priority: 'high', owner: { type: 'assignee' } };
    step = await put('/tickets', { enabled: true, template });
    expect(step.status).toBe(200);
    expect(step.body.tickets).toEqual({ enabled: true, template });

    // 6. Forwarding address: customized while a draft; the generated one is released.
    step = await put('/forwarding-address', { localPart: 'Support.Team' });
    expect(step.status).toBe(200);
    const forwardingAddress = `support.team@${account.subdomain}.inbox.example.com`;
    expect(step.body.forwardingAddress).toBe(forwardingAddress);

    // Connect; the inbox shows in the channel list with the address to copy.
    const connected = await call(api, 'POST', `/inboxes/${inbox.inboxId}/connect`, { token: agent.token });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ status: 'connected', forwardingAddress, setup: { ready: true, missing: [], forwardingAddressEditable: false } });
    expect(typeof connected.body.connectedAt).toBe('string');
    const channels = await call(api, 'GET', '/channels', { token: second.token });
    expect(channels.body.channels).toEqual([{ inboxId: inbox.inboxId, name: 'Customer Support', forwardingAddress, senderAddress }]);

    // Frozen: any change of the forwarding address is refused, whatever it asks for.
    for (const body of [{ localPart: 'elsewhere' }, { localPart: 'support.team' }, { nonsense: true }]) {
      const refused = await put('/forwarding-address', body);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'forwarding_address_frozen' });
      expect(refused.body.error.message).toMatch(/cannot change after setup/);
    }
    // Other settings stay editable; connecting again changes nothing.
    expect((await put('/assignment', { mode: 'off' })).body.assignment).toEqual({ mode: 'off' });
    const again = await call(api, 'POST', `/inboxes/${inbox.inboxId}/connect`, { token: agent.token });
    expect(again.body.connectedAt).toBe(connected.body.connectedAt);

    // Mail to the forwarding address (through the local SMTP listener) lands in the inbox.
    const sent = await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'Rosa Diaz <rosa@customer.example>',
      to: forwardingAddress,
      subject: 'Order 1234 is late',
      text: 'Where is my order?',
    });
    expect(sent.response).toMatch(/^250 /);
    const listed = await conversations().inboxConversations(inbox.inboxId);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ subject: 'Order 1234 is late', contactEmail: 'rosa@customer.example', accountId: account.accountId });
    // The old generated address no longer routes anywhere.
    const stray = await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'rosa@customer.example',
      to: inbox.forwardingAddress,
      subject: 'to the old address',
      text: 'hello',
    });
    const strayReceipt = await conversations().receipt(`${config().mailBucket}/${config().rawMailPrefix}${stray.response.split(' ').pop()}`);
    expect(strayReceipt).toMatchObject({ outcome: 'unroutable' });
  });

  it('routes replies to the default sender address into the inbox, and releases it when the sender changes', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await draft(account);
    const put = (path: string, body: unknown) => call(api, 'PUT', `/inboxes/${inbox.inboxId}${path}`, { token: account.token, body });
    await put('/sender-address', { mode: 'default', username: 'hello' });
    const reply = async () => {
      const sent = await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
        from: 'customer@example.org',
        to: `hello@${account.subdomain}.inbox.example.com`,
        subject: 'Re: your answer',
        text: 'thanks',
      });
      return conversations().receipt(`${config().mailBucket}/${config().rawMailPrefix}${sent.response.split(' ').pop()}`);
    };
    expect(await reply()).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    await put('/sender-address', { mode: 'default', username: 'team' });
    expect(await reply()).toMatchObject({ outcome: 'unroutable' });
  });

  it('refuses an address another inbox already uses, and keeps the inbox as it was', async () => {
    const account = await createTestAccount(api, 1);
    const first = await draft(account, 'First');
    const second = await draft(account, 'Second');
    const taken = first.forwardingAddress.split('@')[0];
    const refused = await call(api, 'PUT', `/inboxes/${second.inboxId}/forwarding-address`, { token: account.token, body: { localPart: taken } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'address_taken' });
    expect(refused.body.error.message).toContain(first.forwardingAddress);
    const senderClash = await call(api, 'PUT', `/inboxes/${second.inboxId}/sender-address`, { token: account.token, body: { mode: 'default', username: taken } });
    expect(senderClash.status).toBe(409);
    const unchanged = await call(api, 'GET', `/inboxes/${second.inboxId}`, { token: account.token });
    expect(unchanged.body).toMatchObject({ forwardingAddress: second.forwardingAddress, version: second.version });
    expect(unchanged.body.senderAddress).toBeUndefined();
  });

  it('will not connect until the sender name and address are set', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await draft(account);
    const refused = await call(api, 'POST', `/inboxes/${inbox.inboxId}/connect`, { token: account.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'not_ready' });
    expect(refused.body.error.message).toMatch(/sender name.*sender address/);
    const channels = await call(api, 'GET', '/channels', { token: account.token });
    expect(channels.body.channels).toEqual([]);
  });
});

describe("Gmail's forwarding confirmation", () => {
  const confirmation = readFileSync(join(__dirname, '..', 'fixtures', 'inbound', 'gmail-forwarding-confirmation-en.eml'));

  async function connectedInbox() {
    const account = await createTestAccount(api, 1);
    const inbox = await draft(account);
    const put = (path: string, body: unknown) => call(api, 'PUT', `/inboxes/${inbox.inboxId}${path}`, { token: account.token, body });
    await put('/sender-name', { mode: 'company', companyName: 'Acme' });
    await put('/sender-address', { mode: 'default', username: 'help' });
    await call(api, 'POST', `/inboxes/${inbox.inboxId}/connect`, { token: account.token });
    return { account, inbox };
  }

  it('shows the code captured by the inbound pipeline, and the link only when the mail authenticated as Google', async () => {
    const genuine = await connectedInbox();
    await deliver(confirmation, [genuine.inbox.forwardingAddress], { spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    const [shown] = (await call(api, 'GET', '/channels', { token: genuine.account.token })).body.channels;
    expect(shown.forwardingConfirmation).toMatchObject({ code: expect.stringMatching(/^\d{6,}$/), link: expect.stringMatching(/^https:\/\/mail(-settings)?\.google\.com\/.*vf-/), authenticated: true });

    const forged = await connectedInbox();
    await deliver(confirmation, [forged.inbox.forwardingAddress], { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
    const [suspicious] = (await call(api, 'GET', '/channels', { token: forged.account.token })).body.channels;
    expect(suspicious.forwardingConfirmation).toMatchObject({ code: shown.forwardingConfirmation.code, link: null, authenticated: false });
  });
});

describe('every step validates its input', () => {
  let account: TestAccount;
  let inboxId: string;
  beforeAll(async () => {
    account = await createTestAccount(api, 2);
    inboxId = (await draft(account)).inboxId;
  });

  const cases: Array<[title: string, method: string, path: string, body: unknown, field: string, rule: string]> = [
    ['an unknown field on create', 'POST', '/inboxes', { ...NEW_INBOX, color: 'red' }, 'color', 'unknown_field'],
    ['a channel other than team email', 'POST', '/inboxes', { ...NEW_INBOX, channel: 'chat' }, 'channel', 'invalid_value'],
    ['a provider other than "other account"', 'POST', '/inboxes', { ...NEW_INBOX, provider: 'gmail' }, 'provider', 'invalid_value'],
    ['a missing name', 'POST', '/inboxes', { channel: 'team-email', accountType: 'shared', provider: 'other' }, 'name', 'required'],
    ['CR/LF in the company name (header injection)', 'PUT', '/sender-name', { mode: 'company', companyName: 'Acme\r\nBcc: victim@example.org' }, 'companyName', 'no_control_characters'],
    ['a control character in the company name', 'PUT', '/sender-name', { mode: 'company', companyName: 'Acme\u0007' }, 'companyName', 'no_control_characters'],
    ['a bidi override in the company name', 'PUT', '/sender-name', { mode: 'company', companyName: 'Acme \u202egnp.exe' }, 'companyName', 'no_control_characters'],
    ['a zero-width space in the company name', 'PUT', '/sender-name', { mode: 'company', companyName: 'Pay\u200bPal' }, 'companyName', 'no_control_characters'],
    ['an empty company name', 'PUT', '/sender-name', { mode: 'company', companyName: '   ' }, 'companyName', 'too_small'],
    ['an unknown sender name mode', 'PUT', '/sender-name', { mode: 'agent', companyName: 'Acme' }, 'mode', 'invalid_value'],
    ['an unknown field in the sender name', 'PUT', '/sender-name', { mode: 'company', companyName: 'Acme', agentName: 'x' }, 'agentName', 'unknown_field'],
    ['a username with "+"', 'PUT', '/sender-address', { mode: 'default', username: 'help+x' }, 'username', 'invalid_local_part'],
    ['a custom address that is not an address', 'PUT', '/sender-address', { mode: 'custom', address: 'support at acme' }, 'address', 'invalid_format'],
    ['a custom address under the inbox domain', 'PUT', '/sender-address', { mode: 'custom', address: 'x@other.inbox.example.com' }, 'address', 'hosted_domain'],
    ['an unknown sender address mode', 'PUT', '/sender-address', { mode: 'smtp', address: 'a@b.example' }, 'mode', 'invalid_union'],
    ['specific assignment to nobody', 'PUT', '/assignment', { mode: 'specific', userIds: [], teamIds: [] }, '(body)', 'empty_targets'],
    ['assignment to a user that does not exist', 'PUT', '/assignment', { mode: 'specific', userIds: ['usr_nobody'] }, 'userIds.0', 'unknown_user'],
    ['a fallback team that does not exist', 'PUT', '/assignment', { mode: 'contact-owner', fallback: { teamIds: ['team_nothing'] } }, 'fallback.teamIds.0', 'unknown_team'],
    ['a repeated user', 'PUT', '/assignment', { mode: 'specific', userIds: ['usr_a', 'usr_a'] }, 'userIds', 'duplicate'],
    ['an unknown template placeholder', 'PUT', '/tickets', { enabled: true, template: { name: '{{subjet}}', pipelineId: 'support', stageId: 'new', priority: 'low', owner: { type: 'assignee' } } }, 'template.name', 'invalid_template'],
    ['an unbalanced template', 'PUT', '/tickets', { enabled: true, template: { name: '{{subject}', pipelineId: 'support', stageId: 'new', priority: 'low', owner: { type: 'assignee' } } }, 'template.name', 'invalid_template'],
    ['an unknown pipeline', 'PUT', '/tickets', { enabled: true, template: { name: 'x', pipelineId: 'sales', stageId: 'new', priority: 'low', owner: { type: 'assignee' } } }, 'template.pipelineId', 'unknown_pipeline'],
    ['a stage of no such pipeline', 'PUT', '/tickets', { enabled: true, template: { name: 'x', pipelineId: 'support', stageId: 'won', priority: 'low', owner: { type: 'assignee' } } }, 'template.stageId', 'unknown_stage'],
    ['an unknown priority', 'PUT', '/tickets', { enabled: true, template: { name: 'x', pipelineId: 'support', stageId: 'new', priority: 'asap', owner: { type: 'assignee' } } }, 'template.priority', 'invalid_value'],
    ['an owner who is not a user', 'PUT', '/tickets', { enabled: true, template: { name: 'x', pipelineId: 'support', stageId: 'new', priority: 'low', owner: { type: 'user', userId: 'usr_ghost' } } }, 'template.owner.userId', 'unknown_user'],
    ['tickets on without a template', 'PUT', '/tickets', { enabled: true }, 'template', 'required'],
    ['a reserved forwarding name', 'PUT', '/forwarding-address', { localPart: 'postmaster' }, 'localPart', 'reserved_name'],
    ['mailer-daemon as forwarding name', 'PUT', '/forwarding-address', { localPart: 'MAILER-DAEMON' }, 'localPart', 'reserved_name'],
    ['an invalid forwarding local part', 'PUT', '/forwarding-address', { localPart: 'a..b' }, 'localPart', 'invalid_local_part'],
    ['a forwarding local part with a space', 'PUT', '/forwarding-address', { localPart: 'sales team' }, 'localPart', 'invalid_local_part'],
    ['a full address instead of a local part', 'PUT', '/forwarding-address', { address: 'x@y.example' }, 'address', 'unknown_field'],
  ];

  it.each(cases)('refuses %s with 400 naming the field and rule', async (_title, method, path, body, field, rule) => {
    const url = method === 'POST' && path === '/inboxes' ? path : `/inboxes/${inboxId}${path}`;
    const refused = await call(api, method, url, { token: account.token, body });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    expect(refused.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
  });

  it('refuses a body that is not JSON, and a missing body', async () => {
    const bad = await call(api, 'PUT', `/inboxes/${inboxId}/sender-name`, { token: account.token, rawBody: '{"mode":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ field: '(body)', rule: 'invalid_json' })]);
    const missing = await call(api, 'PUT', `/inboxes/${inboxId}/sender-name`, { token: account.token });
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues).toEqual([expect.objectContaining({ field: '(body)', rule: 'required' })]);
  });

  it('changed nothing while refusing', async () => {
    const inbox = await call(api, 'GET', `/inboxes/${inboxId}`, { token: account.token });
    expect(inbox.body).toMatchObject({ version: 1, assignment: { mode: 'off' }, tickets: { enabled: false } });
    expect(inbox.body.senderName).toBeUndefined();
  });
});

describe('tenancy', () => {
  it("shows another account's inboxes to nobody: every route answers as if they did not exist", async () => {
    const owner = await createTestAccount(api, 1);
    const stranger = await createTestAccount(api, 1);
    const inbox = await draft(owner);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', ''],
      ['PUT', '/sender-name', { mode: 'company', companyName: 'Evil' }],
      ['PUT', '/sender-address', { mode: 'default', username: 'evil' }],
      ['POST', '/sender-address/verification'],
      ['PUT', '/assignment', { mode: 'off' }],
      ['PUT', '/tickets', { enabled: false }],
      ['PUT', '/forwarding-address', { localPart: 'evil' }],
      ['POST', '/connect'],
    ];
    for (const [method, path, body] of routes) {
      const foreign = await call(api, method, `/inboxes/${inbox.inboxId}${path}`, { token: stranger.token, body });
      const missing = await call(api, method, `/inboxes/inb_doesnotexist${path}`, { token: stranger.token, body });
      expect([method, path, foreign.status]).toEqual([method, path, 404]);
      expect(foreign.body).toEqual(missing.body);
    }
    expect((await call(api, 'GET', '/inboxes', { token: stranger.token })).body.inboxes).toEqual([]);
    const mine = await call(api, 'GET', `/inboxes/${inbox.inboxId}`, { token: owner.token });
    expect(mine.body).toMatchObject({ version: 1, status: 'draft' });
    expect(mine.body.senderName).toBeUndefined();
  });

  it("refuses another account's users and teams as assignment targets", async () => {
    const owner = await createTestAccount(api, 1);
    const stranger = await createTestAccount(api, 1);
    const inbox = await draft(owner);
    const strangersTeam = await call(api, 'POST', '/teams', { token: stranger.token, body: { name: 'Theirs', memberIds: [stranger.users[0].userId] } });
    const refused = await call(api, 'PUT', `/inboxes/${inbox.inboxId}/assignment`, {
      token: owner.token,
      body: { mode: 'specific', userIds: [stranger.users[0].userId], teamIds: [strangersTeam.body.teamId] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.issues).toEqual([
      expect.objectContaining({ field: 'userIds.0', rule: 'unknown_user' }),
      expect.objectContaining({ field: 'teamIds.0', rule: 'unknown_team' }),
    ]);
  });
});
