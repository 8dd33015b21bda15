import { inboundItems, InboundTables, openCountItems, pendingOpenCountOf, TransactItem } from '../../functions/adapters/inbound-items';
import { keys, listings } from '../../functions/adapters/keys';
import { quarantineCountUpdate } from '../../functions/adapters/quarantine-count-items';
import type { InboundRecordPlan, QuarantinePlan, StoredPlan } from '../../functions/inbound/domain/plan';

const tables: InboundTables = { inboxes: 'inboxes', contacts: 'contacts', conversations: 'conversations', tickets: 'tickets' };
const route = { inboxId: 'inb_1', accountId: 'acct_1', address: 'support@acme.inbox.example.com' };
const base = { receiptKey: 'bucket/inbound/abc', receiptId: 'rc_1', raw: { bucket: 'bucket', key: 'inbound/abc' }, receivedAt: '2026-12-01T10:00:00.000Z', trace: [] };
const summary = { subject: 'Hello', sizeBytes: 10, attachmentCount: 0 };

function storedPlan(overrides: Partial<StoredPlan> = {}): StoredPlan {
  return {
    ...base,
    outcome: 'stored',
    route,
    contact: { email: 'jane@example.org', name: 'Jane', contactId: 'ct_1' },
    attribution: { rule: 'from-header', evidence: 'From: Jane <jane@example.org>' },
    forwardedBy: null,
    conversation: { conversationId: 'cv_1', isNew: true, rule: 'new-conversation', evidence: 'no known id' },
    messageId: 'ms_1',
    threadKeys: { own: 'own@example.org', inReplyTo: [], referenced: ['parent@example.org', 'known@example.org'] },
    knownThreadIds: ['known@example.org'],
    message: {
      subject: 'Hello',
      from: { email: 'jane@example.org', name: 'Jane' },
      to: [],
      cc: [],
      references: [],
      text: 'Hi',
      textTruncated: false,
      bodies: {},
      attachments: [],
      sizeBytes: 10,
    },
    ...overrides,
  };
}

const put = (item: TransactItem) => item.Put!;
const update = (item: TransactItem) => item.Update!;
const itemWithSk = (items: TransactItem[], sk: string) => items.find((item) => (item.Put?.Item?.sk ?? item.Update?.Key?.sk) === sk);

