/** SMTP in (the local stand-in for SES inbound), a stored conversation of the right contact out. */
import { createTransport } from 'nodemailer';
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { startSmtpInbound, SmtpInbound } from '../../bin/local/smtp-inbound';
import { conversations, seedInbox } from '../support/stack';

describe('local SMTP inbound', () => {
  let smtp: SmtpInbound;
  beforeAll(async () => {
    smtp = await startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler });
  });
  afterAll(() => smtp.stop());

  const transport = () => createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });

  it('stores a message sent by any SMTP client as a conversation of the original sender before answering 250', async () => {
    const inbox = await seedInbox({ members: ['agent@acme.example'] });
    const sent = await transport().sendMail({
      from: 'Agent <agent@acme.example>',
      to: inbox.address,
      subject: 'Fwd: broken invoice',
      text: 'Please handle.\n\n---------- Forwarded message ---------\nFrom: Rosa Diaz <rosa@customer.example>\nDate: Tue, 3 Nov 2026\nSubject: broken invoice\nTo: <agent@acme.example>\n\nThe invoice total is wrong.\n',
      attachments: [{ filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 fake') }],
    });
    expect(sent.response).toMatch(/^250 /);
    const sesMessageId = sent.response.split(' ').pop();
    const receipt = await conversations().receipt(`${config().mailBucket}/${config().rawMailPrefix}${sesMessageId}`);
    expect(receipt).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    const [conversation] = await conversations().inboxConversations(inbox.inboxId);
    expect(conversation).toMatchObject({ contactEmail: 'rosa@customer.example', subject: 'Fwd: broken invoice' });
    const [message] = await conversations().messages(String(conversation.conversationId));
    expect(message).toMatchObject({ attribution: { rule: 'inline-forward' }, forwardedBy: 'agent@acme.example', attachments: [{ filename: 'invoice.pdf' }] });
  });

  it('records mail for an unknown address instead of dropping it, and keeps the envelope recipients', async () => {
    const sent = await transport().sendMail({ from: 'a@example.org', to: 'Nobody@unknown.inbox.example.com', subject: 'hi', text: 'hi' });
    const receipt = await conversations().receipt(`${config().mailBucket}/${config().rawMailPrefix}${sent.response.split(' ').pop()}`);
    expect(receipt).toMatchObject({ outcome: 'unroutable', addressesSeen: expect.arrayContaining(['nobody@unknown.inbox.example.com']) });
  });

  it('answers 451 (try again) when the handler fails, so the sender retries', async () => {
    const failing = await startSmtpInbound({
      port: 0,
      bucket: config().mailBucket,
      rawMailPrefix: config().rawMailPrefix,
      s3: new S3Client({}),
      handler: async () => {
        throw new Error('DynamoDB unavailable');
      },
    });
    try {
      const client = createTransport({ host: '127.0.0.1', port: failing.port, secure: false, ignoreTLS: true });
      await expect(client.sendMail({ from: 'a@example.org', to: 'x@y.example', subject: 's', text: 't' })).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      await failing.stop();
    }
  });
});
