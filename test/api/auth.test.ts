/**
 * What the local HTTP server (API Gateway's stand-in) lets through, with real tokens: the JWT authorizer's
 * refusals, the claims a handler needs, the public route, CORS preflights, and account isolation.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt, UnsecuredJWT } from 'jose';
import { createLocalAuth, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../bin/local/local-auth';
import { CLAIMS } from '../../functions/api/routes';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';

const UNAUTHORIZED = { message: 'Unauthorized' };

let api: TestApi;
let account: TestAccount;

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 2);
});
afterAll(() => api?.stop());

const identity = () => ({ accountId: account.accountId, userId: account.users[0].userId, email: account.users[0].email });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('the JWT authorizer', () => {
  it('lets a valid token through: GET /me answers with that user and account', async () => {
    const second = account.users[1];
    const reply = await call(api, 'GET', '/me', { token: second.token });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({ userId: second.userId, accountId: account.accountId, email: second.email, name: second.name });
    expect(reply.body.account).toMatchObject({ accountId: account.accountId, subdomain: account.subdomain });
  });

  it('refuses a request without an Authorization header, with API Gateway’s body', async () => {
    const reply = await call(api, 'GET', '/me');
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('refuses a token signed by another key', async () => {
    const other = await createLocalAuth();
    const token = await other.sign(identity());
    expect(await other.verify(token)).toBeDefined(); // valid but for its key
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it('refuses a token for another audience', async () => {
    const token = await api.auth.sign(identity(), { audience: 'some-other-app' });
    expect(decodeJwt(token)).toMatchObject({ aud: 'some-other-app', iss: LOCAL_ISSUER });
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it('refuses a token from another issuer', async () => {
    const token = await api.auth.sign(identity(), { issuer: 'https://evil.example' });
    expect(decodeJwt(token)).toMatchObject({ aud: LOCAL_AUDIENCE, iss: 'https://evil.example' });
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it('refuses an expired token', async () => {
    // jose: a number is the `exp` claim itself (epoch seconds), not a duration.
    const token = await api.auth.sign(identity(), { expiresIn: nowSeconds() - 600 });
    expect(decodeJwt(token).exp).toBeLessThan(nowSeconds());
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it('accepts a token whose expiry is given as epoch seconds in the future (the same signing path as the expired one)', async () => {
    const token = await api.auth.sign(identity(), { expiresIn: nowSeconds() + 600 });
    expect((await call(api, 'GET', '/me', { token })).status).toBe(200);
  });

  it('refuses an unsigned (alg: none) token carrying valid claims', async () => {
    const token = new UnsecuredJWT({ [CLAIMS.accountId]: account.accountId, [CLAIMS.userId]: account.users[0].userId })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .encode();
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it.each([
    ['Bearer garbage', 'Bearer not-a-jwt'],
    ['Bearer three garbage segments', 'Bearer aaa.bbb.ccc'],
    ['another scheme with a valid token', 'Basic <token>'],
    ['a valid token without a scheme', '<token>'],
    ['Bearer and nothing else', 'Bearer '],
  ])('refuses %s', async (_name, header) => {
    const reply = await call(api, 'GET', '/me', { headers: { authorization: header.replace('<token>', account.token) } });
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual(UNAUTHORIZED);
  });

  it('answers 403 to a validly signed token whose claims lack custom:account_id', async () => {
    // JSON drops undefined values: the token is signed without the claim at all.
    const token = await api.auth.sign({ ...identity(), accountId: undefined as unknown as string });
    expect(await api.auth.verify(token)).toBeDefined();
    expect(decodeJwt(token)).not.toHaveProperty(CLAIMS.accountId);
    const reply = await call(api, 'GET', '/me', { token });
    expect(reply.status).toBe(403);
    expect(reply.body).toEqual({ error: { code: 'forbidden', message: expect.stringContaining(CLAIMS.accountId) } });
  });

  it('answers 403 to a validly signed token whose custom:user_id is empty', async () => {
    // (LocalAuth also uses the user id as `sub`, which jose requires to be a string: it cannot be left out.)
    const token = await api.auth.sign({ ...identity(), userId: '' });
    expect(await api.auth.verify(token)).toBeDefined();
    expect(decodeJwt(token)).toHaveProperty([CLAIMS.userId], '');
    const reply = await call(api, 'GET', '/users', { token });
    expect(reply.status).toBe(403);
    expect(reply.body.error.code).toBe('forbidden');
  });
});

describe('routes', () => {
  it('serves the public GET /verify without a token: an unknown token gets the 404 page, not 401', async () => {
    const unknown = randomBytes(32).toString('base64url');
    const reply = await call(api, 'GET', `/verify?token=${unknown}`);
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
    expect(reply.text).toContain('This link is not valid');
    expect(reply.text).not.toContain('<form'); // nothing to confirm
  });

  it('answers JSON on GET /verify to API clients, still without a token', async () => {
    const reply = await call(api, 'GET', '/verify?token=nonsense', { headers: { accept: 'application/json' } });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ status: 'invalid' });
  });

  it('answers 404 to an unknown route, before any token check', async () => {
    const reply = await call(api, 'GET', '/nowhere');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: 'Not Found' });
    // A known path with a method it does not have is no route either.
    const wrongMethod = await call(api, 'DELETE', '/users', { token: account.token });
    expect(wrongMethod.status).toBe(404);
    expect(wrongMethod.body).toEqual({ message: 'Not Found' });
  });

  it('answers a CORS preflight with 204 and the allowed origin, without a token', async () => {
    const origin = 'https://app.example.com';
    const reply = await call(api, 'OPTIONS', '/users', { headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe(origin);
    expect(reply.headers.get('access-control-allow-methods')).toContain('POST');
    expect(reply.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('puts the CORS origin on real answers too, refusals included (so browsers can read them)', async () => {
    const origin = 'https://app.example.com';
    const refused = await call(api, 'GET', '/me', { headers: { origin } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);
    const served = await call(api, 'GET', '/me', { token: account.token, headers: { origin } });
    expect(served.status).toBe(200);
    expect(served.headers.get('access-control-allow-origin')).toBe(origin);
  });
});

describe('account isolation', () => {
  let a: TestAccount;
  let b: TestAccount;
  let teamA: { teamId: string; name: string; memberIds: string[] };

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestAccount(api, 2), createTestAccount(api, 1)]);
    const created = await call(api, 'POST', '/teams', { token: a.token, body: { name: 'A team', memberIds: [a.users[0].userId] } });
    expect(created.status).toBe(201);
    teamA = created.body;
  });

  const randomId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

  it('answers 404 on GET of another account’s user, exactly as for a user that does not exist', async () => {
    const theirs = await call(api, 'GET', `/users/${a.users[1].userId}`, { token: b.token });
    const none = await call(api, 'GET', `/users/${randomId('usr')}`, { token: b.token });
    expect(none.status).toBe(404);
    expect(theirs.status).toBe(404);
    expect(theirs.text).toBe(none.text);
    // ...while its own account sees it.
    expect((await call(api, 'GET', `/users/${a.users[1].userId}`, { token: a.token })).status).toBe(200);
  });

  it('answers 404 on PATCH of another account’s user, and changes nothing', async () => {
    const theirs = await call(api, 'PATCH', `/users/${a.users[1].userId}`, { token: b.token, body: { name: 'Hijacked' } });
    const none = await call(api, 'PATCH', `/users/${randomId('usr')}`, { token: b.token, body: { name: 'Hijacked' } });
    expect(none.status).toBe(404);
    expect(theirs.status).toBe(404);
    expect(theirs.text).toBe(none.text);
    const availability = await call(api, 'PUT', `/users/${a.users[1].userId}/availability`, { token: b.token, body: { availability: 'away' } });
    expect(availability.status).toBe(404);
    expect(availability.text).toBe(none.text);
    const still = await call(api, 'GET', `/users/${a.users[1].userId}`, { token: a.token });
    expect(still.body).toMatchObject({ name: a.users[1].name, availability: 'available' });
    expect((await call(api, 'GET', '/users', { token: b.token })).body.users.map((user: { userId: string }) => user.userId)).not.toContain(a.users[1].userId);
  });

  it('answers 404 on GET and PATCH of another account’s team, exactly as for a team that does not exist, and changes nothing', async () => {
    const get = await call(api, 'GET', `/teams/${teamA.teamId}`, { token: b.token });
    const getNone = await call(api, 'GET', `/teams/${randomId('team')}`, { token: b.token });
    expect(getNone.status).toBe(404);
    expect(get.status).toBe(404);
    expect(get.text).toBe(getNone.text);

    const patch = await call(api, 'PATCH', `/teams/${teamA.teamId}`, { token: b.token, body: { name: 'Hijacked' } });
    const patchNone = await call(api, 'PATCH', `/teams/${randomId('team')}`, { token: b.token, body: { name: 'Hijacked' } });
    expect(patchNone.status).toBe(404);
    expect(patch.status).toBe(404);
    expect(patch.text).toBe(patchNone.text);

    const still = await call(api, 'GET', `/teams/${teamA.teamId}`, { token: a.token });
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ name: 'A team', memberIds: [a.users[0].userId] });
  });

  it('lists none of another account’s users or teams', async () => {
    const users = await call(api, 'GET', '/users', { token: b.token });
    const teams = await call(api, 'GET', '/teams', { token: b.token });
    expect(users.status).toBe(200);
    expect(teams.status).toBe(200);
    expect(users.body.users.map((user: { userId: string }) => user.userId)).toEqual([b.users[0].userId]);
    expect(teams.body.teams).toEqual([]);
    // A sees its own: the listing works, it is just scoped.
    const own = await call(api, 'GET', '/users', { token: a.token });
    expect(own.body.users.map((user: { userId: string }) => user.userId).sort()).toEqual(a.users.map((user) => user.userId).sort());
    expect((await call(api, 'GET', '/teams', { token: a.token })).body.teams.map((team: { teamId: string }) => team.teamId)).toEqual([teamA.teamId]);
  });

  it('reads the account from the token only: B cannot reach A through GET /account or a forged body', async () => {
    const reply = await call(api, 'GET', '/account', { token: b.token });
    expect(reply.body.accountId).toBe(b.accountId);
    const created = await call(api, 'POST', '/users', { token: b.token, body: { email: 'x@example.com', name: 'X', accountId: a.accountId } });
    expect(created.status).toBe(400);
    expect(created.body.error.issues).toEqual([expect.objectContaining({ field: 'accountId', rule: 'unknown_field' })]);
  });
});
