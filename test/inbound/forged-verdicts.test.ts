/**
 * Forged verdicts (issue 11 #8): only SES's own verdicts count, the local listener judges nothing and says
 * so, trusting unjudged mail is an explicit choice, and a Gmail confirmation link is Gmail's or nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createTransport } from 'nodemailer';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { keys } from '../../functions/adapters/keys';
import { handler } from '../../functions/inbound/handler';
import { dryRunPorts } from '../../functions/inbound/explain';
import { ingestInbound } from '../../functions/inbound/domain/ingest';
import { verdictsFromHeaders } from '../../functions/inbound/domain/steps/screen';
import { gmailLinkProblem } from '../../functions/inbound/domain/steps/classify';
import { startSmtpInbound, SmtpInbound, withoutVerdictHeaders } from '../../bin/local/smtp-inbound';
import { conversations, seedInbox } from '../support/stack';

const lines = (text: string) => ({ headerLines: text.split('\n').map((line) => ({ key: line.slice(0, line.indexOf(':')).toLowerCase(), line })) });

describe("SES's own verdict headers", () => {
  it('count only above SES\'s receipt line: a sender-written dmarc=pass below it counts for nothing', () => {
    const forged = 'Authentication-Results: amazonses.com; spf=pass; dkim=pass; dmarc=pass';
    expect(verdictsFromHeaders(lines(`Received: by inbound-smtp\nX-SES-RECEIPT: AEFB\n${forged}`))).toBeUndefined();
    expect(verdictsFromHeaders(lines(`Received: by inbound-smtp\nX-SES-Spam-Verdict: PASS\nX-SES-RECEIPT: AEFB\n${forged}`))).toMatchObject({ spam: 'PASS', dmarc: undefined });
    expect(verdictsFromHeaders(lines(forged))).toBeUndefined();
    expect(verdictsFromHeaders(lines(`Authentication-Results: amazonses.com; spf=pass; dmarc=fail\nX-SES-RECEIPT: AEFB\n${forged}`))).toMatchObject({ spf: 'PASS', dmarc: 'FAIL' });
    // The local listener's receipt line ends the block just the same.
    expect(verdictsFromHeaders(lines(`Received: by hosted-inbox-local\nX-Hosted-Inbox-Local-Receipt: not judged\n${forged}\nX-SES-RECEIPT: x`))).toBeUndefined();
  });
});

describe('the local SMTP listener', () => {
  let smtp: SmtpInbound;
  beforeAll(async () => {
    smtp = await startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler });
  });
  afterAll(() => smtp.stop());

  it("strips a forged Gmail confirmation's verdict headers, records that it judged nothing, and never marks it authenticated", async () => {
    const inbox = await seedInbox();
    const raw = readFileSync(join(__dirname, '..', 'fixtures', 'inbound', 'gmail-forwarding-confirmation-en.eml'));
    const sent = await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
      envelope: { from: 'attacker@evil.example', to: [inbox.address] },
      raw,
    });
    const key = `${config().rawMailPrefix}${sent.response.split(' ').pop()}`;
    expect(await conversations().receipt(`${config().mailBucket}/${key}`)).toMatchObject({ outcome: 'quarantined', classification: 'forwarding-confirmation' });
    const stored = await (await s3().send(new GetObjectCommand({ Bucket: config().mailBucket, Key: key }))).Body!.transformToString();
    const header = stored.slice(0, stored.indexOf('\r\n\r\n'));
    expect(header).toMatch(/^X-Hosted-Inbox-Local-Receipt: not judged/m);
    expect(header).not.toMatch(/^(Authentication-Results|X-SES-|Received-SPF)/im);
    expect(header).not.toContain(' dmarc=pass'); // the folded continuation went with its header
    const item = (await dynamo().send(new GetCommand({ TableName: config().tables.inboxes, Key: keys.inbox(inbox.accountId, inbox.inboxId) }))).Item!;
    expect(item.forwardingConfirmation).toMatchObject({ code: expect.stringMatching(/^\d{6,}$/), authenticated: false });
  });

  it('removes folded verdict headers split across chunks and leaves the rest byte for byte', async () => {
    const message = 'From: a@b.example\r\nAuthentication-Results: amazonses.com;\r\n dmarc=pass\r\nSubject: hi\r\nX-SES-Spam-Verdict: PASS\r\n\r\nAuthentication-Results: in the body stays\r\n';
    const chunks = [...message].map((character) => Buffer.from(character));
    const out: Buffer[] = [];
    for await (const chunk of withoutVerdictHeaders(Readable.from(chunks))) out.push(chunk);
    expect(Buffer.concat(out).toString()).toBe('From: a@b.example\r\nSubject: hi\r\n\r\nAuthentication-Results: in the body stays\r\n');
  });
});

describe('trusting unjudged mail is an explicit setting', () => {
  const forward = [
    'From: Agent <agent@acme.example>', 'To: support@acme.inbox.example.com', 'Subject: Fwd: hi', 'Message-ID: <f1@acme.example>', '',
    '---------- Forwarded message ---------', 'From: Rosa <rosa@customer.example>', 'Subject: hi', '', 'body', '',
  ].join('\r\n');
  const attribute = async (trustUnjudgedMail: boolean) => {
    const ports = dryRunPorts(Readable.from([Buffer.from(forward)]), { trusted: ['agent@acme.example'] });
    const [plan] = await ingestInbound({ raw: { bucket: 'b', key: 'k' }, recipients: ['support@acme.inbox.example.com'], receivedAt: new Date().toISOString() }, ports, { inboxDomain: 'inbox.example.com', trustUnjudgedMail });
    return plan.outcome === 'stored' ? plan.attribution.rule : plan.outcome;
  };

  it('believes a trusted forwarder nobody judged only when the setting says so', async () => {
    expect(await attribute(true)).toBe('inline-forward');
    expect(await attribute(false)).toBe('forwarder-failed-authentication');
  });
});

describe("Gmail's confirmation link", () => {
  const token = 'vf-%5BANGjdJ8xe88Z_Nrk5YlIu4hv6EmplVBCAMcSp3em3hJJLhT1F3p1DZMVb7XnrqqmG7w7%5D-v7jPtmIAYx2HyqliIvqBEwJHdFg';
  it.each([
    `https://mail-settings.google.com/mail/${token}`,
    `https://mail.google.com/mail/${token}`,
    `https://mail.google.com/mail/u/0/${token}`,
  ])('keeps %s', (url) => expect(gmailLinkProblem(url)).toBeUndefined());

  it.each([
    [`http://mail.google.com/mail/${token}`, 'not https'],
    [`https://mail.google.com.evil.example/mail/${token}`, "not Gmail's"],
    [`https://evil.example/mail/${token}`, "not Gmail's"],
    [`https://mail.google.com:8443/mail/${token}`, "not Gmail's"],
    [`https://user@mail.google.com/mail/${token}`, "not Gmail's"],
    [`https://mail.google.com/mail/${token}?continue=https://evil.example`, 'parameters'],
    [`https://mail.google.com/mail/${token}#x`, 'parameters'],
    [`https://mail.google.com/mail/../url/${token}`, 'path'],
    [`https://mail.google.com/mail/uf-${token.slice(3)}`, 'path'],
    ['https://mail.google.com/mail/vf-%2e%2e%2fredirect', 'characters'],
    ['https://mail.google.com/mail/vf-%E0%A4%A', 'percent-encoding'],
  ])('drops %s (%s)', (url, reason) => expect(gmailLinkProblem(url)).toContain(reason));

  it('is dropped from a confirmation with the reason, when it is not one of those forms', async () => {
    const raw = [
      'From: forwarding-noreply@google.com', 'To: support@acme.inbox.example.com', 'Subject: (#123456789) Gmail Forwarding Confirmation - Receive Mail from a@gmail.com', '',
      `Confirmation code: 123456789`, `https://mail.google.com/mail/${token}?continue=https://evil.example/login`, '',
    ].join('\r\n');
    const ports = dryRunPorts(Readable.from([Buffer.from(raw)]), { trusted: [] });
    const [plan] = await ingestInbound({ raw: { bucket: 'b', key: 'k' }, recipients: ['support@acme.inbox.example.com'], receivedAt: new Date().toISOString() }, ports, { inboxDomain: 'inbox.example.com' });
    expect(plan).toMatchObject({ outcome: 'quarantined', forwardingConfirmation: { code: '123456789', link: null, linkDropped: expect.stringContaining('carries parameters') } });
  });
});
