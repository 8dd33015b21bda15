/**
 * Pipelines and tickets through the local HTTP API. Tickets are written directly in their stored form
 * (`ticketItem`, what the inbound pipeline writes) and then listed, paged, read and updated through the API.
 */
import { randomBytes } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { ticketItem } from '../../functions/adapters/ticket-items';
import type { Ticket } from '../../functions/tickets/model';
import { DEFAULT_PIPELINE } from '../../functions/tickets/pipelines';
import { call, createTestAccount, Reply, startTestApi, TestAccount, TestApi } from '../support/api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api?.stop());

/** The `field:rule` of each issue of a 400 answer. */
function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe('validation_failed');
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

const SALES = { name: 'Sales', stages: [{ stageId: 'lead', name: 'Lead' }, { stageId: 'won', name: 'Won' }] };

async function createPipeline(account: TestAccount, body: unknown = SALES) {
  const reply = await call(api, 'POST', '/pipelines', { token: account.token, body });
  expect(reply.status).toBe(201);
  return reply.body as { pipelineId: string; name: string; stages: { stageId: string; name: string }[] };
}

/** Tickets of `account`, created one second apart in the order given (so the listing order is known). */
async function seedTickets(account: TestAccount, specs: Array<Partial<Pick<Ticket, 'pipelineId' | 'stageId' | 'ownerId' | 'name'>>>): Promise<Ticket[]> {
  const base = Date.UTC(2030, 0, 1, 12, 0, 0) + randomBytes(2).readUInt16BE() * 60_000;
  const tickets = specs.map((spec, index): Ticket => {
    const createdAt = new Date(base + index * 1000).toISOString();
    return {
      ticketId: `tk_${randomBytes(8).toString('hex')}`,
      accountId: account.accountId,
      name: `Ticket ${index}`,
      pipelineId: DEFAULT_PIPELINE.pipelineId,
      stageId: 'new',
      priority: 'medium',
      ownerId: null,
      conversationId: `cv_${randomBytes(8).toString('hex')}`,
      contactId: `ct_${randomBytes(8).toString('hex')}`,
      inboxId: 'inb_seeded',
      createdAt,
      updatedAt: createdAt,
      ...spec,
    };
  });
  for (const ticket of tickets) await dynamo().send(new PutCommand({ TableName: config().tables.tickets, Item: ticketItem(ticket) }));
  return tickets;
}

const newestFirst = (tickets: Ticket[]) => [...tickets].reverse().map((ticket) => ticket.ticketId);

async function list(account: TestAccount, query = '', token = account.token) {
  const reply = await call(api, 'GET', `/tickets${query}`, { token });
  expect(reply.status).toBe(200);
  return reply.body as { tickets: Ticket[]; cursor?: string };
}
const listedIds = async (account: TestAccount, query = '') => (await list(account, query)).tickets.map((ticket) => ticket.ticketId);

