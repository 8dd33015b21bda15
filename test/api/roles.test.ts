/**
 * Roles through the local HTTP API: every admin-only route of the route table refuses an agent with 403
 * before it reads its body or its resource, and lets an admin through; role changes, and their limits.
 */
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { keys } from '../../functions/adapters/keys';
import { API_ROUTES } from '../../functions/api/routes';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';

let api: TestApi;
let account: TestAccount;
/** Ids of real resources of the account, so a refusal can only be about the role. */
let params: Record<string, string>;

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 3);
  const admin = account.token;
  const inbox = await call(api, 'POST', '/inboxes', { token: admin, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  const team = await call(api, 'POST', '/teams', { token: admin, body: { name: 'Tier 1', memberIds: [account.users[1].userId] } });
  expect([inbox.status, team.status]).toEqual([201, 201]);
  params = { inboxId: inbox.body.inboxId, teamId: team.body.teamId, userId: account.users[2].userId, pipelineId: 'default', domain: 'roles.example', contactId: 'ct_none', ticketId: 'tk_none' };
});
afterAll(() => api?.stop());

const [adminRoutes, agentRoutes] = [API_ROUTES.filter((route) => route.auth === 'jwt' && route.role === 'admin'), API_ROUTES.filter((route) => route.auth === 'jwt' && route.role === 'agent')];
const pathOf = (path: string) => path.replace(/\{(\w+)\}/g, (_match, name: string) => params[name] ?? `x_${name}`);
const agent = () => account.users[1];

it('declares admin-only routes for every kind of setting', () => {
  const declared = adminRoutes.map((route) => `${route.method} ${route.path}`);
  for (const key of ['POST /inboxes', 'PUT /inboxes/{inboxId}/assignment', 'POST /users', 'PATCH /users/{userId}', 'POST /teams', 'PATCH /teams/{teamId}', 'POST /pipelines', 'PATCH /account']) {
    expect(declared).toContain(key);
  }
});

describe.each(adminRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_key, route) => {
  // GET requests cannot carry a body (fetch refuses one).
  const body = route.method === 'GET' ? undefined : {};
  it('refuses an agent with 403 before looking at the body or the resource', async () => {
    const reply = await call(api, route.method, pathOf(route.path), { token: agent().token, body });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toEqual({ code: 'forbidden', message: 'this needs the admin role: ask an admin of the account' });
  });

  it('lets an admin through to the route itself', async () => {
    const reply = await call(api, route.method, pathOf(route.path), { token: account.token, body });
    expect(reply.status).not.toBe(403);
    expect(reply.status).toBeLessThan(500);
  });
});

it('lets an agent read every setting and work (no agent route answers 403)', async () => {
  for (const route of agentRoutes.filter((candidate) => candidate.method === 'GET')) {
    const reply = await call(api, 'GET', pathOf(route.path), { token: agent().token });
    expect([`${route.path}`, reply.status]).not.toEqual([`${route.path}`, 403]);
    expect(reply.status).toBeLessThan(500);
  }
});

it('changes nothing when an agent is refused, even with a valid body', async () => {
  const before = (await call(api, 'GET', '/inboxes', { token: agent().token })).body.inboxes.length;
  const create = await call(api, 'POST', '/inboxes', { token: agent().token, body: { name: 'Sneaky', channel: 'team-email', accountType: 'shared', provider: 'other' } });
  expect(create.status).toBe(403);
  const rename = await call(api, 'PATCH', `/teams/${params.teamId}`, { token: agent().token, body: { name: 'Renamed by an agent' } });
  expect(rename.status).toBe(403);
  expect((await call(api, 'GET', '/inboxes', { token: agent().token })).body.inboxes).toHaveLength(before);
  expect((await call(api, 'GET', `/teams/${params.teamId}`, { token: agent().token })).body.name).toBe('Tier 1');
});

it('shows each user’s role; invited users are agents unless made admins', async () => {
  const me = await call(api, 'GET', '/me', { token: agent().token });
  expect(me.body.user.role).toBe('agent');
  expect((await call(api, 'GET', '/me', { token: account.token })).body.user.role).toBe('admin');
  const invited = await call(api, 'POST', '/users', { token: account.token, body: { email: `new-${randomBytes(3).toString('hex')}@example.org`, name: 'New' } });
  expect(invited.status).toBe(201);
  expect(invited.body.role).toBe('agent');
  const admin = await call(api, 'POST', '/users', { token: account.token, body: { email: `boss-${randomBytes(3).toString('hex')}@example.org`, name: 'Boss', role: 'admin' } });
  expect(admin.body.role).toBe('admin');
  const invalid = await call(api, 'POST', '/users', { token: account.token, body: { email: 'x@example.org', name: 'X', role: 'owner' } });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error.issues).toEqual([{ field: 'role', rule: 'invalid_value', message: 'must be "admin" or "agent"' }]);
});

