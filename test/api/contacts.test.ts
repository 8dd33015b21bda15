/**
 * Contacts through the local HTTP API: reading one and setting its owner (what "contact-owner" assignment of
 * the inbound pipeline reads). Contacts are written directly in their stored form, as the inbound pipeline
 * upserts them.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { keys } from '../../functions/adapters/keys';
import { call, createTestAccount, Reply, startTestApi, TestAccount, TestApi } from '../support/api';

let api: TestApi;
let account: TestAccount;
let other: TestAccount;
beforeAll(async () => {
  api = await startTestApi();
  [account, other] = await Promise.all([createTestAccount(api, 2), createTestAccount(api, 1)]);
});
afterAll(() => api?.stop());

function issuesOf(reply: Reply): string[] {
  expect(reply.status).toBe(400);
  expect(reply.body.error.code).toBe('validation_failed');
  return reply.body.error.issues.map((issue: { field: string; rule: string }) => `${issue.field}:${issue.rule}`);
}

/** A contact as the inbound pipeline stores it (no owner yet). */
async function seedContact(owner: TestAccount) {
  const contact = {
    contactId: `ct_${randomBytes(16).toString('hex')}`,
    accountId: owner.accountId,
    email: `rosa-${randomBytes(3).toString('hex')}@customer.example`,
    name: 'Rosa Diaz',
    createdAt: '2030-01-01T10:00:00.000Z',
    lastMessageAt: '2030-01-02T10:00:00.000Z',
    messageCount: 2,
  };
  await dynamo().send(new PutCommand({ TableName: config().tables.contacts, Item: { ...keys.contact(owner.accountId, contact.contactId), ...contact } }));
  return contact;
}

/** The stored item, as the inbound pipeline reads it. */
const storedItem = async (accountId: string, contactId: string) =>
  (await dynamo().send(new GetCommand({ TableName: config().tables.contacts, Key: keys.contact(accountId, contactId) }))).Item;

const setOwner = (contactId: string, body: unknown, token = account.token) => call(api, 'PUT', `/contacts/${contactId}/owner`, { token, body });
const getContact = (contactId: string, token = account.token) => call(api, 'GET', `/contacts/${contactId}`, { token });

it('GET returns the contact, with no owner (null) until one is set, and its conversations (none here)', async () => {
  const contact = await seedContact(account);
  const reply = await getContact(contact.contactId);
  expect(reply.status).toBe(200);
  expect(reply.body).toEqual({ ...contact, ownerId: null, conversations: [] });
});

it('sets the owner to a user of the account, changes it, and clears it with null; `ownerId` is stored on the contact item', async () => {
  const contact = await seedContact(account);
  const [first, second] = account.users;

  const set = await setOwner(contact.contactId, { ownerId: first.userId });
  expect(set.status).toBe(200);
  expect(set.body).toEqual({ ...contact, ownerId: first.userId, updatedAt: expect.any(String) });
  expect((await getContact(contact.contactId)).body).toEqual({ ...set.body, conversations: [] });
  expect(await storedItem(account.accountId, contact.contactId)).toMatchObject({ ownerId: first.userId, email: contact.email, messageCount: 2 });

  expect((await setOwner(contact.contactId, { ownerId: second.userId })).body.ownerId).toBe(second.userId);
  expect((await storedItem(account.accountId, contact.contactId))!.ownerId).toBe(second.userId);

  const cleared = await setOwner(contact.contactId, { ownerId: null });
  expect(cleared.status).toBe(200);
  expect(cleared.body.ownerId).toBeNull();
  expect((await getContact(contact.contactId)).body.ownerId).toBeNull();
  expect((await storedItem(account.accountId, contact.contactId))!.ownerId).toBeNull();
});

it.each([
  ['an owner of another account', () => ({ ownerId: other.users[0].userId }), ['ownerId:unknown_user']],
  ['an owner id nobody has', () => ({ ownerId: 'usr_nobody' }), ['ownerId:unknown_user']],
  ['an owner that is not a user id', () => ({ ownerId: 'rosa@customer.example' }), ['ownerId:invalid_format']],
  ['a body without ownerId', () => ({}), ['ownerId:required']],
  ['an unknown field', () => ({ ownerId: null, email: 'x@example.com' }), ['email:unknown_field']],
])('refuses %s: 400 naming the field and rule, the contact unchanged', async (_what, body, expected) => {
  const contact = await seedContact(account);
  await setOwner(contact.contactId, { ownerId: account.users[1].userId });
  expect(issuesOf(await setOwner(contact.contactId, body()))).toEqual(expected);
  expect((await storedItem(account.accountId, contact.contactId))!.ownerId).toBe(account.users[1].userId);
});

it("another account's contact, or a missing one, is the same 404 for GET and PUT; nothing changed or created", async () => {
  const contact = await seedContact(account);
  const foreignGet = await getContact(contact.contactId, other.token);
  expect(foreignGet.status).toBe(404);
  expect(foreignGet.body).toEqual({ error: { code: 'not_found', message: 'contact not found' } });
  expect((await getContact('ct_missing')).body).toEqual(foreignGet.body);

  // Even with an owner who is a user of the caller's account.
  const foreignPut = await setOwner(contact.contactId, { ownerId: other.users[0].userId }, other.token);
  expect(foreignPut.status).toBe(404);
  expect(foreignPut.body).toEqual(foreignGet.body);
  expect(await storedItem(account.accountId, contact.contactId)).not.toHaveProperty('ownerId');
  expect(await storedItem(other.accountId, contact.contactId)).toBeUndefined();

  const missing = await setOwner('ct_missing', { ownerId: account.users[0].userId });
  expect(missing.status).toBe(404);
  expect(await storedItem(account.accountId, 'ct_missing')).toBeUndefined();
});
