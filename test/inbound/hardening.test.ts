/**
 * Inbound under attack and at the limits (issue 11), against the real local stack: poison messages end as
 * records, Message-ID squatting and pre-references capture nothing, one envelope reaches every inbox once,
 * attachments are stored only for mail that is stored, and threads hold.
 */
import { randomBytes } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectTaggingCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { createInboundHandler, handler } from '../../functions/inbound/handler';
import { UNREFERENCED_TAG } from '../../functions/commons/mail-objects';
import { conversations, deliver, eml, seedInbox, storeRaw, uniqueId } from '../support/stack';
import { withMiddleware } from '../support/faults';

/** Makes every TransactWriteItems fail with `error` (before reaching DynamoDB) while `run` runs. */
async function withTransactionError(error: () => Error, run: () => Promise<unknown>, when: (input: { TransactItems?: Array<{ Put?: { Item?: Record<string, unknown> } }> }) => boolean = () => true) {
  const fault = (next: (args: { input: never }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: never }) => {
    if (context.commandName === 'TransactWriteItemsCommand' && when(args.input)) throw error();
    return next(args);
  };
  await withMiddleware(dynamo(), 'injectedTransactionError', fault, run);
}

const validationException = () => Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

async function attachmentObjects(receiptId: string) {
  const listed = await s3().send(new ListObjectsV2Command({ Bucket: config().mailBucket, Prefix: `attachments/${receiptId}/` }));
  return (listed.Contents ?? []).map((object) => object.Key!);
}

function withAttachment(from: string, to: string, headers: string[] = []): string {
  return [
    `From: ${from}`, `To: ${to}`, 'Subject: with file', `Message-ID: <${uniqueId('m')}@example.org>`, ...headers, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'see file', '--b',
    'Content-Type: application/pdf', 'Content-Disposition: attachment; filename="a.pdf"', '', 'PDF', '--b--', '',
  ].join('\r\n');
}

const receiptIdOf = async (receiptKey: string) => String((await conversations().receipt(receiptKey))!.receiptId);

describe('poison messages (1)', () => {
  it('stores a message whose Message-ID and In-Reply-To would make keys over 2048 bytes', async () => {
    const inbox = await seedInbox();
    const longId = `${'€'.repeat(980)}@example.org`; // 2952 bytes, under the 998-character line limit
    const { receipt } = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId: longId, inReplyTo: `${'€'.repeat(970)}@example.org` }), [inbox.address]);
    expect(receipt).toMatchObject({ outcome: 'stored' });
    // And its redelivery by another path is still recognized through the hashed key.
    const again = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId: longId, inReplyTo: `${'€'.repeat(970)}@example.org` }), [inbox.address]);
    expect(again.receipt).toMatchObject({ outcome: 'duplicate', duplicateOf: { conversationId: receipt!.conversationId } });
  });

  it('records a permanent store error as failed with its reason instead of throwing', async () => {
    const inbox = await seedInbox();
    const stored = await storeRaw(eml({ from: 'jane@example.org', to: inbox.address }), [inbox.address]);
    // Only the first transaction (the message) is refused; the failed receipt that follows goes through.
    let refused = 0;
    await withTransactionError(validationException, () => handler(stored.event), () => refused++ === 0);
    const receipt = await conversations().receipt(stored.receiptKey);
    expect(receipt).toMatchObject({ outcome: 'failed', inboxId: inbox.inboxId, reason: expect.stringContaining('ValidationException: Item size has exceeded') });
    expect(await conversations().inboxConversations(inbox.inboxId)).toHaveLength(0);
  });

  it('in an SQS batch: the good record is stored, the poison reported for retry, then recorded failed on its last receive', async () => {
    const inbox = await seedInbox();
    const good = await storeRaw(eml({ from: 'jane@example.org', to: inbox.address, subject: 'good' }), [inbox.address]);
    const poison = await storeRaw(eml({ from: 'mallory@example.org', to: inbox.address, subject: 'poison' }), [inbox.address]);
    const record = (key: string, receiveCount: number) => ({
      eventSource: 'aws:sqs',
      messageId: `q-${key}`,
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      body: JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', eventTime: new Date().toISOString(), s3: { bucket: { name: config().mailBucket }, object: { key } } }] }),
    });
    const isPoison = (input: { TransactItems?: Array<{ Put?: { Item?: Record<string, unknown> } }> }) =>
      input.TransactItems?.some((item) => item.Put?.Item?.subject === 'poison') ?? false;
    // An error nobody classified (a bug): retried like a transient one until the last receive.
    const bug = () => new TypeError("Cannot read properties of undefined (reading 'x')");
    let response: unknown;
    await withTransactionError(bug, async () => {
      response = await handler({ Records: [record(poison.key, 1), record(good.key, 1)] });
    }, isPoison);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: `q-${poison.key}` }] });
    expect(await conversations().receipt(good.receiptKey)).toMatchObject({ outcome: 'stored' });
    expect(await conversations().receipt(poison.receiptKey)).toBeUndefined();

    await withTransactionError(bug, async () => {
      response = await handler({ Records: [record(poison.key, 3), record(good.key, 2)] });
    }, isPoison);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await conversations().receipt(poison.receiptKey)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('TypeError') });
    expect(await conversations().receipts(good.receiptKey)).toHaveLength(1);
  });

  it('retries transient errors: nothing is recorded, the retry stores the message', async () => {
    const inbox = await seedInbox();
    const stored = await storeRaw(eml({ from: 'jane@example.org', to: inbox.address }), [inbox.address]);
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    await withTransactionError(throttled, () => expect(handler(stored.event)).rejects.toThrow('Rate exceeded'));
    expect(await conversations().receipt(stored.receiptKey)).toBeUndefined();
    await handler(stored.event);
    expect(await conversations().receipt(stored.receiptKey)).toMatchObject({ outcome: 'stored' });
  });
});

