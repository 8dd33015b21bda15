/**
 * Replying by email through the local HTTP API, end to end: the reply is read back from aws-ses-v2-local's
 * store, the customer's answer is built from it as a mail client would (To the Reply-To, In-Reply-To the id
 * SES gave in its threading form) and sent to the SMTP listener, and it lands in the same conversation.
 */
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { createTransport } from 'nodemailer';
import { simpleParser } from 'mailparser';
import { s3, ses } from '../../functions/commons/clients';
import { withMiddleware } from '../support/faults';
import { config } from '../../functions/commons/env';
import { handler as inboundHandler } from '../../functions/inbound/handler';
import { startSmtpInbound, SmtpInbound } from '../../bin/local/smtp-inbound';
import { call, createTestAccount, Reply, startTestApi, TestAccount, TestApi } from '../support/api';
import { conversations, deliver, eml, uniqueId } from '../support/stack';

let api: TestApi;
/** S3 as it answers a caller without s3:ListBucket: a missing key is 403 Forbidden, not 404. */
const hidingMissingKeys = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
  try {
    return await next(args);
  } catch (error) {
    if (!(error instanceof S3ServiceException) || error.$metadata.httpStatusCode !== 404) throw error;
    throw new S3ServiceException({ name: 'Forbidden', $fault: 'client', $metadata: { ...error.$metadata, httpStatusCode: 403 }, message: 'Forbidden' });
  }
};
let smtp: SmtpInbound;
beforeAll(async () => {
  api = await startTestApi();
  smtp = await startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler: inboundHandler });
});
afterAll(async () => {
  await smtp?.stop();
  await api?.stop();
});

interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

const sesStore = async (): Promise<StoredEmail[]> => ((await (await fetch(`${process.env.AWS_ENDPOINT_URL_SES}/store`)).json()) as { emails: StoredEmail[] }).emails;
const sentById = async (messageId: string) => (await sesStore()).filter((email) => email.messageId === messageId);

/** The raw MIME of each SES call while `during` runs (aws-ses-v2-local's store keeps parsed fields, not headers). */
async function rawSent<T>(during: () => Promise<T>): Promise<{ result: T; raw: Buffer[] }> {
  const raw: Buffer[] = [];
  const name = uniqueId('observe');
  ses().middlewareStack.add((next) => async (args) => {
    const data = (args.input as { Content?: { Raw?: { Data?: Uint8Array } } }).Content?.Raw?.Data;
    if (data) raw.push(Buffer.from(data));
    return next(args);
  }, { step: 'initialize', name });
  try {
    return { result: await during(), raw };
  } finally {
    ses().middlewareStack.remove(name);
  }
}

async function connectedInbox(account: TestAccount, senderAddress: unknown = { mode: 'default', username: 'help' }) {
  const token = account.token;
  const created = await call(api, 'POST', '/inboxes', { token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  const inboxId = created.body.inboxId as string;
  expect((await call(api, 'PUT', `/inboxes/${inboxId}/sender-name`, { token, body: { mode: 'agent-and-company', companyName: 'Acme' } })).status).toBe(200);
  expect((await call(api, 'PUT', `/inboxes/${inboxId}/sender-address`, { token, body: senderAddress })).status).toBe(200);
  const connected = await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token });
  return { inboxId, address: connected.body.forwardingAddress as string };
}

const reply = (account: TestAccount, conversationId: string, body: unknown, headers: Record<string, string> = {}, token = account.token) =>
  call(api, 'POST', `/conversations/${conversationId}/replies`, { token, body, headers });

