/**
 * The HTTP API on the local stack, as clients see it: the local server (same route table, same JWT checks as
 * API Gateway) in front of the real handlers, real tokens, and accounts created fresh for each test.
 */
import { randomBytes } from 'node:crypto';
import { createLocalAuth, LocalAuth } from '../../bin/local/local-auth';
import { LocalHttpApi, startLocalHttpApi } from '../../bin/local/http-api';
import { localIdentity } from '../../bin/local/seed';
import { directory } from './stack';

export interface TestApi {
  readonly url: string;
  readonly auth: LocalAuth;
  readonly server: LocalHttpApi;
  stop(): Promise<void>;
}

export async function startTestApi(): Promise<TestApi> {
  const auth = await createLocalAuth();
  const server = await startLocalHttpApi({ auth, identityFor: localIdentity });
  // As `npm start` does: links in emails point at this server (each test file has its own modules and config).
  process.env.PUBLIC_API_URL = server.url;
  return { url: server.url, auth, server, stop: () => server.stop() };
}

export interface Reply<T = any> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
  readonly headers: Headers;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (not JSON-encoded). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

export async function call<T = any>(api: Pick<TestApi, 'url'>, method: string, path: string, options: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    redirect: 'manual',
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, text, headers: response.headers };
}

export interface TestUser {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly token: string;
}

export interface TestAccount {
  readonly accountId: string;
  readonly subdomain: string;
  readonly users: TestUser[];
  /** The first user's token. */
  readonly token: string;
}

/** A fresh account (unique subdomain) with `userCount` users, each with a valid token; the first is its admin, the others agents. */
export async function createTestAccount(api: TestApi, userCount = 3): Promise<TestAccount> {
  const suffix = randomBytes(4).toString('hex');
  const accountId = `acct_${suffix}`;
  const subdomain = `t${suffix}`;
  const members = Array.from({ length: userCount }, (_unused, index) => ({
    userId: `usr_${suffix}_${index}`,
    email: `agent${index}@${subdomain}.example`,
    name: `Agent ${index}`,
    role: index === 0 ? ('admin' as const) : ('agent' as const),
  }));
  await directory().createAccount({ accountId, name: `Account ${suffix}`, subdomain }, members);
  const users = await Promise.all(members.map(async ({ role: _role, ...member }) => ({ ...member, token: await api.auth.sign({ accountId, userId: member.userId, email: member.email }) })));
  return { accountId, subdomain, users, token: users[0].token };
}

export interface SentEmail {
  readonly from: string;
  readonly destination: { to: string[] };
  readonly subject: string;
  readonly body: { text?: string; html?: string };
}

/** What aws-ses-v2-local received for this address (its `/store`). */
export async function sentTo(address: string): Promise<SentEmail[]> {
  const store = (await (await fetch(`${process.env.AWS_ENDPOINT_URL_SES}/store`)).json()) as { emails: SentEmail[] };
  return store.emails.filter((email) => email.destination.to.some((to) => to.includes(address)));
}

/** An account with a connected inbox at `support@<subdomain>.inbox.example.com`. */
export interface TestWorkspace extends TestAccount {
  readonly inboxId: string;
  readonly address: string;
}

export async function createTestWorkspace(api: TestApi, userCount = 3): Promise<TestWorkspace> {
  const account = await createTestAccount(api, userCount);
  const inboxId = `inb_${randomBytes(5).toString('hex')}`;
  const address = `support@${account.subdomain}.inbox.example.com`;
  await directory().createInbox({ inboxId, accountId: account.accountId, name: 'Support', forwardingAddress: address });
  return { ...account, inboxId, address };
}

/** `GET /conversations/{id}` as the workspace's first user; anything but 200 throws. */
export async function readConversation(api: Pick<TestApi, 'url'>, ws: TestWorkspace, conversationId: string) {
  const reply = await call(api, 'GET', `/conversations/${conversationId}`, { token: ws.token });
  if (reply.status !== 200) throw new Error(`GET /conversations/${conversationId} answered ${reply.status}: ${reply.text}`);
  return reply.body;
}
