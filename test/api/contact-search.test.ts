/**
 * Contacts listed, searched, read with their conversations and renamed through the local HTTP API. Contacts
 * and conversations are created by real mail delivered through the inbound handler, so the index keys the
 * inbound transaction writes are the ones the API queries.
 */
import { call, createTestAccount, Reply, startTestApi, TestAccount, TestApi } from '../support/api';
import { deliver, directory, eml, uniqueId } from '../support/stack';

let api: TestApi;
let account: TestAccount;
let other: TestAccount;
let address: string;
let otherAddress: string;

const INBOX_DOMAIN = 'inbox.example.com';
const tag = uniqueId('');
/** Contacts of the main account, by the email they write from. */
const people = {
  elodie: { from: `Élodie Durand <elodie.${tag}@customer.example>`, email: `elodie.${tag}@customer.example` },
  eloise: { from: `ELOISE Martin <eloise.${tag}@customer.example>`, email: `eloise.${tag}@customer.example` },
  rosa: { from: `Rosa Díaz <rosa.${tag}@shop.example>`, email: `rosa.${tag}@shop.example` },
  anon: { from: `anon.${tag}@shop.example`, email: `anon.${tag}@shop.example` },
};

async function createInbox(owner: TestAccount) {
  const forwardingAddress = `support@${owner.subdomain}.${INBOX_DOMAIN}`;
  await directory().createInbox({ inboxId: uniqueId('inb_'), accountId: owner.accountId, name: 'Support', forwardingAddress });
  return forwardingAddress;
}

async function send(from: string, to: string, subject: string) {
  const { receipt } = await deliver(eml({ from, to, subject }), [to]);
  expect(receipt?.outcome).toBe('stored');
  await new Promise((resolve) => setTimeout(resolve, 5)); // distinct arrival times: the history's order is known
  return String(receipt!.conversationId);
}

beforeAll(async () => {
  api = await startTestApi();
  [account, other] = await Promise.all([createTestAccount(api, 2), createTestAccount(api, 1)]);
  [address, otherAddress] = await Promise.all([createInbox(account), createInbox(other)]);
  for (const person of Object.values(people)) await send(person.from, address, `Hello from ${person.email}`);
  // The same email in another account is another contact, never listed here.
  await send(`Élodie Autre <elodie.${tag}@customer.example>`, otherAddress, 'Bonjour');
});
afterAll(() => api?.stop());

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe('validation_failed');
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

async function list(query: string, token = account.token) {
  const reply = await call(api, 'GET', `/contacts${query}`, { token });
  expect(reply.status).toBe(200);
  return reply.body as { contacts: Array<{ contactId: string; email: string; name?: string }>; cursor?: string };
}
const emailsOf = async (query: string, token?: string) => (await list(query, token)).contacts.map((contact) => contact.email).filter((email) => email.includes(tag));
const contactIdOf = async (email: string) => (await list(`?email=${encodeURIComponent(email)}`)).contacts[0].contactId;

