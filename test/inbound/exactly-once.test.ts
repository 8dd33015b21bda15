/**
 * Exactly once, against the real local DynamoDB: redeliveries, crashes between writes, concurrent and
 * out-of-order messages of one thread, and the same message arriving by two paths.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { conversations, deliver, eml, seedInbox, storeRaw, uniqueId } from '../support/stack';
import { withMiddleware } from '../support/faults';

/**
 * Fault injection on the real client: the transaction fails before reaching DynamoDB (the process died),
 * or after it committed (the answer was lost). Only for the duration of `run`.
 */
async function withFault(when: 'before' | 'after', run: () => Promise<unknown>) {
  const fault = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    const isTransaction = context.commandName === 'TransactWriteItemsCommand';
    if (isTransaction && when === 'before') throw new Error('injected fault before TransactWriteItems');
    const result = await next(args);
    if (isTransaction) throw new Error('injected fault after TransactWriteItems');
    return result;
  };
  await withMiddleware(dynamo(), 'injectedFault', fault, run);
}

const s3EventFor = (key: string) => ({
  Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: config().mailBucket }, object: { key } } }],
});

async function messagesOfInbox(inboxId: string) {
  const rows = await conversations().inboxConversations(inboxId);
  return Promise.all(rows.map(async (row) => ({ conversation: row, messages: await conversations().messages(String(row.conversationId)) })));
}

describe('exactly once', () => {
  it('ignores a redelivered SES event and the S3 notification of the same object', async () => {
    const inbox = await seedInbox();
    const first = await deliver(eml({ from: 'jane@example.org', to: inbox.address }), [inbox.address]);
    await handler(first.event);
    await handler(s3EventFor(first.key));
    const threads = await messagesOfInbox(inbox.inboxId);
    expect(threads).toHaveLength(1);
    expect(threads[0].messages).toHaveLength(1);
    expect(threads[0].conversation.messageCount).toBe(1);
    const contact = await conversations().contact(inbox.accountId, String(threads[0].conversation.contactId));
    expect(contact!.messageCount).toBe(1);
  });

  it('ends consistent when the process dies before the write, and when the write succeeded but the answer was lost', async () => {
    const inbox = await seedInbox();
    const raw = [
      'From: jane@example.org', `To: ${inbox.address}`, 'Subject: with file', `Message-ID: <${uniqueId('m')}@example.org>`, 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'see file', '--b',
      'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="a.pdf"', '', 'PDF', '--b--', '',
    ].join('\r\n');
    const stored = await storeRaw(raw, [inbox.address]);
    await withFault('before', () => expect(handler(stored.event)).rejects.toThrow('injected fault before TransactWriteItems'));
    expect(await conversations().receipt(stored.receiptKey)).toBeUndefined();
    await withFault('after', () => expect(handler(stored.event)).rejects.toThrow('injected fault after TransactWriteItems'));
    await handler(stored.event); // the retry SES would make
    const threads = await messagesOfInbox(inbox.inboxId);
    expect(threads).toHaveLength(1);
    expect(threads[0].messages).toHaveLength(1);
    const receiptId = String((await conversations().receipt(stored.receiptKey))!.receiptId);
    const objects = await s3().send(new ListObjectsV2Command({ Bucket: config().mailBucket, Prefix: `attachments/${receiptId}/` }));
    expect(objects.Contents?.map((object) => object.Key)).toEqual([`attachments/${receiptId}/0/a.pdf`]);
  });

  it('puts a reply that arrives before its original, and the original, in one conversation', async () => {
    const inbox = await seedInbox();
    const original = `${uniqueId('orig')}@example.org`;
    await deliver(eml({ from: 'jane@example.org', to: inbox.address, subject: 'Re: order', inReplyTo: original, references: [original] }), [inbox.address]);
    const late = await deliver(eml({ from: 'jane@example.org', to: inbox.address, subject: 'order', messageId: original }), [inbox.address]);
    const threads = await messagesOfInbox(inbox.inboxId);
    expect(threads).toHaveLength(1);
    expect(threads[0].messages).toHaveLength(2);
    expect(threads[0].conversation.messageCount).toBe(2);
    expect(late.receipt!.conversationId).toBe(threads[0].conversation.conversationId);
  });

  it('puts concurrent messages of one new thread in one conversation', async () => {
    const inbox = await seedInbox();
    const root = `${uniqueId('root')}@example.org`;
    const replies = Array.from({ length: 6 }, (_, index) => `${uniqueId(`r${index}`)}@example.org`);
    const raws = [
      eml({ from: 'jane@example.org', to: inbox.address, subject: 'help', messageId: root }),
      ...replies.map((id) => eml({ from: 'jane@example.org', to: inbox.address, subject: 'Re: help', messageId: id, inReplyTo: root, references: [root] })),
    ];
    const events = await Promise.all(raws.map((raw) => storeRaw(raw, [inbox.address])));
    await Promise.all(events.map((stored) => handler(stored.event)));
    const threads = await messagesOfInbox(inbox.inboxId);
    expect(threads).toHaveLength(1);
    expect(threads[0].messages).toHaveLength(7);
    expect(threads[0].conversation.messageCount).toBe(7);
  });

  it('stores a message that reaches the inbox by two paths once, recording the second as a duplicate', async () => {
    const inbox = await seedInbox();
    const messageId = `${uniqueId('same')}@example.org`;
    const first = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId }), [inbox.address]);
    const second = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId }), [inbox.address]);
    expect(second.receipt).toMatchObject({ outcome: 'duplicate', duplicateOf: { conversationId: first.receipt!.conversationId, messageId: first.receipt!.messageId } });
    expect((await messagesOfInbox(inbox.inboxId))[0].messages).toHaveLength(1);
  });
});