describe('pipelines', () => {
  it('lists only the default Support pipeline for a new account, and serves it by id', async () => {
    const account = await createTestAccount(api, 1);
    expect((await call(api, 'GET', '/pipelines', { token: account.token })).body).toEqual({ pipelines: [DEFAULT_PIPELINE] });
    const fetched = await call(api, 'GET', '/pipelines/support', { token: account.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(DEFAULT_PIPELINE);
  });

  it('creates a pipeline with a generated id; it is listed after the default one and served by id, to its account only', async () => {
    const account = await createTestAccount(api, 1);
    const created = await createPipeline(account, { name: '  Sales ', stages: [{ stageId: 'lead', name: 'Lead' }, { stageId: 'won-2', name: ' Won ' }] });
    expect(created).toEqual({ pipelineId: expect.stringMatching(/^pl_[0-9a-f]{32}$/), name: 'Sales', stages: [{ stageId: 'lead', name: 'Lead' }, { stageId: 'won-2', name: 'Won' }] });
    const second = await createPipeline(account, { name: 'Onboarding', stages: [{ stageId: 'kickoff', name: 'Kickoff' }] });

    expect((await call(api, 'GET', '/pipelines', { token: account.token })).body).toEqual({ pipelines: [DEFAULT_PIPELINE, created, second] });
    const fetched = await call(api, 'GET', `/pipelines/${created.pipelineId}`, { token: account.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created);

    const other = await createTestAccount(api, 1);
    const foreign = await call(api, 'GET', `/pipelines/${created.pipelineId}`, { token: other.token });
    const missing = await call(api, 'GET', '/pipelines/pl_00000000000000000000000000000000', { token: other.token });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: 'not_found', message: 'pipeline not found' } });
    expect(missing.body).toEqual(foreign.body);
    expect((await call(api, 'GET', '/pipelines', { token: other.token })).body).toEqual({ pipelines: [DEFAULT_PIPELINE] });
  });

  it.each([
    ['no stages', { name: 'P', stages: [] }, ['stages:too_small']],
    ['21 stages', { name: 'P', stages: Array.from({ length: 21 }, (_unused, i) => ({ stageId: `s${i}`, name: `S${i}` })) }, ['stages:too_big']],
    ['a repeated stage id', { name: 'P', stages: [{ stageId: 'a', name: 'A' }, { stageId: 'b', name: 'B' }, { stageId: 'a', name: 'A again' }] }, ['stages.2.stageId:duplicate']],
    ['a stage id with capitals and spaces', { name: 'P', stages: [{ stageId: 'New Stage', name: 'New' }] }, ['stages.0.stageId:invalid_format']],
    ['a line break in the name', { name: 'Sales\r\nBcc: x@example.com', stages: SALES.stages }, ['name:no_control_characters']],
    ['a control character in a stage name', { name: 'P', stages: [{ stageId: 'a', name: 'A\u0007' }] }, ['stages.0.name:no_control_characters']],
    ['no name', { stages: SALES.stages }, ['name:required']],
    ['an unknown field', { ...SALES, pipelineId: 'mine' }, ['pipelineId:unknown_field']],
    ['an unknown stage field', { name: 'P', stages: [{ stageId: 'a', name: 'A', color: 'red' }] }, ['stages.0.color:unknown_field']],
  ])('refuses %s: 400 naming the field and rule, nothing created', async (_what, body, expected) => {
    const account = await createTestAccount(api, 1);
    expect(issuesOf(await call(api, 'POST', '/pipelines', { token: account.token, body }))).toEqual(expected);
    expect((await call(api, 'GET', '/pipelines', { token: account.token })).body.pipelines).toEqual([DEFAULT_PIPELINE]);
  });

  it('takes 20 stages', async () => {
    const account = await createTestAccount(api, 1);
    const stages = Array.from({ length: 20 }, (_unused, i) => ({ stageId: `s${i}`, name: `Stage ${i}` }));
    expect((await createPipeline(account, { name: 'Long', stages })).stages).toEqual(stages);
  });
});

describe('ticket listings', () => {
  let account: TestAccount;
  let sales: Awaited<ReturnType<typeof createPipeline>>;
  let seeded: Ticket[];
  let ids: Record<'ownedNew' | 'unownedNew' | 'closed' | 'lead' | 'won', string>;

  beforeAll(async () => {
    account = await createTestAccount(api, 3);
    sales = await createPipeline(account);
    const [u0, u1] = account.users.map((user) => user.userId);
    seeded = await seedTickets(account, [
      { stageId: 'new', ownerId: u0 },
      { stageId: 'new', ownerId: null },
      { stageId: 'closed', ownerId: u1 },
      { pipelineId: sales.pipelineId, stageId: 'lead', ownerId: u0 },
      { pipelineId: sales.pipelineId, stageId: 'won', ownerId: null },
    ]);
    const [ownedNew, unownedNew, closed, lead, won] = seeded.map((ticket) => ticket.ticketId);
    ids = { ownedNew, unownedNew, closed, lead, won };
  });

  it('lists every ticket of the account, newest first, as stored, with no cursor when all fit', async () => {
    const page = await list(account);
    expect(page).toEqual({ tickets: [...seeded].reverse() });
  });

  it('filters by stage, owner, unowned, pipeline, and combinations', async () => {
    const [u0, u1, u2] = account.users.map((user) => user.userId);
    expect(await listedIds(account, '?pipelineId=support&stageId=new')).toEqual([ids.unownedNew, ids.ownedNew]);
    expect(await listedIds(account, `?pipelineId=${sales.pipelineId}&stageId=won`)).toEqual([ids.won]);
    expect(await listedIds(account, '?pipelineId=support&stageId=waiting-on-us')).toEqual([]);
    expect(await listedIds(account, `?ownerId=${u0}`)).toEqual([ids.lead, ids.ownedNew]);
    expect(await listedIds(account, `?ownerId=${u1}`)).toEqual([ids.closed]);
    expect(await listedIds(account, `?ownerId=${u2}`)).toEqual([]);
    expect(await listedIds(account, '?ownerId=none')).toEqual([ids.won, ids.unownedNew]);
    expect(await listedIds(account, `?pipelineId=${sales.pipelineId}`)).toEqual([ids.won, ids.lead]);
    expect(await listedIds(account, '?pipelineId=support')).toEqual([ids.closed, ids.unownedNew, ids.ownedNew]);
    expect(await listedIds(account, `?ownerId=${u0}&pipelineId=support`)).toEqual([ids.ownedNew]);
    expect(await listedIds(account, `?ownerId=${u0}&pipelineId=${sales.pipelineId}&stageId=lead`)).toEqual([ids.lead]);
    expect(await listedIds(account, '?ownerId=none&pipelineId=support&stageId=new')).toEqual([ids.unownedNew]);
    expect(await listedIds(account, '?ownerId=none&pipelineId=support&stageId=closed')).toEqual([]);
  });

  it.each([
    ['stageId without pipelineId', '?stageId=new', ['stageId:requires_pipeline']],
    ['a stage of another pipeline', '?pipelineId=support&stageId=lead', ['stageId:unknown_stage']],
    ['an unknown pipeline', '?pipelineId=pl_00000000000000000000000000000000', ['pipelineId:unknown_pipeline']],
    ['limit 0', '?limit=0', ['limit:too_small']],
    ['limit 101', '?limit=101', ['limit:too_big']],
    ['a limit that is not a number', '?limit=ten', ['limit:invalid_format']],
    ['an owner that is not a user id', '?ownerId=bob', ['ownerId:invalid_format']],
    ['an unknown parameter', '?status=open', ['status:unknown_field']],
  ])('refuses %s: 400 naming the parameter and rule', async (_what, query, expected) => {
    expect(issuesOf(await call(api, 'GET', `/tickets${query}`, { token: account.token }))).toEqual(expected);
  });

  it('shows another account nothing: empty listings, whatever the filters', async () => {
    const other = await createTestAccount(api, 1);
    for (const query of ['', '?ownerId=none', `?ownerId=${account.users[0].userId}`, '?pipelineId=support', '?pipelineId=support&stageId=new']) {
      expect(await list(other, query)).toEqual({ tickets: [] });
    }
  });
});