/** Every page of a listing, following cursors. */
async function allPages(path: string, key: string, limit: number) {
  const seen: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await call(api, 'GET', `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: account.token });
    expect(reply.status).toBe(200);
    expect(reply.body[key].length).toBeLessThanOrEqual(limit);
    seen.push(...reply.body[key]);
    cursor = reply.body.cursor;
    pages += 1;
  } while (cursor);
  return { seen, pages };
}

describe('GET /contacts', () => {
  it("lists the account's contacts by email, each as stored, without index keys; never another account's", async () => {
    const { contacts } = await list('');
    expect(contacts.map((contact) => contact.email)).toEqual([people.anon.email, people.elodie.email, people.eloise.email, people.rosa.email]);
    const elodie = contacts.find((contact) => contact.email === people.elodie.email)!;
    expect(elodie).toEqual({
      contactId: expect.stringMatching(/^ct_/),
      accountId: account.accountId,
      email: people.elodie.email,
      name: 'Élodie Durand',
      ownerId: null,
      createdAt: expect.any(String),
      lastMessageAt: expect.any(String),
      messageCount: 1,
    });
    expect((await list('', other.token)).contacts.map((contact) => [contact.email, contact.name])).toEqual([[people.elodie.email, 'Élodie Autre']]);
  });

  it.each([
    ['an email prefix, in any case', '?email=ELO', [people.elodie.email, people.eloise.email]],
    ['a whole email', `?email=${encodeURIComponent(people.rosa.email)}`, [people.rosa.email]],
    ['an email prefix nobody has', '?email=zz', []],
    ['a name prefix without accents or capitals', '?name=elo', [people.elodie.email, people.eloise.email]],
    ['a name prefix with accents and capitals', `?name=${encodeURIComponent('ÉLODIE  d')}`, [people.elodie.email]],
    ['a name prefix matching an accented name', '?name=rosa%20diaz', [people.rosa.email]],
    ['a last name (names match from their start)', '?name=durand', []],
  ])('searches by %s', async (_what, query, expected) => {
    expect(await emailsOf(query)).toEqual(expected);
  });

  it('a contact without a name is listed by email but found by no name search', async () => {
    expect(await emailsOf(`?email=anon.${tag}`)).toEqual([people.anon.email]);
    expect(await emailsOf('?name=anon')).toEqual([]);
  });

  it('pages through every contact with opaque cursors, each page at most `limit`, the last without a cursor', async () => {
    const full = (await list('')).contacts;
    const paged = await allPages('/contacts', 'contacts', 1);
    expect(paged.seen).toEqual(full);
    expect(paged.pages).toBe(full.length);
    const byName = await allPages('/contacts?name=e', 'contacts', 1);
    expect(byName.seen.map((contact) => contact.email)).toEqual([people.elodie.email, people.eloise.email]);
  });

  it("refuses a cursor of another listing, another account, or a tampered one: 400 on cursor", async () => {
    const emailCursor = (await list('?limit=1')).cursor!;
    const nameCursor = (await list('?name=e&limit=1')).cursor!;
    expect(issuesOf(await call(api, 'GET', `/contacts?name=e&cursor=${emailCursor}`, { token: account.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', `/contacts?cursor=${nameCursor}`, { token: account.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', `/contacts?name=r&cursor=${nameCursor}`, { token: account.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', `/contacts?cursor=${emailCursor}`, { token: other.token }))).toEqual(['cursor:invalid_cursor']);
    const key = JSON.parse(Buffer.from(emailCursor, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...key, gsi1pk: key.gsi1pk.replace(account.accountId, other.accountId) })).toString('base64url');
    expect(issuesOf(await call(api, 'GET', `/contacts?cursor=${forged}`, { token: account.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', '/contacts?cursor=not-a-cursor', { token: account.token }))).toEqual(['cursor:invalid_cursor']);
  });

  it.each([
    ['both email and name', '?email=a&name=b', ['name:one_search']],
    ['a name of accents only', `?name=${encodeURIComponent('\u0301\u0301')}`, ['name:too_small']],
    ['an empty email prefix', '?email=%20', ['email:too_small']],
    ['a limit of 0', '?limit=0', ['limit:too_small']],
    ['a limit of 101', '?limit=101', ['limit:too_big']],
    ['a limit that is not a number', '?limit=ten', ['limit:invalid_format']],
    ['an unknown parameter', '?q=rosa', ['q:unknown_field']],
  ])('refuses %s: 400 naming the field', async (_what, query, expected) => {
    expect(issuesOf(await call(api, 'GET', `/contacts${query}`, { token: account.token }))).toEqual(expected);
  });
});

describe('a contact with its conversations', () => {
  let contactId: string;
  let conversationIds: string[];
  beforeAll(async () => {
    const email = `many.${tag}@shop.example`;
    conversationIds = [];
    for (let index = 0; index < 4; index++) conversationIds.push(await send(`Many Mails <${email}>`, address, `Question ${index}`));
    contactId = await contactIdOf(email);
  });

  it('GET /contacts/{id} answers the contact with its conversations, newest first', async () => {
    const reply = await call(api, 'GET', `/contacts/${contactId}`, { token: account.users[1].token });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ contactId, name: 'Many Mails', messageCount: 4 });
    expect(reply.body.conversations.map((conversation: { conversationId: string }) => conversation.conversationId)).toEqual([...conversationIds].reverse());
    expect(reply.body.conversations[0]).toEqual({
      conversationId: conversationIds[3],
      inboxId: expect.stringMatching(/^inb_/),
      subject: 'Question 3',
      status: 'open',
      assigneeId: null,
      createdAt: expect.any(String),
      lastMessageAt: expect.any(String),
      messageCount: 1,
    });
    expect(reply.body).not.toHaveProperty('conversationsCursor');
  });

  it('GET /contacts/{id}/conversations pages newest first; a cursor of another contact is 400', async () => {
    const paged = await allPages(`/contacts/${contactId}/conversations`, 'conversations', 3);
    expect(paged.seen.map((conversation) => conversation.conversationId)).toEqual([...conversationIds].reverse());
    expect(paged.pages).toBe(2);
    const cursor = (await call(api, 'GET', `/contacts/${contactId}/conversations?limit=1`, { token: account.token })).body.cursor;
    const rosa = await contactIdOf(people.rosa.email);
    expect(issuesOf(await call(api, 'GET', `/contacts/${rosa}/conversations?cursor=${cursor}`, { token: account.token }))).toEqual(['cursor:invalid_cursor']);
    expect(issuesOf(await call(api, 'GET', `/contacts/${contactId}/conversations?limit=x`, { token: account.token }))).toEqual(['limit:invalid_format']);
  });

  it("another account's contact, or a missing one, is 404 on every contact route", async () => {
    const notFound = { error: { code: 'not_found', message: 'contact not found' } };
    for (const [method, path, body] of [
      ['GET', `/contacts/${contactId}`, undefined],
      ['GET', `/contacts/${contactId}/conversations`, undefined],
      ['PATCH', `/contacts/${contactId}`, { name: 'Taken Over' }],
    ] as const) {
      const foreign = await call(api, method, path, { token: other.token, body });
      expect([path, foreign.status, foreign.body]).toEqual([path, 404, notFound]);
      const missing = await call(api, method, path.replace(contactId, 'ct_missing'), { token: account.token, body });
      expect([path, missing.status, missing.body]).toEqual([path, 404, notFound]);
    }
    expect((await call(api, 'GET', `/contacts/${contactId}`, { token: account.token })).body.name).toBe('Many Mails');
  });
});

describe('PATCH /contacts/{id}', () => {
  it('an agent renames a contact; searches find the new name only, and later mail keeps it', async () => {
    const email = `rename.${tag}@shop.example`;
    await send(`Old Name <${email}>`, address, 'Before');
    const contactId = await contactIdOf(email);
    const renamed = await call(api, 'PATCH', `/contacts/${contactId}`, { token: account.users[1].token, body: { name: '  Zoë Nouveau ' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ contactId, email, name: 'Zoë Nouveau', updatedAt: expect.any(String) });
    expect(renamed.body).not.toHaveProperty('gsi2sk');
    expect(await emailsOf('?name=zoe%20n')).toEqual([email]);
    expect(await emailsOf('?name=old%20name')).toEqual([]);

    await send(`Someone Else <${email}>`, address, 'After');
    expect((await call(api, 'GET', `/contacts/${contactId}`, { token: account.token })).body).toMatchObject({ name: 'Zoë Nouveau', messageCount: 2 });
    expect(await emailsOf('?name=someone')).toEqual([]);
    expect(await emailsOf('?name=zoe')).toEqual([email]);
  });

  it('names a contact that had no name, making it searchable', async () => {
    const contactId = await contactIdOf(people.anon.email);
    expect((await call(api, 'PATCH', `/contacts/${contactId}`, { token: account.token, body: { name: 'Ana Nym' } })).status).toBe(200);
    expect(await emailsOf('?name=ana%20n')).toEqual([people.anon.email]);
  });

  it.each([
    ['an empty name', { name: '  ' }, ['name:too_small']],
    ['a line break in the name', { name: 'Rosa\r\nBcc: x@example.com' }, ['name:no_control_characters']],
    ['a name of 257 characters', { name: 'a'.repeat(257) }, ['name:too_big']],
    ['no name', {}, ['name:required']],
    ['an unknown field', { name: 'Rosa', email: 'x@example.com' }, ['email:unknown_field']],
  ])('refuses %s: 400 naming the field, the name unchanged', async (_what, body, expected) => {
    const contactId = await contactIdOf(people.rosa.email);
    expect(issuesOf(await call(api, 'PATCH', `/contacts/${contactId}`, { token: account.token, body }))).toEqual(expected);
    expect((await call(api, 'GET', `/contacts/${contactId}`, { token: account.token })).body.name).toBe('Rosa Díaz');
  });
});