describe('threading', () => {
  it('threads by reply token, In-Reply-To and References within the inbox only, and reopens closed conversations', async () => {
    const inbox = await seedInbox();
    const other = await seedInbox();
    const rootId = `${uniqueId('root')}@example.org`;
    const root = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId: rootId }), [inbox.address]);
    const conversationId = String(root.receipt!.conversationId);
    await conversations().setStatus(conversationId, 'closed');

    const byInReplyTo = await deliver(eml({ from: 'jane@example.org', to: inbox.address, inReplyTo: rootId }), [inbox.address]);
    expect(byInReplyTo.receipt!.conversationId).toBe(conversationId);
    expect((await conversations().conversation(conversationId))!.status).toBe('open');

    const byReferences = await deliver(eml({ from: 'jane@example.org', to: inbox.address, references: ['unknown@x.example', rootId] }), [inbox.address]);
    expect(byReferences.receipt!.conversationId).toBe(conversationId);

    const tokenAddress = inbox.address.replace('support@', `support+${conversationId}@`);
    const byToken = await deliver(eml({ from: 'jane@example.org', to: tokenAddress, subject: 'no headers at all' }), [tokenAddress]);
    expect(byToken.receipt!.conversationId).toBe(conversationId);
    const [, , , tokenMessage] = await conversations().messages(conversationId);
    expect(tokenMessage.thread).toMatchObject({ rule: 'reply-token' });

    // The same Message-ID referenced in another inbox starts a conversation there.
    const elsewhere = await deliver(eml({ from: 'jane@example.org', to: other.address, inReplyTo: rootId }), [other.address]);
    expect(elsewhere.receipt!.conversationId).not.toBe(conversationId);
    // A token of another inbox's conversation is ignored.
    const foreignToken = other.address.replace('support@', `support+${conversationId}@`);
    const foreign = await deliver(eml({ from: 'jane@example.org', to: foreignToken }), [foreignToken]);
    expect(foreign.receipt!.conversationId).not.toBe(conversationId);
  });

  it('threads replies to our outbound mail by the Message-ID SES gave it', async () => {
    const inbox = await seedInbox();
    const root = await deliver(eml({ from: 'jane@example.org', to: inbox.address }), [inbox.address]);
    const conversationId = String(root.receipt!.conversationId);
    const sesId = '010001929f3c1b2a-5c7d9e1f-aaaa-bbbb-cccc-1234567890ab-000000';
    const { recordOutboundMessageId } = await import('../support/dynamo-thread-index');
    await recordOutboundMessageId(dynamo(), config().tables.conversations, { inboxId: inbox.inboxId, conversationId, sesMessageId: sesId, region: 'us-east-1' });
    const reply = await deliver(eml({ from: 'jane@example.org', to: inbox.address, inReplyTo: `${sesId}@email.amazonses.com` }), [inbox.address]);
    expect(reply.receipt!.conversationId).toBe(conversationId);
  });
});
