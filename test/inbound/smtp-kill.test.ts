/**
 * The local SMTP path killed mid-burst (issue 11, proof): the listener runs in a child process that is
 * `kill -9`ed once some clients were told 250. Every client not told 250 sends the very same bytes again to a
 * new listener, as an MTA would, then reconcile files the raw mail the dead listener stored but never
 * recorded. Every message sent ends stored exactly once: none lost, none twice.
 */
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { inboundPorts, rawMailInventory } from '../../functions/adapters/inbound-ports';
import { reconcileRawMail } from '../../functions/inbound/reconcile';
import { conversations, eml, seedInbox, uniqueId } from '../support/stack';

const BURST = 40;
/** 250s received before the kill: the rest of the burst is somewhere between connecting and committing. */
const TOLD_250_BEFORE_KILL = 10;

interface Listener {
  readonly child: ChildProcess;
  readonly port: number;
}

/** A listener in its own process, storing raw mail under `rawMailPrefix` (reconcile then lists only that). */
function startListener(rawMailPrefix: string): Promise<Listener> {
  const child = fork(join(__dirname, '../support/smtp-listener-process.ts'), [], {
    execArgv: ['--require', require.resolve('tsx/cjs')],
    env: { ...process.env, RAW_MAIL_PREFIX: rawMailPrefix, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`SMTP listener exited with ${code} before listening`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends the raw message on a connection of its own; resolves with whether the server answered 250. */
async function send(port: number, from: string, to: string, raw: string): Promise<boolean> {
  const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, socketTimeout: 10_000 });
  try {
    const sent = await transport.sendMail({ envelope: { from, to: [to] }, raw });
    return sent.response.startsWith('250 ');
  } catch {
    return false;
  } finally {
    transport.close();
  }
}

describe('the local SMTP listener killed mid-burst', () => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(stopped));
  });

  it('stores every message exactly once after the unanswered ones are re-sent and reconcile runs', async () => {
    const inbox = await seedInbox();
    const rawMailPrefix = `${config().rawMailPrefix}${uniqueId('smtp-kill-')}/`;
    const messages = Array.from({ length: BURST }, (_, index) => {
      const from = `customer${index}@example.org`;
      const messageId = `${uniqueId(`burst${index}-`)}@example.org`;
      return { from, messageId, raw: eml({ from, to: inbox.address, subject: `order ${index}`, messageId }) };
    });

    const first = await startListener(rawMailPrefix);
    children.push(first.child);
    let told250 = 0;
    const answered = await Promise.all(
      messages.map(async ({ from, raw }) => {
        const ok = await send(first.port, from, inbox.address, raw);
        if (ok && ++told250 === TOLD_250_BEFORE_KILL) first.child.kill('SIGKILL');
        return ok;
      }),
    );
    await stopped(first.child);
    const unanswered = messages.filter((_, index) => !answered[index]);
    // The kill came mid-burst: some clients were told 250, others must send again.
    expect(told250).toBeGreaterThanOrEqual(TOLD_250_BEFORE_KILL);
    expect(unanswered.length).toBeGreaterThan(0);

    const second = await startListener(rawMailPrefix);
    children.push(second.child);
    const resent = await Promise.all(unanswered.map(({ from, raw }) => send(second.port, from, inbox.address, raw)));
    expect(resent.every(Boolean)).toBe(true);

    const { tables, mailBucket, inboxDomain } = config();
    const clients = { dynamo: dynamo(), s3: s3() };
    const report = await reconcileRawMail(rawMailInventory(clients, tables, mailBucket, rawMailPrefix), inboundPorts(clients, tables, mailBucket), { inboxDomain, minAgeMs: 0 });
    expect(report.errors).toEqual([]);
    // Raw mail the dead listener stored without recording it is filed now: as the message itself, or as a
    // duplicate of its re-sent copy.
    for (const { outcomes } of report.orphaned) expect([['stored'], ['duplicate']]).toContainEqual(outcomes);

    const stored = (
      await Promise.all((await conversations().inboxConversations(inbox.inboxId)).map((row) => conversations().messages(String(row.conversationId))))
    ).flat();
    expect(stored.map((message) => message.messageIdHeader).sort()).toEqual(messages.map(({ messageId }) => messageId).sort());
  });
});