describe('Message-ID squatting (2)', () => {
  it("stores the real mail after a stranger's message took its Message-ID, recording the collision", async () => {
    const inbox = await seedInbox();
    const messageId = `order-${uniqueId('')}@shop.example`;
    const squat = await deliver(eml({ from: 'stranger@evil.example', to: inbox.address, messageId, text: 'first!' }), [inbox.address]);
    const real = await deliver(eml({ from: 'orders@shop.example', to: inbox.address, messageId, text: 'Your order 1001' }), [inbox.address]);
    expect(real.receipt).toMatchObject({ outcome: 'stored' });
    expect(real.receipt!.conversationId).not.toBe(squat.receipt!.conversationId);
    const [message] = await conversations().messages(String(real.receipt!.conversationId));
    expect(message.collision).toEqual({ messageIdHeader: messageId, conversationId: squat.receipt!.conversationId, storedMessageId: squat.receipt!.messageId });
    // The same sender with the same body again is the same message: a duplicate.
    const again = await deliver(eml({ from: 'orders@shop.example', to: inbox.address, messageId, text: 'Your order 1001' }), [inbox.address]);
    expect(again.receipt).toMatchObject({ outcome: 'duplicate' });
  });
});

describe('several inboxes in one envelope (3)', () => {
  it('delivers to each routed inbox once, with one receipt per inbox, and a redelivery changes nothing', async () => {
    const first = await seedInbox();
    const second = await seedInbox();
    const raw = eml({ from: 'jane@example.org', to: `${first.address}, ${second.address}` });
    const stored = await storeRaw(raw, [first.address, second.address]);
    await handler(stored.event);
    await handler(stored.event);
    const receipts = await conversations().receipts(stored.receiptKey);
    expect(receipts.map((receipt) => [receipt.inboxId, receipt.outcome]).sort()).toEqual([[first.inboxId, 'stored'], [second.inboxId, 'stored']].sort());
    for (const inbox of [first, second]) {
      const [conversation, ...others] = await conversations().inboxConversations(inbox.inboxId);
      expect(others).toHaveLength(0);
      expect(conversation).toMatchObject({ accountId: inbox.accountId, messageCount: 1 });
    }
  });

  it('finishes the inbox a crash left out, without touching the one already done', async () => {
    const first = await seedInbox();
    const second = await seedInbox();
    const stored = await storeRaw(eml({ from: 'jane@example.org', to: `${first.address}, ${second.address}` }), [first.address, second.address]);
    const forSecond = (input: { TransactItems?: Array<{ Put?: { Item?: Record<string, unknown> } }> }) => input.TransactItems?.[0]?.Put?.Item?.sk === `INBOX#${second.inboxId}`;
    await withTransactionError(() => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), () => expect(handler(stored.event)).rejects.toThrow('socket hang up'), forSecond);
    expect((await conversations().receipts(stored.receiptKey)).map((receipt) => receipt.inboxId)).toEqual([first.inboxId]);
    await handler(stored.event);
    expect(await conversations().receipts(stored.receiptKey)).toHaveLength(2);
    expect(await conversations().inboxConversations(first.inboxId)).toHaveLength(1);
    expect(await conversations().inboxConversations(second.inboxId)).toHaveLength(1);
  });
});