it('an agent sets their own availability, never someone else’s', async () => {
  expect((await call(api, 'PUT', `/users/${agent().userId}/availability`, { token: agent().token, body: { availability: 'away' } })).status).toBe(200);
  const other = await call(api, 'PUT', `/users/${account.users[2].userId}/availability`, { token: agent().token, body: { availability: 'away' } });
  expect(other.status).toBe(403);
  expect((await call(api, 'GET', `/users/${account.users[2].userId}`, { token: agent().token })).body.availability).toBe('available');
  expect((await call(api, 'PUT', `/users/${account.users[2].userId}/availability`, { token: account.token, body: { availability: 'away' } })).status).toBe(200);
});

describe('role changes', () => {
  it('a promotion and a demotion take effect on the next request with the same token', async () => {
    const fresh = await createTestAccount(api, 2);
    const [admin, person] = fresh.users;
    const createTeam = () => call(api, 'POST', '/teams', { token: person.token, body: { name: 'Night shift' } });
    expect((await createTeam()).status).toBe(403);
    expect((await call(api, 'PATCH', `/users/${person.userId}`, { token: admin.token, body: { role: 'admin' } })).body.role).toBe('admin');
    expect((await createTeam()).status).toBe(201);
    expect((await call(api, 'PATCH', `/users/${person.userId}`, { token: admin.token, body: { role: 'agent' } })).body.role).toBe('agent');
    expect((await createTeam()).status).toBe(403);
  });

  it('nobody changes their own role, so an account never loses its last admin that way', async () => {
    const fresh = await createTestAccount(api, 1);
    const reply = await call(api, 'PATCH', `/users/${fresh.users[0].userId}`, { token: fresh.token, body: { role: 'agent' } });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('own_role');
    expect((await call(api, 'GET', '/me', { token: fresh.token })).body.user.role).toBe('admin');
  });

  it('two admins demoting each other at once: exactly one wins, one admin is left', async () => {
    const fresh = await createTestAccount(api, 2);
    const [first, second] = fresh.users;
    await call(api, 'PATCH', `/users/${second.userId}`, { token: first.token, body: { role: 'admin' } });
    const replies = await Promise.all([
      call(api, 'PATCH', `/users/${second.userId}`, { token: first.token, body: { role: 'agent' } }),
      call(api, 'PATCH', `/users/${first.userId}`, { token: second.token, body: { role: 'agent' } }),
    ]);
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 403]);
    const users = (await call(api, 'GET', '/users', { token: first.token })).body.users as { role: string }[];
    expect(users.filter((user) => user.role === 'admin')).toHaveLength(1);
  });

  it('a user stored before roles existed (no role attribute) is an admin', async () => {
    const fresh = await createTestAccount(api, 2);
    const legacy = fresh.users[1];
    await dynamo().send(new UpdateCommand({ TableName: config().tables.inboxes, Key: keys.user(fresh.accountId, legacy.userId), UpdateExpression: 'REMOVE #role', ExpressionAttributeNames: { '#role': 'role' } }));
    expect((await call(api, 'GET', '/me', { token: legacy.token })).body.user.role).toBe('admin');
    expect((await call(api, 'POST', '/teams', { token: legacy.token, body: { name: 'Legacy team' } })).status).toBe(201);
  });

  it('a token whose user no longer exists gets 403 on admin routes', async () => {
    const fresh = await createTestAccount(api, 1);
    const ghost = await api.auth.sign({ accountId: fresh.accountId, userId: 'usr_gone', email: 'gone@example.org' });
    const reply = await call(api, 'POST', '/teams', { token: ghost, body: { name: 'Ghost team' } });
    expect(reply.status).toBe(403);
    expect(reply.body.error.message).toBe('the caller is not a user of this account');
  });
});

it('a function serving an admin route cannot be built without a role reader', async () => {
  const { apiHandler, json } = await import('../../functions/api/http/handler');
  const { createLogger } = await import('../../functions/commons/logger');
  const route = async () => json(200, {});
  expect(() => apiHandler(createLogger('test'), { 'POST /teams': route })).toThrow('POST /teams need the admin role');
  expect(() => apiHandler(createLogger('test'), { 'GET /teams': route })).not.toThrow();
});
