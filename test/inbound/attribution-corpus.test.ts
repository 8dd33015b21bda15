/**
 * The attribution corpus (test/support/attribution-corpus.ts): every client family × locale × form, sent by
 * a trusted colleague and by a stranger, plus replies that look like forwards and forwards of forwards.
 * All of it through `explain`'s dry-run chain in-process; a sample through the real chain on the local
 * stack (one locale per family and form, rotating, both senders). Prints the summary per family × form.
 */
import { Readable } from 'node:stream';
import { explainMessage } from '../../functions/inbound/explain';
import { attributionCorpus, CORPUS_INBOX, CorpusMessage } from '../support/attribution-corpus';
import { conversations, deliver, seedInbox } from '../support/stack';

const corpus = attributionCorpus();

async function explained(message: CorpusMessage) {
  const result = await explainMessage(Readable.from([message.raw]), { trusted: [...message.trusted], inbox: CORPUS_INBOX });
  return result as { contact: { email: string } | null; attribution: { rule: string } | null; forwardedBy: string | null; trace: Array<{ step: string; why: string }> };
}

it('covers every family the README names, each locale it writes, every form, both senders', () => {
  const families = new Set(corpus.map((message) => message.family));
  expect([...families].sort()).toEqual(
    ['apple-mail', 'gmail', 'hubspot', 'ionos', 'ios-mail', 'mailmate', 'missive', 'nested', 'new-outlook', 'outlook-2013', 'outlook-2019', 'outlook-desktop', 'outlook-live', 'owa', 'reply', 'thunderbird', 'yahoo'].sort(),
  );
  const locales = new Set(corpus.filter((message) => message.family === 'apple-mail').map((message) => message.locale));
  expect(locales.size).toBe(22);
  expect(corpus.filter((message) => message.family === 'yahoo' && message.form === 'html-only')).toHaveLength(40);
  // Legacy charsets and both transfer encodings are really in there.
  const raw = corpus.map((message) => message.raw.toString('latin1'));
  for (const marker of ['charset="iso-2022-jp"', 'charset="windows-1252"', 'charset="iso-8859-1"', 'charset="koi8-r"', 'charset="utf-8"', 'quoted-printable', 'base64', 'message/rfc822']) {
    expect(raw.some((text) => text.includes(marker))).toBe(true);
  }
});

it('attributes every message of the corpus as expected through explain (in-process dry run)', async () => {
  const cells = new Map<string, { right: number; total: number }>();
  const wrong: string[] = [];
  for (const message of corpus) {
    const result = await explained(message);
    const right = result.contact?.email === message.expect.email && result.attribution?.rule === message.expect.rule;
    const cell = `${message.family} × ${message.form}`;
    const counts = cells.get(cell) ?? { right: 0, total: 0 };
    cells.set(cell, { right: counts.right + (right ? 1 : 0), total: counts.total + 1 });
    if (!right) wrong.push(`${message.name}: ${result.contact?.email} (${result.attribution?.rule}), expected ${message.expect.email} (${message.expect.rule})`);
    // Never an inner sender for a stranger.
    if (message.sender === 'stranger') expect(result.contact?.email).toBe(message.expect.email);
  }
  const rows = [...cells].map(([cell, { right, total }]) => `${cell.padEnd(32)} ${String(right).padStart(4)}/${String(total).padEnd(4)} ${((100 * right) / total).toFixed(0)}%`);
  console.log(`Attribution corpus, ${corpus.length} messages, per family × form:\n${rows.join('\n')}`);
  expect(wrong).toEqual([]);
  // ~4 s on two idle cores; the bound leaves room for a machine shared with other work.
}, 180_000);

it('explains why: the forward found and the forwarder trusted, or untrusted, or a reply', async () => {
  const byName = (prefix: string) => corpus.find((message) => message.name.startsWith(prefix))!;
  const attribute = async (prefix: string) => (await explained(byName(prefix))).trace.find((entry) => entry.step === 'attribute')!.why;
  expect(await attribute('yahoo/en/prefix/trusted')).toMatch(/found by email-forward-parser.*forwarder agent@acme\.com: on the inbox's trusted forwarders; authenticated \(dmarc=pass for acme\.com\)/);
  expect(await attribute('new-outlook/en/own-subject/trusted')).toContain('found by our header-block reader (From, Subject and Date or To lines)');
  expect(await attribute('gmail/de/prefix/stranger')).toMatch(/a forwarded block was found \(.+\), but stranger\d+@partner-\d\.example is not a trusted forwarder/);
  expect(await attribute('outlook-2019/en/own-subject/trusted')).toMatch(/^from-header: .*reply: quote header "On 28\/10\/2021 12:46, .* wrote:" followed by history, and no forward prefix in the subject: a reply/);
  expect(await attribute('nested/en/prefix/second-untrusted')).toMatch(/stopped at sam@acme\.com: not a trusted forwarder, so the forward inside its message \(From: .+\) is ignored/);
});

describe('through the real chain on the local stack (a sample: one locale per family and form, both senders)', () => {
  const cells = new Map<string, CorpusMessage[]>();
  for (const message of corpus) {
    const cell = `${message.family}/${message.form}/${message.sender}`;
    cells.set(cell, [...(cells.get(cell) ?? []), message]);
  }
  // The n-th cell takes its n-th message (modulo its size), so the sample spans the locales.
  const sample = [...cells.values()].map((messages, index) => messages[(index * 7) % messages.length]);

  it.each(sample.map((message) => [message.name, message] as const))('%s', async (_name, message) => {
    const inbox = await seedInbox({ trusted: [...message.trusted] });
    const { receipt } = await deliver(message.raw, [inbox.address]);
    expect(receipt).toMatchObject({ outcome: 'stored' });
    const [stored] = await conversations().messages(String(receipt!.conversationId));
    expect(stored).toMatchObject({ from: { email: message.expect.email }, attribution: { rule: message.expect.rule } });
  });
});