describe('attachments only for mail that is stored (5)', () => {
  it('uploads nothing for unroutable, spam and auto-reply mail', async () => {
    const inbox = await seedInbox();
    const unroutable = await deliver(withAttachment('jane@example.org', 'nobody@nowhere.example'), ['nobody@nowhere.example']);
    expect(unroutable.receipt).toMatchObject({ outcome: 'unroutable' });
    const spam = await deliver(withAttachment('spammer@spam.example', inbox.address), [inbox.address], { spam: 'FAIL' });
    expect(spam.receipt).toMatchObject({ outcome: 'quarantined', classification: 'spam' });
    const autoReply = await deliver(withAttachment('jane@example.org', inbox.address, ['Auto-Submitted: auto-replied']), [inbox.address]);
    expect(autoReply.receipt).toMatchObject({ outcome: 'quarantined', classification: 'auto-reply' });
    for (const { receiptKey } of [unroutable, spam, autoReply]) expect(await attachmentObjects(await receiptIdOf(receiptKey))).toEqual([]);
  });

  it('does not upload again on a redelivery: the receipt is known from the headers', async () => {
    const inbox = await seedInbox();
    const first = await deliver(withAttachment('jane@example.org', inbox.address), [inbox.address]);
    expect(await attachmentObjects(await receiptIdOf(first.receiptKey))).toHaveLength(1);
    let uploads = 0;
    const count = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (context.commandName === 'PutObjectCommand' || context.commandName === 'CreateMultipartUploadCommand') uploads++;
      return next(args);
    };
    await withMiddleware(s3(), 'countUploads', count, () => handler(first.event));
    expect(uploads).toBe(0);
  });

  it('tags what was stored for mail that ended up not stored (a duplicate) for the lifecycle to expire', async () => {
    const inbox = await seedInbox();
    const raw = withAttachment('jane@example.org', inbox.address);
    await deliver(raw, [inbox.address]);
    const duplicate = await deliver(raw, [inbox.address]);
    expect(duplicate.receipt).toMatchObject({ outcome: 'duplicate' });
    const [key] = await attachmentObjects(await receiptIdOf(duplicate.receiptKey));
    const tags = await s3().send(new GetObjectTaggingCommand({ Bucket: config().mailBucket, Key: key }));
    expect(tags.TagSet).toEqual([UNREFERENCED_TAG]);
  });
});

describe('one logger per message (12)', () => {
  it('never puts one message’s receiptKey on another’s log line, however they interleave', async () => {
    const inbox = await seedInbox();
    const lines: Array<Record<string, unknown>> = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      return true;
    });
    try {
      const logged = createInboundHandler({ logger: new Logger({ serviceName: 'inbound-test', logLevel: 'INFO' }) });
      const stored = await Promise.all(Array.from({ length: 6 }, (_, index) => storeRaw(eml({ from: `c${index}@example.org`, to: inbox.address }), [inbox.address])));
      await Promise.all(stored.map((one) => logged(one.event)));
      const processed = lines.filter((line) => line.message === 'inbound processed');
      expect(processed).toHaveLength(6);
      for (const one of stored) {
        const receipt = await conversations().receipt(one.receiptKey);
        expect(processed.filter((line) => line.conversationId === receipt!.conversationId).map((line) => line.receiptKey)).toEqual([one.receiptKey]);
      }
    } finally {
      write.mockRestore();
    }
  });
});

