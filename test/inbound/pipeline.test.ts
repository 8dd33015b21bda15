/** The inbound chain end to end on the local stack: S3 + SES event in, DynamoDB records out. */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { conversations, deliver, eml, seedInbox, storeRaw, uniqueId } from '../support/stack';

describe('inbound pipeline', () => {
  it('stores a direct message as a new conversation of the sender, with the contact upserted', async () => {
    const inbox = await seedInbox();
    const { receipt } = await deliver(eml({ from: 'Jane Customer <Jane.Customer@Example.org>', to: inbox.address, subject: 'Printer broken' }), [inbox.address]);
    expect(receipt).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    const conversation = await conversations().conversation(String(receipt!.conversationId));
    expect(conversation).toMatchObject({ inboxId: inbox.inboxId, accountId: inbox.accountId, status: 'open', messageCount: 1, subject: 'Printer broken', contactEmail: 'jane.customer@example.org' });
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message).toMatchObject({ from: { email: 'jane.customer@example.org', name: 'Jane Customer' }, attribution: { rule: 'from-header' }, forwardedBy: null });
    const contact = await conversations().contact(inbox.accountId, String(conversation!.contactId));
    expect(contact).toMatchObject({ email: 'jane.customer@example.org', name: 'Jane Customer', messageCount: 1 });
  });

  it("files a trusted colleague's inline forward under the original sender", async () => {
    const inbox = await seedInbox({ members: ['agent@acme.example'] });
    const text = ['FYI', '', '---------- Forwarded message ---------', 'From: Original Sender <original@customer.example>', 'Date: Mon, 2 Nov 2026 10:00', 'Subject: Order 42', 'To: <agent@acme.example>', '', 'Where is my order?'].join('\r\n');
    const { receipt } = await deliver(eml({ from: 'Agent <agent@acme.example>', to: inbox.address, subject: 'Fwd: Order 42', text }), [inbox.address]);
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message).toMatchObject({
      from: { email: 'original@customer.example', name: 'Original Sender' },
      outerFrom: { email: 'agent@acme.example' },
      attribution: { rule: 'inline-forward', evidence: 'From: Original Sender <original@customer.example>' },
      forwardedBy: 'agent@acme.example',
    });
  });

  it('keeps an untrusted forwarder as the contact', async () => {
    const inbox = await seedInbox({ members: ['agent@acme.example'] });
    const text = ['---------- Forwarded message ---------', 'From: Someone Else <someone@third.example>', 'Subject: hi', '', 'body'].join('\r\n');
    const { receipt } = await deliver(eml({ from: 'Customer <customer@customer.example>', to: inbox.address, subject: 'Fwd: hi', text }), [inbox.address]);
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message).toMatchObject({ from: { email: 'customer@customer.example' }, attribution: { rule: 'untrusted-forwarder' }, forwardedBy: null });
  });

  it('distrusts a trusted address whose SPF and DKIM both failed', async () => {
    const inbox = await seedInbox({ members: ['agent@acme.example'] });
    const text = ['---------- Forwarded message ---------', 'From: Original <original@customer.example>', 'Subject: hi', '', 'body'].join('\r\n');
    const { receipt } = await deliver(eml({ from: 'agent@acme.example', to: inbox.address, subject: 'Fwd: hi', text }), [inbox.address], { spf: 'FAIL', dkim: 'FAIL' });
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message).toMatchObject({ from: { email: 'agent@acme.example' }, attribution: { rule: 'forwarder-failed-authentication' } });
  });

  it('quarantines spam by SES verdict with its reason, creating no conversation or contact', async () => {
    const inbox = await seedInbox();
    const { receipt } = await deliver(eml({ from: 'spammer@spam.example', to: inbox.address }), [inbox.address], { spam: 'FAIL' });
    expect(receipt).toMatchObject({ outcome: 'quarantined', classification: 'spam', reason: { rule: 'ses-spam-verdict' } });
    expect(receipt!.conversationId).toBeUndefined();
    expect(await conversations().inboxConversations(inbox.inboxId)).toHaveLength(0);
    expect((await conversations().quarantine(inbox.inboxId)).map((row) => row.classification)).toEqual(['spam']);
  });

  it('records mail for no known inbox as unroutable with the addresses seen', async () => {
    const { receipt } = await deliver(eml({ from: 'a@example.org', to: 'nobody@nowhere.inbox.example.com' }), ['Nobody+x@nowhere.inbox.example.com']);
    expect(receipt).toMatchObject({ outcome: 'unroutable' });
    expect(receipt!.addressesSeen).toEqual(expect.arrayContaining(['nobody+x@nowhere.inbox.example.com']));
  });

  it('routes on the envelope, case-insensitively, ignoring +tags', async () => {
    const inbox = await seedInbox();
    const tagged = inbox.address.replace('support@', 'SUPPORT+sales@').toUpperCase();
    const { receipt } = await deliver(eml({ from: 'a@example.org', to: 'team@acme.example' }), [tagged]);
    expect(receipt).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
  });

  it('finds the inbox from headers when the envelope is unknown (X-Forwarded-To)', async () => {
    const inbox = await seedInbox();
    const { receipt } = await deliver(eml({ from: 'a@example.org', to: 'team@acme.example', headers: { 'X-Forwarded-To': inbox.address, 'X-Forwarded-For': `team@acme.example ${inbox.address}` } }), []);
    expect(receipt).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message).toMatchObject({ attribution: { rule: 'auto-forward' }, forwardedBy: 'team@acme.example' });
  });

  it('streams attachments to S3 intact and keeps long bodies and HTML in S3', async () => {
    const inbox = await seedInbox();
    const attachment = Buffer.from(Buffer.alloc(3 * 1024 * 1024 + 17).map((_, index) => index % 251));
    const longText = 'x'.repeat(40 * 1024);
    const boundary = 'b-123';
    const raw = [
      'From: Jane <jane@example.org>', `To: ${inbox.address}`, 'Subject: files', `Message-ID: <${uniqueId('m')}@example.org>`, 'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
      `--${boundary}`, 'Content-Type: multipart/alternative; boundary="alt"', '',
      '--alt', 'Content-Type: text/plain', '', longText,
      '--alt', 'Content-Type: text/html', '', '<p>Hello <img src="cid:logo@x"></p>', '--alt--',
      `--${boundary}`, 'Content-Type: image/png', 'Content-Disposition: inline; filename="logo.png"', 'Content-ID: <logo@x>', 'Content-Transfer-Encoding: base64', '', Buffer.from('png-bytes').toString('base64'),
      `--${boundary}`, 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="data.bin"', 'Content-Transfer-Encoding: base64', '',
      attachment.toString('base64').replace(/.{76}/g, '$&\r\n'),
      `--${boundary}--`, '',
    ].join('\r\n');
    const { receipt } = await deliver(raw, [inbox.address]);
    const [message] = await conversations().messages(String(receipt!.conversationId));
    const attachments = message.attachments as Array<Record<string, unknown>>;
    expect(attachments.map((a) => [a.filename, a.disposition, a.contentId ?? null])).toEqual([
      ['logo.png', 'inline', 'logo@x'],
      ['data.bin', 'attachment', null],
    ]);
    const stored = await s3().send(new GetObjectCommand({ Bucket: config().mailBucket, Key: String(attachments[1].storageKey) }));
    const bytes = Buffer.from(await stored.Body!.transformToByteArray());
    expect(bytes.length).toBe(attachment.length);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(attachment).digest('hex'));
    expect(attachments[1].sha256).toBe(createHash('sha256').update(attachment).digest('hex'));
    const bodies = message.bodies as Record<string, string>;
    expect(message.textTruncated).toBe(true);
    const text = await s3().send(new GetObjectCommand({ Bucket: config().mailBucket, Key: bodies.textKey }));
    expect((await text.Body!.transformToString()).trim()).toBe(longText);
    const html = await s3().send(new GetObjectCommand({ Bucket: config().mailBucket, Key: bodies.htmlKey }));
    expect(await html.Body!.transformToString()).toContain('cid:logo@x');
  });

  it('records a raw object that cannot be read as failed, pointing at it, and keeps going', async () => {
    const inbox = await seedInbox();
    const stored = await storeRaw('ignored', [inbox.address]);
    const missingKey = `${stored.key}-missing`;
    const event = JSON.parse(JSON.stringify(stored.event).replace(stored.key.split('/').pop()!, missingKey.split('/').pop()!));
    await handler(event);
    const receipt = await conversations().receipt(`${config().mailBucket}/${missingKey}`);
    expect(receipt).toMatchObject({ outcome: 'failed', raw: { key: missingKey } });
    expect(String(receipt!.reason)).toContain('does not exist');
    const next = await deliver(eml({ from: 'a@example.org', to: inbox.address }), [inbox.address]);
    expect(next.receipt).toMatchObject({ outcome: 'stored' });
  });
});
