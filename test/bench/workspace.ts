/**
 * The agent workspace's figures: the first page of each view in an inbox holding 10,000 conversations, through
 * the local HTTP API (p50/p99), and a reply's sequential DynamoDB round trips and SES calls.
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalHttpApi } from '../../bin/local/http-api';
import { createLocalAuth } from '../../bin/local/local-auth';
import { localIdentity } from '../../bin/local/seed';
import { dynamo, ses } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { conversationViewKeys, ConversationStatus } from '../../functions/adapters/conversation-items';
import { keys, listings } from '../../functions/adapters/keys';
import { directory, uniqueId } from '../support/stack';
import { Call, recordCalls, sequentialLevels } from './round-trips';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

export interface WorkspaceFigures {
  readonly conversations: number;
  readonly views: Record<string, { p50Ms: number; p99Ms: number; requests: number; listed: number }>;
  readonly reply: { dynamoLevels: string[][]; sesCalls: number; status: number };
}

export async function measureWorkspace(total = 10_000, requestsPerView = 200): Promise<WorkspaceFigures> {
  const accountId = uniqueId('acct_');
  const inboxId = uniqueId('inb_');
  const [me, other] = [`usr_${accountId}_0`, `usr_${accountId}_1`];
  const forwardingAddress = `support@${accountId.replace('_', '-')}.inbox.example.com`;
  await directory().createAccount({ accountId, name: 'Bench', subdomain: accountId.replace('_', '-') }, [
    { userId: me, email: 'me@bench.example', name: 'Me', role: 'admin' },
    { userId: other, email: 'other@bench.example', name: 'Other', role: 'agent' },
  ] as never);
  await directory().createInbox({ inboxId, accountId, name: 'Support', forwardingAddress });
  const tables = config().tables;
  await dynamo().send(new UpdateCommand({
    TableName: tables.inboxes, Key: keys.inbox(accountId, inboxId),
    UpdateExpression: 'SET senderName = :name, senderAddress = :address',
    ExpressionAttributeValues: { ':name': { mode: 'company', companyName: 'Bench' }, ':address': { mode: 'default', username: 'help', address: `help@${accountId.replace('_', '-')}.inbox.example.com` } },
  }));

  // 10,000 conversations in their stored form: a third unassigned, a third mine, a third closed or others'.
  const start = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: total }, (_unused, index) => {
    const conversationId = `cv_${index.toString(16).padStart(32, '0')}`;
    const status: ConversationStatus = index % 6 === 5 ? 'closed' : 'open';
    const assigneeId = index % 3 === 0 ? null : index % 3 === 1 ? me : other;
    const lastMessageAt = new Date(start + index * 1000).toISOString();
    return {
      ...keys.conversation(conversationId), conversationId, accountId, inboxId, subject: `Question ${index}`, status, assigneeId,
      contactId: `ct_${index}`, contactEmail: `c${index}@customer.example`, contactName: `Customer ${index}`, createdAt: lastMessageAt, lastMessageAt, messageCount: 1,
      snippet: 'Where is my order? It was supposed to arrive yesterday.', gsi1pk: listings.conversations(inboxId), gsi1sk: `${lastMessageAt}#${conversationId}`,
      ...Object.fromEntries(Object.entries(conversationViewKeys({ accountId, inboxId, conversationId, status, assigneeId, lastMessageAt })).filter(([, value]) => value !== undefined)),
    };
  });
  const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_unused, index) => items.slice(index * 25, index * 25 + 25));
  for (let index = 0; index < batches.length; index += 8) {
    await Promise.all(batches.slice(index, index + 8).map(async (batch) => {
      let request: Record<string, unknown[]> | undefined = { [tables.conversations]: batch.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length) request = (await dynamo().send(new BatchWriteCommand({ RequestItems: request as never }))).UnprocessedItems as never;
    }));
  }

  const auth = await createLocalAuth();
  const server = await startLocalHttpApi({ auth, identityFor: localIdentity });
  try {
    const token = await auth.sign({ accountId, userId: me, email: 'me@bench.example' });
    const get = async (path: string) => {
      const began = performance.now();
      const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { conversations: unknown[] };
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return { ms: performance.now() - began, listed: body.conversations.length };
    };
    const views: WorkspaceFigures['views'] = {};
    const paths: Record<string, string> = Object.fromEntries([
      ...['unassigned', 'mine', 'open', 'closed'].map((view) => [`inbox ${view}`, `/inboxes/${inboxId}/conversations?view=${view}`]),
      ['account mine', '/conversations?view=mine'],
    ]);
    for (const [name, path] of Object.entries(paths)) {
      await get(path); // warm: the function module loads on first use, like a cold start
      const runs = [];
      for (let index = 0; index < requestsPerView; index++) runs.push(await get(path));
      const sorted = runs.map((run) => run.ms).sort((a, b) => a - b);
      views[name] = { p50Ms: Number(percentile(sorted, 50).toFixed(1)), p99Ms: Number(percentile(sorted, 99).toFixed(1)), requests: requestsPerView, listed: runs[0].listed };
    }

    // A reply to an unassigned conversation with one inbound message (the most round trips: it also assigns).
    const conversationId = items[0].conversationId;
    await dynamo().send(new PutCommand({
      TableName: tables.conversations,
      Item: { ...keys.message(conversationId, items[0].lastMessageAt, 'ms_bench'), messageId: 'ms_bench', conversationId, direction: 'inbound', receivedAt: items[0].lastMessageAt, subject: 'Question 0', from: { email: 'c0@customer.example', name: 'Customer 0' }, to: [{ email: forwardingAddress, name: '' }], cc: [], messageIdHeader: 'q0@customer.example', references: [], text: 'Where is my order?' },
    }));
    const dynamoCalls: Call[] = [];
    const sesCalls: Call[] = [];
    recordCalls(dynamo(), dynamoCalls);
    recordCalls(ses(), sesCalls);
    const response = await fetch(`${server.url}/conversations/${conversationId}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': uniqueId('bench-key-') },
      body: JSON.stringify({ text: 'It ships today.' }),
    });
    // The role check (admin routes only) and module loading make no calls for this agent route.
    return { conversations: total, views, reply: { dynamoLevels: sequentialLevels(dynamoCalls), sesCalls: sesCalls.length, status: response.status } };
  } finally {
    await server.stop();
  }
}