describe('threads that hold (13–16)', () => {
  it('considers every In-Reply-To id, and the whole References list (13, 14)', async () => {
    const inbox = await seedInbox();
    const rootId = `${uniqueId('root')}@example.org`;
    const root = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId: rootId }), [inbox.address]);
    const inReplyToFirst = await deliver(eml({ from: 'jane@example.org', to: inbox.address, headers: { 'In-Reply-To': `<${rootId}> <unknown-${uniqueId('')}@x.example>` } }), [inbox.address]);
    expect(inReplyToFirst.receipt!.conversationId).toBe(root.receipt!.conversationId);
    const deep = [rootId, ...Array.from({ length: 39 }, (_, index) => `deep${index}-${uniqueId('')}@x.example`)];
    const byDeepReferences = await deliver(eml({ from: 'jane@example.org', to: inbox.address, references: deep }), [inbox.address]);
    expect(byDeepReferences.receipt!.conversationId).toBe(root.receipt!.conversationId);
  });

  it("does not let a stranger's pre-reference capture the real mail, nor join two customers replying to one newsletter (15)", async () => {
    const inbox = await seedInbox();
    const future = `order-${uniqueId('')}@shop.example`;
    const stranger = await deliver(eml({ from: 'stranger@evil.example', to: inbox.address, inReplyTo: future, references: [future] }), [inbox.address]);
    const real = await deliver(eml({ from: 'orders@shop.example', to: inbox.address, messageId: future }), [inbox.address]);
    expect(real.receipt!.conversationId).not.toBe(stranger.receipt!.conversationId);
    const [message] = await conversations().messages(String(real.receipt!.conversationId));
    expect(message.from).toMatchObject({ email: 'orders@shop.example' });
    expect((message.thread as { evidence: string }).evidence).toContain('takes no part');

    const newsletter = `news-${uniqueId('')}@shop.example`;
    const alice = await deliver(eml({ from: 'alice@example.org', to: inbox.address, subject: 'Re: news', inReplyTo: newsletter, references: [newsletter] }), [inbox.address]);
    const bob = await deliver(eml({ from: 'bob@example.org', to: inbox.address, subject: 'Re: news', inReplyTo: newsletter, references: [newsletter] }), [inbox.address]);
    expect(bob.receipt!.conversationId).not.toBe(alice.receipt!.conversationId);
    // A real participant still converges: Alice's own follow-up referencing the same newsletter joins her thread.
    const aliceAgain = await deliver(eml({ from: 'alice@example.org', to: inbox.address, subject: 'Re: news', references: [newsletter] }), [inbox.address]);
    expect(aliceAgain.receipt!.conversationId).toBe(alice.receipt!.conversationId);
  });

  it('compares Message-ID domains case-insensitively (16)', async () => {
    const inbox = await seedInbox();
    const local = uniqueId('Case');
    const root = await deliver(eml({ from: 'jane@example.org', to: inbox.address, messageId: `${local}@Mail.Example.ORG` }), [inbox.address]);
    const reply = await deliver(eml({ from: 'jane@example.org', to: inbox.address, inReplyTo: `${local}@mail.example.org` }), [inbox.address]);
    expect(reply.receipt!.conversationId).toBe(root.receipt!.conversationId);
  });

  it("joins an Outlook reply by its Thread-Index root when the sender takes part, and records the rule (16)", async () => {
    const inbox = await seedInbox();
    const rootIndex = randomBytes(22);
    const first = await deliver(eml({ from: 'jane@example.org', to: inbox.address, headers: { 'Thread-Index': rootIndex.toString('base64') } }), [inbox.address]);
    const replyIndex = Buffer.concat([rootIndex, randomBytes(5)]).toString('base64');
    const reply = await deliver(eml({ from: 'jane@example.org', to: inbox.address, subject: 'RE: Hello', headers: { 'Thread-Index': replyIndex, 'Thread-Topic': 'Hello' } }), [inbox.address]);
    expect(reply.receipt!.conversationId).toBe(first.receipt!.conversationId);
    const [, message] = await conversations().messages(String(first.receipt!.conversationId));
    expect(message.thread).toMatchObject({ rule: 'thread-index' });
    const stranger = await deliver(eml({ from: 'stranger@evil.example', to: inbox.address, headers: { 'Thread-Index': replyIndex } }), [inbox.address]);
    expect(stranger.receipt!.conversationId).not.toBe(first.receipt!.conversationId);
  });
});
