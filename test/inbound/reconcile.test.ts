/**
 * Reconcile (issue 11 #4): raw mail without a receipt goes through the same exactly-once path, from the use
 * case and from the command line, on the real local stack. Each test lists only its own key prefix, so the
 * mail of tests running alongside is never touched.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { dynamo, s3 } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { inboundPorts, rawMailInventory } from '../../functions/adapters/inbound-ports';
import { reconcileRawMail } from '../../functions/inbound/reconcile';
import { sesReceiptEvent } from '../../bin/local/smtp-inbound';
import { conversations, eml, seedInbox, uniqueId } from '../support/stack';

async function putRaw(prefix: string, raw: string): Promise<string> {
  const key = `${prefix}${uniqueId('m')}`;
  await s3().send(new PutObjectCommand({ Bucket: config().mailBucket, Key: key, Body: raw }));
  return key;
}

const receiptKey = (key: string) => `${config().mailBucket}/${key}`;

function reconcileUnder(prefix: string, options: { minAgeMs?: number; now?: Date } = {}) {
  const { tables, mailBucket } = config();
  const clients = { dynamo: dynamo(), s3: s3() };
  return reconcileRawMail(rawMailInventory(clients, tables, mailBucket, prefix), inboundPorts(clients, tables, mailBucket), { inboxDomain: config().inboxDomain, minAgeMs: 0, ...options });
}

describe('reconcile', () => {
  it('files raw mail without a receipt once, leaves processed and young mail alone, and a second run finds nothing', async () => {
    const inbox = await seedInbox();
    const prefix = `${config().rawMailPrefix}${uniqueId('reconcile-')}/`;
    const delivered = await putRaw(prefix, eml({ from: 'jane@example.org', to: inbox.address, subject: 'delivered' }));
    const messageId = delivered.slice(config().rawMailPrefix.length);
    await handler(sesReceiptEvent({ messageId, mailFrom: 'jane@example.org', recipients: [inbox.address], receivedAt: new Date() }));
    const orphan = await putRaw(prefix, eml({ from: 'bob@example.org', to: inbox.address, subject: 'orphan' }));
    const lost = await putRaw(prefix, eml({ from: 'bob@example.org', to: 'nobody@nowhere.example', subject: 'for no inbox' }));

    // Too young: may still be in flight.
    expect(await reconcileUnder(prefix, { minAgeMs: 60_000 })).toEqual({ scanned: 3, orphaned: [], errors: [] });

    const report = await reconcileUnder(prefix);
    expect(report.scanned).toBe(3);
    expect(report.errors).toEqual([]);
    expect(report.orphaned.map(({ key, outcomes }) => [key, outcomes]).sort()).toEqual([[lost, ['unroutable']], [orphan, ['stored']]].sort());
    expect(await conversations().receipt(receiptKey(orphan))).toMatchObject({ outcome: 'stored', inboxId: inbox.inboxId });
    expect(await conversations().receipt(receiptKey(lost))).toMatchObject({ outcome: 'unroutable' });
    expect((await conversations().inboxConversations(inbox.inboxId)).map((row) => row.subject).sort()).toEqual(['delivered', 'orphan']);

    expect((await reconcileUnder(prefix)).orphaned).toEqual([]);
    expect(await conversations().inboxConversations(inbox.inboxId)).toHaveLength(2);
  });

  it('runs from the command line against the configured stack and prints its report', async () => {
    const inbox = await seedInbox();
    const prefix = `${config().rawMailPrefix}${uniqueId('cli-')}/`;
    const orphan = await putRaw(prefix, eml({ from: 'jane@example.org', to: inbox.address }));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(__dirname, '../../bin/hosted-inbox.js'), 'reconcile', ...args], { env: { ...process.env, RAW_MAIL_PREFIX: prefix, NODE_NO_WARNINGS: '1' } }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout + error.stderr }),
      );
    expect((await run('--min-age', 'soon')).code).toBe(2);
    const { code, stdout } = await run('--min-age', '0');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ scanned: 1, orphaned: [{ key: orphan, outcomes: ['stored'] }], errors: [] });
    expect(await conversations().receipt(receiptKey(orphan))).toMatchObject({ outcome: 'stored' });
  }, 60_000);
});
