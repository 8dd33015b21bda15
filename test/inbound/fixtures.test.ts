/**
 * The fixture corpus (test/fixtures/inbound, see its README): every case through the real chain on the
 * local stack — one inbox per case, trusting exactly the case's forwarders — and through `explain`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { explainMessage } from '../../functions/inbound/explain';
import { conversations, deliver, seedInbox } from '../support/stack';
import * as generators from '../fixtures/inbound/generate';

interface Case {
  file: string;
  about: string;
  trusted: string[];
  generated?: { module: string; export: string; sizeBytes: number };
  expect: {
    outcome?: 'quarantined';
    classification?: string;
    reason: string | null;
    contact?: { email: string; name: string } | null;
    rule?: string | null;
    evidence?: string;
    forwardedBy?: string | null;
    forwardingConfirmation?: { code: string | null; link: string };
  };
}

const FIXTURES = join(__dirname, '../fixtures/inbound');
const cases: Case[] = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8'));

function rawOf(testCase: Case): Buffer {
  if (!testCase.generated) return readFileSync(join(FIXTURES, testCase.file));
  const generate = (generators as Record<string, (size: number) => Buffer>)[testCase.generated.export];
  return generate(testCase.generated.sizeBytes);
}

describe.each(cases.map((testCase) => [testCase.file, testCase] as const))('%s', (_file, testCase) => {
  const expected = testCase.expect;

  it('is decided as expected through the inbound chain on the local stack', async () => {
    const inbox = await seedInbox({ trusted: testCase.trusted });
    const { receipt } = await deliver(rawOf(testCase), [inbox.address]);
    if (expected.outcome === 'quarantined') {
      expect(receipt).toMatchObject({ outcome: 'quarantined', reason: { rule: expected.reason } });
      return;
    }
    if (expected.classification !== 'message') {
      expect(receipt).toMatchObject({ outcome: 'quarantined', classification: expected.classification, reason: { rule: expected.reason } });
      expect((receipt!.reason as { evidence: string }).evidence).toContain(expected.evidence);
      expect(await conversations().inboxConversations(inbox.inboxId)).toHaveLength(0);
      if (expected.forwardingConfirmation) {
        const stored = await conversations().inboxItem(inbox.accountId, inbox.inboxId);
        expect(stored!.forwardingConfirmation).toMatchObject(expected.forwardingConfirmation);
      }
      return;
    }
    expect(receipt).toMatchObject({ outcome: 'stored' });
    const [message] = await conversations().messages(String(receipt!.conversationId));
    expect(message.from).toEqual(expected.contact);
    expect(message.attribution).toMatchObject({ rule: expected.rule });
    expect((message.attribution as { evidence: string }).evidence).toContain(expected.evidence);
    expect(message.forwardedBy).toBe(expected.forwardedBy);
    const contact = await conversations().contact(inbox.accountId, String(message.contactId));
    expect(contact).toMatchObject({ email: expected.contact!.email });
  });

  it('is explained the same way by `explain`', async () => {
    const result = await explainMessage(Readable.from([rawOf(testCase)]), { trusted: testCase.trusted, inbox: 'support@acme.inbox.example.com' });
    if (expected.outcome === 'quarantined') {
      expect(result).toMatchObject({ outcome: 'quarantined', contact: null, reason: { rule: expected.reason } });
      return;
    }
    expect(result).toMatchObject({ classification: expected.classification, contact: expected.contact ?? null, forwardedBy: expected.forwardedBy ?? null });
    if (expected.classification === 'message') expect(result.attribution).toMatchObject({ rule: expected.rule });
    else expect(result.reason).toMatchObject({ rule: expected.reason });
  });
});