function issuesOf(answer: Reply): string[] {
  expect(answer.status).toBe(400);
  return answer.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

describe('replies', () => {
  it('sends through SES with threading, and the customer answer built from what SES sent lands in the same conversation, reopening it', async () => {
    const account = await createTestAccount(api, 2);
    const [, sam] = account.users;
    const inbox = await connectedInbox(account);
    const customer = `${uniqueId('jane')}@customer.example`;
    const firstId = `${uniqueId('m')}@customer.example`;
    const delivered = await deliver(
      eml({ from: `Jane <${customer}>`, to: inbox.address, subject: 'RE: AW: Late order', messageId: firstId, references: ['older@customer.example'], headers: { 'Reply-To': `Jane Orders <orders-${customer}>`, Cc: 'boss@customer.example' } }),
      [inbox.address],
    );
    const conversationId = String(delivered.receipt!.conversationId);

    const { result: sent, raw: [mime] } = await rawSent(() => reply(account, conversationId, { text: 'Your order ships today.' }, {}, sam.token));
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ direction: 'outbound', sentBy: sam.userId, delivery: { status: 'sent' }, to: [{ email: `orders-${customer}` }], cc: [{ email: 'boss@customer.example' }] });
    const sesId = sent.body.delivery.sesMessageId;
    expect(sent.body.messageIdHeader ?? `${sesId}@email.amazonses.com`).toBe(`${sesId}@email.amazonses.com`);

    const [email] = await sentById(sesId);
    expect(email).toMatchObject({ subject: 'Re: Late order', destination: { to: [`orders-${customer}`], cc: ['boss@customer.example'] } });
    const replyTo = email.replyTo[0];
    expect(replyTo).toBe(inbox.address.replace('@', `+${conversationId}@`));
    const raw = await simpleParser(mime);
    expect(raw.from?.value).toEqual([{ name: 'Agent 1 from Acme', address: `help@${account.subdomain}.inbox.example.com` }]);
    expect(raw.inReplyTo).toBe(`<${firstId}>`);
    expect(raw.references).toEqual(['<older@customer.example>', `<${firstId}>`]);
    expect(raw.replyTo?.value[0].address).toBe(replyTo);

    // The reply assigned the unassigned conversation to the agent who replied.
    const read = await call(api, 'GET', `/conversations/${conversationId}`, { token: account.token });
    expect(read.body).toMatchObject({ assigneeId: sam.userId, messageCount: 2, snippet: 'Your order ships today.' });
    expect(read.body.entries.map((entry: { direction: string }) => entry.direction)).toEqual(['inbound', 'outbound']);

    expect((await call(api, 'PATCH', `/conversations/${conversationId}`, { token: sam.token, body: { status: 'closed' } })).status).toBe(200);
    // The customer's client answers: To the Reply-To, In-Reply-To the id SES gave, quoting the reply.
    const answer = await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
      from: `orders-${customer}`,
      to: replyTo,
      subject: `Re: ${email.subject}`,
      inReplyTo: `<${sesId}@email.amazonses.com>`,
      references: [`<${firstId}>`, `<${sesId}@email.amazonses.com>`],
      text: `Thanks!\n\nOn Fri, Dec 4, 2026, Agent 1 from Acme wrote:\n> ${email.body.text?.split('\n')[0]}\n`,
    });
    const receipt = await conversations().receipt(`${config().mailBucket}/${config().rawMailPrefix}${answer.response.split(' ').pop()}`);
    expect(receipt).toMatchObject({ outcome: 'stored', conversationId });
    const after = await call(api, 'GET', `/conversations/${conversationId}`, { token: sam.token });
    expect(after.body).toMatchObject({ status: 'open', assigneeId: sam.userId, messageCount: 3, snippet: 'Thanks!' });
    expect((await call(api, 'GET', `/inboxes/${inbox.inboxId}/conversations?view=mine`, { token: sam.token })).body.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual([conversationId]);

    // Our reply coming back (a copy the team's mailbox forwards): recognized by the id SES gave it, not stored.
    const copy = await deliver(eml({ from: 'Team Mailbox <team@acme-team.example>', to: inbox.address, subject: email.subject, messageId: `${sesId}@email.amazonses.com` }), [inbox.address]);
    expect(copy.receipt).toMatchObject({ outcome: 'quarantined', classification: 'loop', reason: { rule: 'own-sent-message' } });
    expect((await call(api, 'GET', `/conversations/${conversationId}`, { token: sam.token })).body.messageCount).toBe(3);
  });

  it('an Idempotency-Key sends once and answers the first result again', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account);
    const delivered = await deliver(eml({ from: 'jo@customer.example', to: inbox.address }), [inbox.address]);
    const conversationId = String(delivered.receipt!.conversationId);
    const key = uniqueId('key-');
    const answers = await Promise.all([1, 2, 3].map(() => reply(account, conversationId, { text: 'Once only.' }, { 'idempotency-key': key })));
    const sentOnes = answers.filter((answer) => answer.status === 201);
    expect(sentOnes.length).toBeGreaterThanOrEqual(1);
    expect(answers.filter((answer) => answer.status !== 201).map((answer) => answer.body.error.code)).toEqual(Array(3 - sentOnes.length).fill('idempotency_key_in_use'));
    const again = await reply(account, conversationId, { text: 'Once only.' }, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.body.messageId).toBe(sentOnes[0].body.messageId);
    expect(await sentById(again.body.delivery.sesMessageId)).toHaveLength(1);
    const read = await call(api, 'GET', `/conversations/${conversationId}`, { token: account.token });
    expect(read.body.entries.filter((entry: { direction: string }) => entry.direction === 'outbound')).toHaveLength(1);
    expect(issuesOf(await reply(account, conversationId, { text: 'x' }, { 'idempotency-key': 'short' }))).toEqual(['Idempotency-Key:invalid_header']);
  });

  it('an SES failure stores the reply as failed with the reason; the retry route sends it', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account);
    const delivered = await deliver(eml({ from: 'kim@customer.example', to: inbox.address }), [inbox.address]);
    const conversationId = String(delivered.receipt!.conversationId);
    const fault = 'ses-outage';
    ses().middlewareStack.add(() => async () => {
      throw Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' });
    }, { step: 'initialize', name: fault });
    let failed: Reply;
    try {
      failed = await reply(account, conversationId, { text: 'Will this arrive?' });
    } finally {
      ses().middlewareStack.remove(fault);
    }
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('email_not_sent');
    const read = await call(api, 'GET', `/conversations/${conversationId}`, { token: account.token });
    const stored = read.body.entries.find((entry: { direction: string }) => entry.direction === 'outbound');
    expect(stored.delivery).toMatchObject({ status: 'failed', reason: 'ServiceUnavailable: Service unavailable' });
    const retried = await call(api, 'POST', `/conversations/${conversationId}/replies/${stored.messageId}/retry`, { token: account.token });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ messageId: stored.messageId, delivery: { status: 'sent' } });
    expect((await sentById(retried.body.delivery.sesMessageId))[0].body.text).toContain('Will this arrive?');
    // Sent now: not again.
    expect((await call(api, 'POST', `/conversations/${conversationId}/replies/${stored.messageId}/retry`, { token: account.token })).status).toBe(409);
  });

  it("appends the agent's then the inbox's signature, each set by its owner, to text and HTML", async () => {
    const account = await createTestAccount(api, 2);
    const [admin, sam] = account.users;
    const inbox = await connectedInbox(account);
    const own = await call(api, 'PUT', '/me/signature', { token: sam.token, body: { text: 'Sam Agent\r\nTier <2>  ' } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ userId: sam.userId, signature: 'Sam Agent\nTier <2>' });
    expect(issuesOf(await call(api, 'PUT', '/me/signature', { token: sam.token, body: { text: 'Sam\u0007' } }))).toEqual(['text:no_control_characters']);
    expect(issuesOf(await call(api, 'PUT', '/me/signature', { token: sam.token, body: { text: 'x'.repeat(1001) } }))).toEqual(['text:too_big']);
    expect((await call(api, 'PUT', `/inboxes/${inbox.inboxId}/signature`, { token: sam.token, body: { text: 'Not mine' } })).status).toBe(403);
    const set = await call(api, 'PUT', `/inboxes/${inbox.inboxId}/signature`, { token: admin.token, body: { text: 'Acme Support' } });
    expect(set.body.signature).toBe('Acme Support');

    const delivered = await deliver(eml({ from: 'ana@customer.example', to: inbox.address }), [inbox.address]);
    const sent = await reply(account, String(delivered.receipt!.conversationId), { text: 'On its way.', html: '<p>On its way.</p>' }, {}, sam.token);
    expect(sent.status).toBe(201);
    const [email] = await sentById(sent.body.delivery.sesMessageId);
    expect(email.body.text).toBe('On its way.\n\n-- \nSam Agent\nTier <2>\nAcme Support\n');
    expect(email.body.html).toContain('<p>On its way.</p><div class="signature">-- <br>Sam Agent<br>Tier &#60;2&#62;<br>Acme Support</div>');

    // An admin's own signature, emptied: only the inbox's remains.
    expect((await call(api, 'PUT', '/me/signature', { token: admin.token, body: { text: '' } })).body.signature).toBe('');
    const plain = await reply(account, String(delivered.receipt!.conversationId), { text: 'Also this.' }, {}, admin.token);
    expect((await sentById(plain.body.delivery.sesMessageId))[0].body.text).toBe('Also this.\n\n-- \nAcme Support\n');
  });

  it('quotes the last inbound message below the reply when the inbox is set to', async () => {
    const account = await createTestAccount(api, 2);
    const [admin, sam] = account.users;
    const inbox = await connectedInbox(account);
    const first = await deliver(eml({ from: 'Ana <ana@customer.example>', to: inbox.address, text: 'My first note.' }), [inbox.address]);
    const conversationId = String(first.receipt!.conversationId);
    const unquoted = await reply(account, conversationId, { text: 'Noted.', html: '<p>Noted.</p>' });
    expect((await sentById(unquoted.body.delivery.sesMessageId))[0].body.text).toBe('Noted.');

    expect((await call(api, 'PUT', `/inboxes/${inbox.inboxId}/reply-settings`, { token: sam.token, body: { quote: 'last-message' } })).status).toBe(403);
    expect(issuesOf(await call(api, 'PUT', `/inboxes/${inbox.inboxId}/reply-settings`, { token: admin.token, body: { quote: 'all' } }))).toEqual(['quote:invalid_value']);
    const settings = await call(api, 'PUT', `/inboxes/${inbox.inboxId}/reply-settings`, { token: admin.token, body: { quote: 'last-message' } });
    expect(settings.body.replySettings).toEqual({ quote: 'last-message' });

    const date = 'Tue, 01 Dec 2026 09:30:00 GMT';
    const raw = eml({ from: 'Ana <ana@customer.example>', to: inbox.address, inReplyTo: `${unquoted.body.delivery.sesMessageId}@email.amazonses.com`, text: 'Where is\r\nmy <order>?' }).replace(/^Date: .*$/m, `Date: ${date}`);
    const second = await deliver(raw, [inbox.address]);
    expect(second.receipt!.conversationId).toBe(conversationId);
    const quoted = await reply(account, conversationId, { text: 'Shipped.', html: '<p>Shipped.</p>' });
    const [email] = await sentById(quoted.body.delivery.sesMessageId);
    expect(email.body.text).toBe(`Shipped.\n\nOn ${date}, Ana wrote:\n> Where is\n> my <order>?\n`);
    expect(email.body.html).toContain(`<p>Shipped.</p><div class="quote">On ${date}, Ana wrote:<br><blockquote type="cite">Where is<br>my &#60;order&#62;?</blockquote></div>`);
  });

  it('attaches files uploaded through presigned PUTs to the sent MIME; refuses foreign ids and oversize totals', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account);
    const conversationOf = async () => String((await deliver(eml({ from: 'rui@customer.example', to: inbox.address }), [inbox.address])).receipt!.conversationId);
    const [conversationId, otherId] = [await conversationOf(), await conversationOf()];
    const upload = async (id: string, filename: string, content: Buffer, contentType = 'application/pdf') => {
      const prepared = await call(api, 'POST', `/conversations/${id}/attachments`, { token: account.token, body: { filename, contentType, size: content.length } });
      expect(prepared.status).toBe(201);
      expect(prepared.body.uploadUrl).toContain(`outbound/${account.accountId}/${id}/${prepared.body.attachmentId}`);
      expect(Date.parse(prepared.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
      const put = await fetch(prepared.body.uploadUrl, { method: 'PUT', body: content, headers: { 'content-type': contentType } });
      expect(put.status).toBe(200);
      return prepared.body.attachmentId as string;
    };

    const content = Buffer.from(Array.from({ length: 70_000 }, (_unused, index) => (index * 31) % 256));
    const attachmentId = await upload(conversationId, 'Rechnung März.pdf', content);
    const { result: sent, raw: [mime] } = await rawSent(() => reply(account, conversationId, { text: 'Your invoice.', attachments: [attachmentId] }));
    expect(sent.status).toBe(201);
    // What SES was given: the file intact, under its name. aws-ses-v2-local's store keeps it base64-encoded (its
    // rebuilt .eml encodes that text once more, so the raw request is the one to parse).
    const [attached] = (await simpleParser(mime)).attachments;
    expect(attached).toMatchObject({ filename: 'Rechnung März.pdf', contentType: 'application/pdf' });
    expect(attached.content.equals(content)).toBe(true);
    const [stored] = (await sentById(sent.body.delivery.sesMessageId)) as (StoredEmail & { attachments: { content: string }[] })[];
    expect(stored.attachments).toHaveLength(1);
    expect(Buffer.from(stored.attachments[0].content, 'base64').equals(content)).toBe(true);
    // The sent reply lists its file like an inbound message does, with a short-lived link to the very bytes.
    const expectedFile = { index: 0, filename: 'Rechnung März.pdf', contentType: 'application/pdf', size: content.length, disposition: 'attachment', url: expect.any(String) };
    expect(sent.body.attachments).toEqual([expectedFile]);
    const thread = (await call(api, 'GET', `/conversations/${conversationId}`, { token: account.token })).body;
    const listed = thread.entries.find((entry: { messageId?: string }) => entry.messageId === sent.body.messageId);
    expect(listed.attachments).toEqual([expectedFile]);
    const download = await fetch(listed.attachments[0].url);
    expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);

    const foreign = await upload(otherId, 'other.pdf', Buffer.from('not yours'));
    const prepared = await call(api, 'POST', `/conversations/${conversationId}/attachments`, { token: account.token, body: { filename: 'never.pdf', contentType: 'application/pdf', size: 10 } });
    expect(issuesOf(await reply(account, conversationId, { text: 'x', attachments: [foreign, prepared.body.attachmentId] }))).toEqual(['attachments.0:unknown_attachment', 'attachments.1:unknown_attachment']);
    // In AWS the replies function may not list the bucket, so S3 answers a missing upload with 403, not 404.
    const asWithoutListBucket = await withMiddleware(s3(), 'hideMissingKeys', hidingMissingKeys, () => reply(account, conversationId, { text: 'x', attachments: [prepared.body.attachmentId] }));
    expect(issuesOf(asWithoutListBucket)).toEqual(['attachments.0:unknown_attachment']);
    const other = await createTestAccount(api, 1);
    expect((await call(api, 'POST', `/conversations/${conversationId}/attachments`, { token: other.token, body: { filename: 'a.pdf', contentType: 'application/pdf', size: 1 } })).status).toBe(404);
    expect(issuesOf(await call(api, 'POST', `/conversations/${conversationId}/attachments`, { token: account.token, body: { filename: '../a', contentType: 'pdf', size: 50 * 1024 * 1024 } })))
      .toEqual(['filename:path_separator', 'contentType:invalid_format', 'size:too_big']);

    // Two 15 MB files: 30 MB, over 40 MB once base64-encoded.
    const big = Buffer.alloc(15 * 1024 * 1024, 7);
    const tooLarge = await reply(account, conversationId, { text: 'Both.', attachments: [await upload(conversationId, 'a.bin', big, 'application/octet-stream'), await upload(conversationId, 'b.bin', big, 'application/octet-stream')] });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.code).toBe('reply_too_large');
  });

  it('refuses an unverified custom from-address, recipients outside the conversation, and other accounts', async () => {
    const account = await createTestAccount(api, 1);
    const inbox = await connectedInbox(account);
    const custom = await call(api, 'PUT', `/inboxes/${inbox.inboxId}/sender-address`, { token: account.token, body: { mode: 'custom', address: `help@${account.subdomain}.example` } });
    expect(custom.body.senderAddress).toMatchObject({ mode: 'custom', verified: false });
    const delivered = await deliver(eml({ from: 'lee@customer.example', to: inbox.address }), [inbox.address]);
    const conversationId = String(delivered.receipt!.conversationId);
    const unverified = await reply(account, conversationId, { text: 'Hello' });
    expect(unverified.status).toBe(409);
    expect(unverified.body.error.code).toBe('sender_not_verified');

    const other = await createTestAccount(api, 1);
    expect((await reply(other, conversationId, { text: 'Hello' })).status).toBe(404);
    expect((await reply(account, 'cv_unknown', { text: 'Hello' })).status).toBe(404);

    const verified = await createTestAccount(api, 1);
    const ours = await connectedInbox(verified);
    const theirs = await deliver(eml({ from: 'lee@customer.example', to: ours.address }), [ours.address]);
    const id = String(theirs.receipt!.conversationId);
    expect(issuesOf(await reply(verified, id, { text: 'Hi', to: ['stranger@else.example'] }))).toEqual(['to.0:not_a_participant']);
    expect(issuesOf(await reply(verified, id, { text: 'Hi', cc: ['not an address'] }))).toEqual(['cc.0:invalid_format']);
    expect(issuesOf(await reply(verified, id, { text: '' }))).toEqual(['text:too_small']);
    const added = await reply(verified, id, { text: 'Looping in our partner.', cc: ['partner@else.example'], addRecipients: ['partner@else.example'] });
    expect(added.status).toBe(201);
    expect(added.body.cc).toEqual([{ email: 'partner@else.example', name: '' }]);
  });
});
