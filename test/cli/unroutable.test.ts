/**
 * `hosted-inbox unroutable`: mail that reached no inbox, for the operator. Locally through the real command
 * line against the local stack; against a deployment in process, with the data stack's outputs replaced (no
 * local CloudFormation exists) and the conversations table of the local DynamoDB.
 */
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { sinceOf, unroutableCommand, UnroutableDeps } from '../../bin/unroutable';
import { runCli } from '../support/cli';
import { deliver, eml, uniqueId } from '../support/stack';

/** Each run starts a Node process that compiles the CLI: slow on a loaded machine (a limit, not a timing). */
const CLI_TIMEOUT = 120_000;

async function sendUnroutable() {
  const subject = uniqueId('Lost ');
  const to = `${uniqueId('nobody-')}@nowhere.inbox.example.com`;
  const { receipt } = await deliver(eml({ from: 'Jane <jane@customer.example>', to, subject }), [to]);
  expect(receipt).toMatchObject({ outcome: 'unroutable' });
  return { subject, to };
}

function deps(outputs: Record<string, string>) {
  const printed = { out: '', err: '' };
  const fake: UnroutableDeps = {
    stackOutputs: async () => outputs,
    dynamo,
    useLocalStack: () => {
      throw new Error('not local');
    },
    now: () => new Date(),
    out: (text) => (printed.out += text),
    err: (text) => (printed.err += text),
  };
  return { fake, printed };
}

it('locally: lists mail that reached no inbox since --since, newest first, with the addresses seen', async () => {
  const older = await sendUnroutable();
  const newer = await sendUnroutable();
  const { code, stdout, stderr } = await runCli(['unroutable', '--since', '10m']);
  expect([code, stderr]).toEqual([0, '']);
  const printed = JSON.parse(stdout);
  const subjects = printed.unroutable.map((record: { subject: string }) => record.subject);
  expect(subjects.indexOf(newer.subject)).toBeGreaterThanOrEqual(0);
  expect(subjects.indexOf(newer.subject)).toBeLessThan(subjects.indexOf(older.subject));
  expect(printed.unroutable.find((record: { subject: string }) => record.subject === newer.subject)).toEqual({
    receivedAt: expect.any(String),
    reason: `no inbox for: ${newer.to}`,
    addressesSeen: expect.arrayContaining([newer.to]),
    from: { email: 'jane@customer.example', name: 'Jane' },
    subject: newer.subject,
    raw: { bucket: config().mailBucket, key: expect.stringMatching(/^inbound\//) },
  });
}, CLI_TIMEOUT);

it('against a deployment: the table from the data stack outputs; --since and --limit bound it', async () => {
  const sent = await sendUnroutable();
  const run = deps({ ConversationsTableName: config().tables.conversations });
  expect(await unroutableCommand(['--stack', 'HostedInbox-Data', '--since', new Date(Date.now() - 60_000).toISOString()], run.fake)).toBe(0);
  expect(JSON.parse(run.printed.out).unroutable.map((record: { subject: string }) => record.subject)).toContain(sent.subject);

  const one = deps({ ConversationsTableName: config().tables.conversations });
  expect(await unroutableCommand(['--stack', 'HostedInbox-Data', '--limit', '1'], one.fake)).toBe(0);
  expect(JSON.parse(one.printed.out)).toMatchObject({ count: 1, more: true });

  const future = deps({ ConversationsTableName: config().tables.conversations });
  expect(await unroutableCommand(['--table', config().tables.conversations, '--since', '2999-01-01'], future.fake)).toBe(0);
  expect(JSON.parse(future.printed.out)).toMatchObject({ count: 0, unroutable: [], more: false });
});

it('names what is wrong: bad flags exit 2, a stack without the output exits 1', async () => {
  for (const args of [['--since', 'yesterday'], ['--limit', '0'], ['--stack', 'A', '--table', 'B'], ['--bogus']]) {
    const run = deps({});
    expect([args.join(' '), await unroutableCommand(args, run.fake)]).toEqual([args.join(' '), 2]);
    expect(run.printed.err).toContain('usage: hosted-inbox unroutable');
  }
  const app = deps({ ApiUrl: 'https://api.example' });
  expect(await unroutableCommand(['--stack', 'HostedInbox-App'], app.fake)).toBe(1);
  expect(app.printed.err).toContain('stack HostedInbox-App has no ConversationsTableName output');
  expect(sinceOf('24h', new Date('2026-12-04T10:00:00.000Z'))).toBe('2026-12-03T10:00:00.000Z');
  expect(sinceOf('2026-12-01', new Date())).toBe('2026-12-01T00:00:00.000Z');
});
