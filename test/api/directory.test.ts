/**
 * The directory routes (users and teams of the caller's account) through the local HTTP API: what they
 * store and return, and every validation failure named by field and rule.
 */
import { randomBytes } from 'node:crypto';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';

let api: TestApi;
let account: TestAccount;

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 3);
});
afterAll(() => api?.stop());

const unique = () => randomBytes(4).toString('hex');
const newEmail = () => `person-${unique()}@${account.subdomain}.example`;

/** The single issue of a 400 answer. */
async function expectIssue(reply: { status: number; body: any }, field: string, rule: string) {
  expect(reply.status).toBe(400);
  expect(reply.body.error).toMatchObject({ code: 'validation_failed' });
  expect(reply.body.error.issues).toEqual([{ field, rule, message: expect.any(String) }]);
}

describe('users', () => {
  it('creates a user: 201, email lowercased, available with no capacity limit by default; GET and the listing show it', async () => {
    const email = newEmail();
    const reply = await call(api, 'POST', '/users', { token: account.token, body: { email: `  ${email.toUpperCase()} `, name: '  Jane Doe ' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ userId: expect.stringMatching(/^usr_/), accountId: account.accountId, email, name: 'Jane Doe', role: 'agent', availability: 'available', capacity: null, openAssigned: 0 });

    const fetched = await call(api, 'GET', `/users/${reply.body.userId}`, { token: account.token });
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(reply.body);
    const list = await call(api, 'GET', '/users', { token: account.token });
    expect(list.body.users).toContainEqual(reply.body);
  });

  it('creates a user with the availability and capacity given', async () => {
    const reply = await call(api, 'POST', '/users', { token: account.token, body: { email: newEmail(), name: 'Busy', availability: 'away', capacity: 7 } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ availability: 'away', capacity: 7 });
  });

  it('refuses a second user with the same email in the account (whatever its case): 409 email_in_use, nothing created', async () => {
    const existing = account.users[1].email;
    const reply = await call(api, 'POST', '/users', { token: account.token, body: { email: existing.toUpperCase(), name: 'Twin' } });
    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({ error: { code: 'email_in_use', message: expect.stringContaining(existing) } });
    const list = await call(api, 'GET', '/users', { token: account.token });
    expect(list.body.users.filter((user: { email: string }) => user.email === existing)).toHaveLength(1);
  });

  it('changes name and capacity with PATCH, and clears the capacity with null', async () => {
    const { userId } = account.users[2];
    const patched = await call(api, 'PATCH', `/users/${userId}`, { token: account.token, body: { name: 'Renamed', capacity: 12 } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ userId, name: 'Renamed', capacity: 12, availability: 'available', email: account.users[2].email });
    expect((await call(api, 'GET', `/users/${userId}`, { token: account.token })).body).toEqual(patched.body);

    const cleared = await call(api, 'PATCH', `/users/${userId}`, { token: account.token, body: { capacity: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ name: 'Renamed', capacity: null });
  });

  it('sets availability with PUT /users/{id}/availability, and GET reflects it', async () => {
    const { userId } = account.users[1];
    const away = await call(api, 'PUT', `/users/${userId}/availability`, { token: account.token, body: { availability: 'away' } });
    expect(away.status).toBe(200);
    expect(away.body).toMatchObject({ userId, availability: 'away' });
    expect((await call(api, 'GET', `/users/${userId}`, { token: account.token })).body.availability).toBe('away');
    const me = await call(api, 'GET', '/me', { token: account.users[1].token });
    expect(me.body.user.availability).toBe('away');

    const back = await call(api, 'PUT', `/users/${userId}/availability`, { token: account.token, body: { availability: 'available' } });
    expect(back.body.availability).toBe('available');
  });

  it('answers 404 to a PATCH of a user that does not exist (and does not create it)', async () => {
    const userId = `usr_${unique()}`;
    const reply = await call(api, 'PATCH', `/users/${userId}`, { token: account.token, body: { name: 'Ghost' } });
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: { code: 'not_found', message: 'user not found' } });
    expect((await call(api, 'GET', `/users/${userId}`, { token: account.token })).status).toBe(404);
  });
});