describe('paging', () => {
  /** Follows the cursors to the end; every page but the last is full. */
  async function allPages(account: TestAccount, query: string, limit: number) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await list(account, `?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(page.tickets.map((ticket) => ticket.ticketId));
      cursor = page.cursor;
      expect(pages.length).toBeLessThan(20); // a cursor that never ends fails here rather than hanging
    } while (cursor);
    return pages;
  }

  it('returns every ticket exactly once, newest first, across pages of `limit`, the last without a cursor', async () => {
    const account = await createTestAccount(api, 2);
    const tickets = await seedTickets(account, Array.from({ length: 11 }, (_unused, i) => ({ ownerId: i % 3 === 0 ? null : account.users[i % 2].userId })));
    const pages = await allPages(account, '', 4);
    expect(pages.map((page) => page.length)).toEqual([4, 4, 3]);
    expect(pages.flat()).toEqual(newestFirst(tickets));
    // Unfiltered listings of the stage and of the unowned page the same way.
    expect((await allPages(account, '&pipelineId=support&stageId=new', 5)).flat()).toEqual(newestFirst(tickets));
    const unowned = tickets.filter((ticket) => ticket.ownerId === null);
    expect(await allPages(account, '&ownerId=none', 2)).toEqual([newestFirst(unowned).slice(0, 2), newestFirst(unowned).slice(2)]);
    // The default limit is 25.
    expect((await list(account)).tickets).toHaveLength(11);
  });

  it('fills pages across filtered-out tickets (pipeline filter on the account listing)', async () => {
    const account = await createTestAccount(api, 1);
    const sales = await createPipeline(account);
    // Alternating pipelines: every other ticket of the account listing is filtered out.
    const tickets = await seedTickets(account, Array.from({ length: 14 }, (_unused, i) => (i % 2 ? { pipelineId: sales.pipelineId, stageId: 'lead' } : {})));
    const matching = tickets.filter((ticket) => ticket.pipelineId === sales.pipelineId);
    const pages = await allPages(account, `&pipelineId=${sales.pipelineId}`, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(newestFirst(matching));
  });

  it('refuses a tampered cursor, a cursor of another listing and one of another account: 400 invalid_cursor, no tickets', async () => {
    const account = await createTestAccount(api, 1);
    const other = await createTestAccount(api, 1);
    await seedTickets(account, [{}, {}, {}]);
    await seedTickets(other, [{}, {}, {}]);
    const { cursor } = await list(account, '?limit=1');
    const { cursor: otherCursor } = await list(other, '?limit=1');
    expect(cursor).toEqual(expect.any(String));
    expect(otherCursor).toEqual(expect.any(String));
    const decoded = JSON.parse(Buffer.from(cursor!, 'base64url').toString('utf8'));
    const reencode = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    // The cursor works as issued (so the refusals below are about what was changed).
    expect((await list(account, `?limit=1&cursor=${cursor}`)).tickets).toHaveLength(1);

    const refused = async (token: string, query: string) => {
      const reply = await call(api, 'GET', `/tickets${query}`, { token });
      expect(issuesOf(reply)).toEqual(['cursor:invalid_cursor']);
      expect(reply.body.tickets).toBeUndefined();
    };
    await refused(account.token, `?cursor=${cursor!.slice(0, -4)}`); // truncated: no longer JSON
    await refused(account.token, `?cursor=${cursor}!`); // not base64url
    await refused(account.token, `?cursor=${reencode(['a', 'b'])}`);
    await refused(account.token, `?cursor=${reencode({ ...decoded, gsi3pk: `TICKETS#${other.accountId}` })}`);
    await refused(account.token, `?cursor=${reencode({ ...decoded, pk: `ACCOUNT#${other.accountId}` })}`);
    await refused(account.token, `?cursor=${reencode({ ...decoded, sk: 'TICKET#tk_someone_else' })}`);
    await refused(account.token, `?cursor=${reencode({ ...decoded, extra: 'x' })}`);
    // Another account's cursor, through its own listing or through ours.
    await refused(account.token, `?cursor=${otherCursor}`);
    await refused(other.token, `?cursor=${cursor}`);
    // The account listing's cursor does not continue the unowned listing, nor a stage listing.
    await refused(account.token, `?ownerId=none&cursor=${cursor}`);
    await refused(account.token, `?pipelineId=support&stageId=new&cursor=${cursor}`);
  });
});

describe('one ticket', () => {
  let account: TestAccount;
  let other: TestAccount;
  let sales: Awaited<ReturnType<typeof createPipeline>>;
  beforeAll(async () => {
    [account, other] = await Promise.all([createTestAccount(api, 3), createTestAccount(api, 1)]);
    sales = await createPipeline(account);
  });
  const patch = (ticketId: string, body: unknown, token = account.token) => call(api, 'PATCH', `/tickets/${ticketId}`, { token, body });
  const get = (ticketId: string, token = account.token) => call(api, 'GET', `/tickets/${ticketId}`, { token });

  it('GET returns the ticket; a missing one and one of another account are the same 404', async () => {
    const [ticket] = await seedTickets(account, [{ name: 'Order 1234 is late' }]);
    const fetched = await get(ticket.ticketId);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(ticket);

    const foreign = await get(ticket.ticketId, other.token);
    const missing = await get('tk_missing');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: 'not_found', message: 'ticket not found' } });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(foreign.body);
  });

  it('moves a ticket to another pipeline with one of its stages and another owner; every listing follows', async () => {
    const [u0, , u2] = account.users.map((user) => user.userId);
    const [ticket] = await seedTickets(account, [{ stageId: 'new', ownerId: u0 }]);
    const inStage = (pipelineId: string, stageId: string) => listedIds(account, `?pipelineId=${pipelineId}&stageId=${stageId}`);
    expect(await inStage('support', 'new')).toContain(ticket.ticketId);
    expect(await listedIds(account, `?ownerId=${u0}`)).toContain(ticket.ticketId);

    const moved = await patch(ticket.ticketId, { pipelineId: sales.pipelineId, stageId: 'won', ownerId: u2 });
    expect(moved.status).toBe(200);
    expect(moved.body).toEqual({ ...ticket, pipelineId: sales.pipelineId, stageId: 'won', ownerId: u2, updatedAt: expect.any(String) });
    expect(moved.body.updatedAt).not.toBe(ticket.updatedAt);
    expect((await get(ticket.ticketId)).body).toEqual(moved.body);

    expect(await inStage('support', 'new')).not.toContain(ticket.ticketId);
    expect(await inStage(sales.pipelineId, 'won')).toContain(ticket.ticketId);
    expect(await listedIds(account, `?ownerId=${u0}`)).not.toContain(ticket.ticketId);
    expect(await listedIds(account, `?ownerId=${u2}`)).toContain(ticket.ticketId);
    expect(await listedIds(account, `?pipelineId=${sales.pipelineId}`)).toContain(ticket.ticketId);
    expect(await listedIds(account, '?pipelineId=support')).not.toContain(ticket.ticketId);

    // A stage alone moves within the ticket's (new) pipeline; null clears the owner.
    const again = await patch(ticket.ticketId, { stageId: 'lead', ownerId: null });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ pipelineId: sales.pipelineId, stageId: 'lead', ownerId: null });
    expect(await inStage(sales.pipelineId, 'won')).not.toContain(ticket.ticketId);
    expect(await inStage(sales.pipelineId, 'lead')).toContain(ticket.ticketId);
    expect(await listedIds(account, `?ownerId=${u2}`)).not.toContain(ticket.ticketId);
    expect(await listedIds(account, '?ownerId=none')).toContain(ticket.ticketId);
  });

  it('renames and reprioritizes, leaving the rest as it was', async () => {
    const [ticket] = await seedTickets(account, [{ ownerId: account.users[1].userId }]);
    const changed = await patch(ticket.ticketId, { name: '  Refund for order 77 ', priority: 'urgent' });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ ...ticket, name: 'Refund for order 77', priority: 'urgent', updatedAt: expect.any(String) });
    expect(await listedIds(account, `?ownerId=${account.users[1].userId}`)).toContain(ticket.ticketId);
  });

  it.each([
    ['a stage of another pipeline', { stageId: 'lead' }, ['stageId:unknown_stage']],
    ['another pipeline without a stage', { pipelineId: 'SALES' }, ['stageId:required']],
    ['another pipeline with a stage of the current one', { pipelineId: 'SALES', stageId: 'new' }, ['stageId:unknown_stage']],
    ['an unknown pipeline', { pipelineId: 'pl_00000000000000000000000000000000', stageId: 'new' }, ['pipelineId:unknown_pipeline']],
    ['an owner of another account', { ownerId: 'OTHER_USER' }, ['ownerId:unknown_user']],
    ['an owner who is no user', { ownerId: 'usr_nobody' }, ['ownerId:unknown_user']],
    ['an owner id that is not one', { ownerId: 'bob' }, ['ownerId:invalid_format']],
    ['a bad stage and a bad owner at once', { stageId: 'lead', ownerId: 'usr_nobody' }, ['stageId:unknown_stage', 'ownerId:unknown_user']],
    ['a name with a line break', { name: 'Hello\nWorld' }, ['name:no_control_characters']],
    ['an empty name', { name: '   ' }, ['name:too_small']],
    ['a name over 200 characters', { name: 'x'.repeat(201) }, ['name:too_big']],
    ['an unknown priority', { priority: 'whenever' }, ['priority:invalid_value']],
    ['no change', {}, ['(body):empty_change']],
    ['an unknown field', { status: 'open' }, ['status:unknown_field']],
    ['a field the API never changes', { accountId: 'acct_x' }, ['accountId:unknown_field']],
  ])('refuses %s: 400 naming the field and rule, the ticket unchanged', async (_what, template, expected) => {
    const [ticket] = await seedTickets(account, [{ ownerId: account.users[0].userId }]);
    const body = JSON.parse(JSON.stringify(template).replace('SALES', sales.pipelineId).replace('OTHER_USER', other.users[0].userId));
    expect(issuesOf(await patch(ticket.ticketId, body))).toEqual(expected);
    expect((await get(ticket.ticketId)).body).toEqual(ticket);
  });

  it('refuses a body that is not JSON, or none', async () => {
    const [ticket] = await seedTickets(account, [{}]);
    expect(issuesOf(await call(api, 'PATCH', `/tickets/${ticket.ticketId}`, { token: account.token, rawBody: '{"name":' }))).toEqual(['(body):invalid_json']);
    expect(issuesOf(await call(api, 'PATCH', `/tickets/${ticket.ticketId}`, { token: account.token }))).toEqual(['(body):required']);
  });

  it('PATCH of a missing ticket or one of another account: the same 404, nothing changed or created', async () => {
    const [ticket] = await seedTickets(account, [{}]);
    const foreign = await patch(ticket.ticketId, { name: 'Mine now', ownerId: other.users[0].userId }, other.token);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: 'not_found', message: 'ticket not found' } });
    const missing = await patch('tk_missing', { name: 'x' });
    expect(missing.body).toEqual(foreign.body);
    expect((await get(ticket.ticketId)).body).toEqual(ticket);
    expect((await get('tk_missing')).status).toBe(404);
    expect(await list(other)).toEqual({ tickets: [] });
  });
});
