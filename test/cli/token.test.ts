/** The `token` contract, through the real command line (`npx hosted-inbox token`) against a local HTTP API. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { call, createTestAccount, startTestApi, TestAccount, TestApi } from '../support/api';

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [join(__dirname, '../../bin/hosted-inbox.js'), ...args], { env: { ...process.env, NODE_NO_WARNINGS: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let api: TestApi;
let account: TestAccount;

beforeAll(async () => {
  api = await startTestApi();
  account = await createTestAccount(api, 2);
});
afterAll(() => api?.stop());

describe('hosted-inbox token', () => {
  it('prints a token that works on GET /me as that user', async () => {
    const user = account.users[1];
    const { code, stdout, stderr } = await run('token', '--api', api.url, '--user', user.email, '--account', account.accountId);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/); // the token alone on one line, for $(...)
    const me = await call(api, 'GET', '/me', { token: stdout.trim() });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ userId: user.userId, email: user.email, accountId: account.accountId });
  });

  it('finds the user whatever the case of the email given', async () => {
    const user = account.users[0];
    const { code, stdout } = await run('token', '--api', api.url, '--user', user.email.toUpperCase(), '--account', account.accountId);
    expect(code).toBe(0);
    expect((await call(api, 'GET', '/me', { token: stdout.trim() })).body.user.userId).toBe(user.userId);
  });

  it('fails with exit 1 and names the user when there is no such user', async () => {
    const { code, stdout, stderr } = await run('token', '--api', api.url, '--user', 'nobody@nowhere.example', '--account', account.accountId);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('nobody@nowhere.example');
    expect(stderr).toMatch(/no local user/);
  });

  it('fails with exit 1 for a user of another account than the one given', async () => {
    const other = await createTestAccount(api, 1);
    const { code, stdout, stderr } = await run('token', '--api', api.url, '--user', account.users[0].email, '--account', other.accountId);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(account.users[0].email);
  });

  it('fails with exit 1 and points at `npm start` when the API is not reachable', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run('token', '--api', `http://127.0.0.1:${port}`, '--user', account.users[0].email, '--account', account.accountId);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`http://127.0.0.1:${port}`);
    expect(stderr).toContain('npm start');
  });

  it.each([
    ['an unknown option', ['--bogus']],
    ['an option without its value', ['--user']],
    ['a stray argument', ['someone@example.com']],
  ])('explains usage with exit 2 on %s', async (_what, args) => {
    const { code, stdout, stderr } = await run('token', '--api', api.url, ...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('usage: hosted-inbox token');
  });
});