describe('teams', () => {
  it('creates a team with members, then replaces its members and renames it', async () => {
    const [first, second, third] = account.users.map((user) => user.userId);
    const created = await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Support', memberIds: [first, second] } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ teamId: expect.stringMatching(/^team_/), accountId: account.accountId, name: 'Support', memberIds: [first, second] });
    expect((await call(api, 'GET', `/teams/${created.body.teamId}`, { token: account.token })).body).toEqual(created.body);

    const updated = await call(api, 'PATCH', `/teams/${created.body.teamId}`, { token: account.token, body: { memberIds: [third] } });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...created.body, memberIds: [third] });

    const renamed = await call(api, 'PATCH', `/teams/${created.body.teamId}`, { token: account.token, body: { name: 'Billing' } });
    expect(renamed.body).toEqual({ ...created.body, name: 'Billing', memberIds: [third] });
    const list = await call(api, 'GET', '/teams', { token: account.token });
    expect(list.body.teams).toContainEqual(renamed.body);
  });

  it('creates a team without members when memberIds is left out', async () => {
    const created = await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Empty' } });
    expect(created.status).toBe(201);
    expect(created.body.memberIds).toEqual([]);
  });

  describe('refuses member ids that are not users of this account, naming each by position', () => {
    let other: TestAccount;
    let teamId: string;
    beforeAll(async () => {
      other = await createTestAccount(api, 1);
      teamId = (await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Fixed', memberIds: [account.users[0].userId] } })).body.teamId;
    });

    it('on create: another account’s user and a nonexistent one', async () => {
      const ghost = `usr_${unique()}`;
      const reply = await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Mixed', memberIds: [account.users[0].userId, other.users[0].userId, ghost] } });
      expect(reply.status).toBe(400);
      expect(reply.body.error.issues).toEqual([
        { field: 'memberIds.1', rule: 'unknown_user', message: expect.stringContaining(other.users[0].userId) },
        { field: 'memberIds.2', rule: 'unknown_user', message: expect.stringContaining(ghost) },
      ]);
      const teams = (await call(api, 'GET', '/teams', { token: account.token })).body.teams;
      expect(teams.map((team: { name: string }) => team.name)).not.toContain('Mixed');
    });

    it('on update, leaving the team as it was', async () => {
      const reply = await call(api, 'PATCH', `/teams/${teamId}`, { token: account.token, body: { name: 'Changed', memberIds: [other.users[0].userId] } });
      await expectIssue(reply, 'memberIds.0', 'unknown_user');
      const team = await call(api, 'GET', `/teams/${teamId}`, { token: account.token });
      expect(team.body).toMatchObject({ name: 'Fixed', memberIds: [account.users[0].userId] });
    });
  });

  it('refuses duplicated member ids', async () => {
    const id = account.users[0].userId;
    await expectIssue(await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Twice', memberIds: [id, id] } }), 'memberIds', 'duplicate');
  });

  it('refuses a member id that is not an id at all', async () => {
    await expectIssue(await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Odd', memberIds: [account.users[0].userId, 'bob'] } }), 'memberIds.1', 'invalid_format');
  });
});

describe('validation: 400 with the field and the rule', () => {
  const createUser = (body: unknown) => call(api, 'POST', '/users', { token: account.token, body });
  const validUser = () => ({ email: newEmail(), name: 'Valid Name' });

  it('refuses an unknown field', async () => {
    await expectIssue(await createUser({ ...validUser(), permissions: 'all' }), 'permissions', 'unknown_field');
    await expectIssue(await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, body: { name: 'Kept', email: newEmail() } }), 'email', 'unknown_field');
    // Alone, the unknown field also leaves nothing to change; the unknown field is named either way.
    const alone = await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, body: { email: newEmail() } });
    expect(alone.status).toBe(400);
    expect(alone.body.error.issues).toContainEqual({ field: 'email', rule: 'unknown_field', message: expect.any(String) });
    expect((await call(api, 'GET', `/users/${account.users[0].userId}`, { token: account.token })).body.name).toBe(account.users[0].name);
  });

  it.each([
    ['CR/LF', 'Jane\r\nBcc: victim@example.com'],
    ['LF', 'Jane\nDoe'],
    ['a NUL', 'Jane\u0000Doe'],
    ['a Unicode line separator', 'Jane\u2028Doe'],
  ])('refuses a name containing %s', async (_what, name) => {
    await expectIssue(await createUser({ ...validUser(), name }), 'name', 'no_control_characters');
    await expectIssue(await call(api, 'POST', '/teams', { token: account.token, body: { name } }), 'name', 'no_control_characters');
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('refuses an %s name', async (_what, name) => {
    await expectIssue(await createUser({ ...validUser(), name }), 'name', 'too_small');
  });

  it('refuses a name over 100 characters', async () => {
    await expectIssue(await createUser({ ...validUser(), name: 'x'.repeat(101) }), 'name', 'too_big');
  });

  it('refuses a missing required field', async () => {
    await expectIssue(await createUser({ name: 'No Email' }), 'email', 'required');
  });

  it.each(['not-an-email', 'two@@example.com', 'jane@'])('refuses the invalid email %j', async (email) => {
    await expectIssue(await createUser({ ...validUser(), email }), 'email', 'invalid_format');
  });

  it('refuses an availability not in the enum', async () => {
    await expectIssue(await createUser({ ...validUser(), availability: 'busy' }), 'availability', 'invalid_value');
    await expectIssue(await call(api, 'PUT', `/users/${account.users[0].userId}/availability`, { token: account.token, body: { availability: 'AWAY' } }), 'availability', 'invalid_value');
  });

  it('refuses a capacity of 0', async () => {
    await expectIssue(await createUser({ ...validUser(), capacity: 0 }), 'capacity', 'too_small');
    await expectIssue(await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, body: { capacity: 0 } }), 'capacity', 'too_small');
  });

  it('refuses a capacity of 1.5 as not a whole number (not as a missing field)', async () => {
    const reply = await createUser({ ...validUser(), capacity: 1.5 });
    expect(reply.status).toBe(400);
    expect(reply.body.error.issues).toEqual([{ field: 'capacity', rule: 'invalid_type', message: 'must be a whole number' }]);
  });

  it('refuses a field of the wrong type as such, not as a missing field', async () => {
    const reply = await createUser({ ...validUser(), name: 42 });
    expect(reply.status).toBe(400);
    expect(reply.body.error.issues).toEqual([{ field: 'name', rule: 'invalid_type', message: expect.not.stringMatching(/required/) }]);
  });

  it('refuses an empty PATCH', async () => {
    await expectIssue(await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, body: {} }), '(body)', 'empty_change');
    const team = await call(api, 'POST', '/teams', { token: account.token, body: { name: 'Unchanged' } });
    await expectIssue(await call(api, 'PATCH', `/teams/${team.body.teamId}`, { token: account.token, body: {} }), '(body)', 'empty_change');
  });

  it('refuses a body that is not JSON', async () => {
    await expectIssue(await call(api, 'POST', '/users', { token: account.token, rawBody: '{"email": "a@b.c", "name": ' }), '(body)', 'invalid_json');
  });

  it('refuses a missing body', async () => {
    await expectIssue(await call(api, 'POST', '/users', { token: account.token }), '(body)', 'required');
    await expectIssue(await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, rawBody: '  ' }), '(body)', 'required');
  });

  it('changes nothing when a PATCH is refused', async () => {
    const reply = await call(api, 'PATCH', `/users/${account.users[0].userId}`, { token: account.token, body: { name: '' } });
    await expectIssue(reply, 'name', 'too_small');
    expect((await call(api, 'GET', `/users/${account.users[0].userId}`, { token: account.token })).body.name).toBe(account.users[0].name);
  });
});