describe('inbound transaction items', () => {
  it.each(['failed', 'unroutable'] as const)('a %s record is one conditional receipt, listed for operators', (outcome) => {
    const plan: InboundRecordPlan = { ...base, outcome, reason: 'why', summary };
    const items = inboundItems(plan, tables);
    expect(items).toHaveLength(1);
    const receipt = put(items[0]);
    expect(receipt.Item).toMatchObject({ ...keys.receipt(base.receiptKey), outcome, reason: 'why', gsi1pk: outcome === 'failed' ? listings.failed() : listings.unroutable(), gsi1sk: `${base.receivedAt}#rc_1` });
    expect(receipt.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('quarantined mail is listed in its inbox quarantine; a duplicate points at the first copy and is not listed', () => {
    const quarantined: QuarantinePlan = { ...base, outcome: 'quarantined', route, classification: 'auto-reply', reason: { rule: 'auto-submitted', evidence: 'Auto-Submitted: auto-replied' }, summary };
    expect(put(inboundItems(quarantined, tables)[0]).Item).toMatchObject({ gsi1pk: listings.quarantine('inb_1'), classification: 'auto-reply' });
    // Listed, it adds one to the inbox's quarantine count in the same transaction.
    expect(inboundItems(quarantined, tables).filter((item) => item.Update?.Key?.sk === 'QUARANTINECOUNT').map(update)).toEqual([quarantineCountUpdate('conversations', 'inb_1', base.receiptKey, 1).Update]);
    const duplicate: QuarantinePlan = { ...quarantined, outcome: 'duplicate', classification: 'duplicate', reason: { rule: 'duplicate-message-id', evidence: 'x' }, duplicateOf: { conversationId: 'cv_9', messageId: 'ms_9' } };
    const duplicateItems = inboundItems(duplicate, tables);
    const item = put(duplicateItems[0]).Item!;
    expect(item).toMatchObject({ conversationId: 'cv_9', messageId: 'ms_9' });
    expect(item.gsi1pk).toBeUndefined();
    expect(duplicateItems.some((other) => other.Update?.Key?.sk === 'QUARANTINECOUNT')).toBe(false);
  });

  it('a Gmail confirmation is captured on the inbox, authenticated only when DMARC passed', () => {
    const plan = (dmarc?: 'PASS' | 'FAIL'): QuarantinePlan => ({
      ...base, outcome: 'quarantined', route, classification: 'forwarding-confirmation', summary,
      reason: { rule: 'gmail-forwarding-confirmation', evidence: 'From: forwarding-noreply@google.com' },
      forwardingConfirmation: { code: '123456', link: 'https://mail.google.com/mail/vf-x', requestedBy: 'a@b.c' } as QuarantinePlan['forwardingConfirmation'],
      verdicts: dmarc ? { dmarc } as QuarantinePlan['verdicts'] : undefined,
    });
    const confirmation = (dmarc?: 'PASS' | 'FAIL') => {
      const items = inboundItems(plan(dmarc), tables);
      expect(items).toHaveLength(5); // the receipt, the inbox, the quarantine count, the two health counters
      expect(update(items[1]).Key).toEqual(keys.inbox('acct_1', 'inb_1'));
      return update(items[1]).ExpressionAttributeValues![':confirmation'];
    };
    expect(confirmation('PASS').authenticated).toBe(true);
    expect(confirmation('FAIL').authenticated).toBe(false);
    expect(confirmation().authenticated).toBe(false);
  });

  it('a new conversation is created open, listed in its inbox and owned by the contact', () => {
    const items = inboundItems(storedPlan(), tables);
    expect(put(items[0]).Item).toMatchObject({ outcome: 'stored', conversationId: 'cv_1', messageId: 'ms_1' });
    const message = put(itemWithSk(items, keys.message('cv_1', base.receivedAt, 'ms_1').sk)!);
    expect(message.Item).toMatchObject({ direction: 'inbound', contactId: 'ct_1', attribution: { rule: 'from-header' }, text: 'Hi' });
    const conversation = put(itemWithSk(items, 'CONV')!);
    expect(conversation.Item).toMatchObject({ status: 'open', messageCount: 1, assigneeId: null, gsi1pk: listings.conversations('inb_1'), gsi1sk: `${base.receivedAt}#cv_1` });
    expect(conversation.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('a reply reopens its conversation, only within the same inbox, and moves it up the listing', () => {
    const items = inboundItems(storedPlan({ conversation: { conversationId: 'cv_1', isNew: false, rule: 'in-reply-to', evidence: 'x' } }), tables);
    const conversation = update(itemWithSk(items, 'CONV')!);
    expect(conversation.UpdateExpression).toContain('#status = :open');
    expect(conversation.ConditionExpression).toContain('inboxId = :inbox');
    expect(conversation.ExpressionAttributeValues).toMatchObject({ ':open': 'open', ':inbox': 'inb_1', ':listedAt': `${base.receivedAt}#cv_1` });
  });

  it('the contact upsert never blanks a name', () => {
    const named = update(inboundItems(storedPlan(), tables).find((item) => item.Update?.TableName === 'contacts')!);
    expect(named.UpdateExpression).toContain('#name = if_not_exists(#name, :name)');
    const nameless = update(inboundItems(storedPlan({ contact: { email: 'x@example.org', name: '', contactId: 'ct_2' } }), tables).find((item) => item.Update?.TableName === 'contacts')!);
    expect(nameless.UpdateExpression).not.toContain('#name');
    expect(nameless.ExpressionAttributeValues).not.toHaveProperty(':name');
  });

  it('indexes its own Message-ID (claiming only its own placeholder) and referenced ids not yet known', () => {
    const items = inboundItems(storedPlan(), tables);
    const own = put(itemWithSk(items, 'THREAD')!);
    expect(own.Item).toMatchObject({ ...keys.thread('inb_1', 'own@example.org'), storedMessageId: 'ms_1' });
    expect(own.ConditionExpression).toContain('conversationId = :conversation AND attribute_not_exists(storedMessageId)');
    const threadPks = items.filter((item) => item.Put?.Item?.sk === 'THREAD').map((item) => item.Put!.Item!.pk);
    expect(threadPks).toEqual([keys.thread('inb_1', 'own@example.org').pk, keys.thread('inb_1', 'parent@example.org').pk]);
  });

  it('one receipt per inbox reached; a failure in one inbox is listed with that inbox', () => {
    expect(put(inboundItems(storedPlan(), tables)[0]).Item).toMatchObject(keys.receipt(base.receiptKey, 'inb_1'));
    const failed: InboundRecordPlan = { ...base, outcome: 'failed', reason: 'ValidationException: too big', route, summary };
    expect(put(inboundItems(failed, tables)[0]).Item).toMatchObject({ ...keys.receipt(base.receiptKey, 'inb_1'), inboxId: 'inb_1', gsi1pk: listings.failedIn('inb_1') });
    expect(keys.receipt(base.receiptKey).sk).toBe('RECEIPT');
  });

  it('never lets a long value make a key over DynamoDB limits', () => {
    const longId = `${'€'.repeat(980)}@example.org`;
    const pk = keys.thread('inb_1', longId).pk;
    expect(Buffer.byteLength(pk)).toBeLessThan(400);
    expect(pk).not.toBe(keys.thread('inb_1', `${'€'.repeat(979)}@example.org`).pk);
    expect(keys.thread('inb_1', 'short@example.org').pk).toBe('THREAD#inb_1#short@example.org');
  });

  it('leaves the own Message-ID alone when another message holds it, and writes the fingerprint, the Thread-Index root and the participants', () => {
    const plan = storedPlan({
      conversation: { conversationId: 'cv_1', isNew: true, rule: 'new-conversation', evidence: 'x', indexOwn: false },
      threadKeys: { own: 'own@example.org', inReplyTo: [], referenced: Array.from({ length: 30 }, (_, index) => `r${index}@x.example`), threadIndexRoot: 'thread-index:AAAA', fingerprint: 'fingerprint:ff' },
      knownThreadIds: [],
      participants: ['jane@example.org', 'bob@example.org'],
    });
    const items = inboundItems(plan, tables);
    const threadPks = items.filter((item) => item.Put?.Item?.sk === 'THREAD').map((item) => item.Put!.Item!.pk);
    expect(threadPks).not.toContain(keys.thread('inb_1', 'own@example.org').pk);
    expect(threadPks).toContain(keys.thread('inb_1', 'fingerprint:ff').pk);
    expect(threadPks).toContain(keys.thread('inb_1', 'thread-index:AAAA').pk);
    // The newest 10 references, not 30: the transaction stays far below its 100 items.
    expect(threadPks.filter((pk) => String(pk).includes('@x.example'))).toHaveLength(10);
    const participants = items.filter((item) => String(item.Put?.Item?.sk).startsWith('PARTICIPANT#')).map((item) => item.Put!.Item!.sk);
    expect(participants).toEqual([keys.participant('cv_1', 'jane@example.org').sk, keys.participant('cv_1', 'bob@example.org').sk]);
  });

  it('an assignee with a capacity is counted inside the transaction; one without, just after it, owed on the receipt until then', () => {
    const limited = storedPlan({ routing: { assignment: { assigneeId: 'u1', rule: 'round-robin', why: 'x', capacityLimited: true } } });
    const inTransaction = inboundItems(limited, tables).find((item) => item.Update?.TableName === 'inboxes');
    expect(update(inTransaction!).Key).toEqual(keys.user('acct_1', 'u1'));
    expect(update(inTransaction!).ConditionExpression).toContain('openAssigned < #capacity');
    expect(pendingOpenCountOf(limited)).toBeUndefined();
    expect(put(inboundItems(limited, tables)[0]).Item!.pendingOpenCount).toBeUndefined();

    const unlimited = storedPlan({ routing: { assignment: { assigneeId: 'u2', rule: 'round-robin', why: 'x' } } });
    const items = inboundItems(unlimited, tables);
    expect(items.some((item) => item.Update?.TableName === 'inboxes')).toBe(false);
    expect(put(items[0]).Item).toMatchObject({ ...keys.receipt(unlimited.receiptKey, 'inb_1'), pendingOpenCount: 'u2' });
    const pending = pendingOpenCountOf(unlimited)!;
    expect(pending).toEqual({ receiptKey: unlimited.receiptKey, inboxId: 'inb_1', accountId: 'acct_1', assigneeId: 'u2' });
    const [count, cleared] = openCountItems(pending, tables);
    expect(update(count)).toMatchObject({ Key: keys.user('acct_1', 'u2'), UpdateExpression: 'ADD openAssigned :one' });
    // Raised only while the receipt still owes it: a retry after a lost answer raises nothing.
    expect(update(cleared)).toMatchObject({ Key: keys.receipt(unlimited.receiptKey, 'inb_1'), UpdateExpression: 'REMOVE pendingOpenCount', ConditionExpression: 'pendingOpenCount = :assignee' });
    expect(pendingOpenCountOf(storedPlan())).toBeUndefined();
  });

  it('a ticket is written with the new conversation, linked to it and its contact', () => {
    const ticket = { ticketId: 'tk_1', name: 'Hello', pipelineId: 'support', stageId: 'new', priority: 'medium' as const, ownerId: null };
    const items = inboundItems(storedPlan({ routing: { ticket } }), tables);
    const ticketPut = put(items.find((item) => item.Put?.TableName === 'tickets')!);
    expect(ticketPut.Item).toMatchObject({ ...keys.ticket('acct_1', 'tk_1'), conversationId: 'cv_1', contactId: 'ct_1', gsi1pk: listings.ticketsInStage('acct_1', 'support', 'new') });
    expect(ticketPut.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put(itemWithSk(items, 'CONV')!).Item).toMatchObject({ ticketId: 'tk_1' });
  });
});
