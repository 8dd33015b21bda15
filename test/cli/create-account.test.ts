/**
 * `hosted-inbox create-account`: locally through the real command line against the local stack (the printed
 * token works on the HTTP API as the account's admin); against a deployment in process, with the stack's
 * outputs and the Cognito pool replaced (no local CloudFormation or Cognito exists) and the records written
 * to the local DynamoDB. Also the sign-in of users invited with POST /users' use case.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamo } from '../../functions/commons/clients';
import { config } from '../../functions/commons/env';
import { newId } from '../../functions/commons/ids';
import { Conflict } from '../../functions/commons/errors';
import { createUser } from '../../functions/directory/use-cases';
import { createAccountCommand, CreateAccountDeps } from '../../bin/create-account';
import { loadLocalAuth } from '../../bin/local/local-auth';
import { startLocalHttpApi } from '../../bin/local/http-api';
import { localIdentity } from '../../bin/local/seed';
import { call } from '../support/api';
import { runCli } from '../support/cli';
import { FakeSignIns } from '../support/fake-sign-ins';
import { directory, uniqueId } from '../support/stack';

/** Each run starts a Node process that compiles the CLI: slow on a loaded machine (a limit, not a timing). */
const CLI_TIMEOUT = 120_000;
const dataDir = mkdtempSync(join(tmpdir(), 'hosted-inbox-cli-'));

const run = (...args: string[]) => runCli(['create-account', ...args], { HOSTED_INBOX_DATA: dataDir });

/** Dependencies of an in-process run: the stack outputs and the pool replaced, records in the local DynamoDB. */
function deps(outputs: Record<string, string>, signIns = new FakeSignIns()) {
  const printed = { out: '', err: '' };
  const stacks: string[] = [];
  const pools: string[] = [];
  const fake: CreateAccountDeps = {
    stackOutputs: async (stack) => {
      stacks.push(stack);
      return outputs;
    },
    signIns: (pool) => {
      pools.push(pool);
      return signIns;
    },
    dynamo,
    localAuth: () => Promise.reject(new Error('no local token for a deployment')),
    localEnvironment: () => Promise.reject(new Error('not local')),
    out: (text) => (printed.out += text),
    err: (text) => (printed.err += text),
  };
  return { fake, printed, stacks, pools, signIns };
}

describe('locally (no --stack): the real command line against the local stack', () => {
  it('creates the account and its admin, and prints a token that works as that admin', async () => {
    const subdomain = uniqueId('acme');
    const { code, stdout, stderr } = await run('--name', 'Acme', '--subdomain', subdomain.toUpperCase(), '--admin', 'Alice@Acme.example');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout);
    expect(printed.account).toEqual({ accountId: expect.stringMatching(/^acct_/), name: 'Acme', subdomain });
    expect(printed.admin).toMatchObject({ email: 'alice@acme.example', name: 'alice', role: 'admin', accountId: printed.account.accountId });

    // The local HTTP API with the key `npm start` would load from the same data directory.
    const api = await startLocalHttpApi({ auth: await loadLocalAuth(join(dataDir, 'local-auth.json')), identityFor: localIdentity });
    try {
      const me = await call(api, 'GET', '/me', { token: printed.token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ user: printed.admin, account: printed.account });
      // An admin route: the admin can set the account up.
      const inbox = await call(api, 'POST', '/inboxes', { token: printed.token, body: { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' } });
      expect(inbox.status).toBe(201);
    } finally {
      await api.stop();
    }

    const again = await run('--name', 'Other', '--subdomain', subdomain, '--admin', 'bob@other.example');
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain(`the subdomain ${subdomain} belongs to another account`);
  }, CLI_TIMEOUT);

  it('refuses an unknown flag with exit 2 and the usage, creating nothing', async () => {
    const { code, stdout, stderr } = await run('--name', 'Acme', '--subdomain', 'acme', '--admin', 'a@acme.example', '--role', 'x');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("Unknown option '--role'");
    expect(stderr).toContain('usage: hosted-inbox create-account');
  }, CLI_TIMEOUT);
});

describe('bad usage (in process)', () => {
  it.each([
    ['no subdomain', ['--name', 'Acme', '--admin', 'a@acme.example'], '--subdomain: is required'],
    ['a subdomain that is no DNS label', ['--name', 'Acme', '--subdomain', 'acme.corp', '--admin', 'a@acme.example'], '--subdomain: must be a DNS label'],
    ['an admin that is no email', ['--name', 'Acme', '--subdomain', 'acme', '--admin', 'alice'], '--admin: must be an email address'],
    ['a line break in the name', ['--name', 'Acme\r\nX', '--subdomain', 'acme', '--admin', 'a@acme.example'], '--name: must not contain line breaks'],
    ['--stack with --table', ['--name', 'Acme', '--subdomain', 'acme', '--admin', 'a@acme.example', '--stack', 'S', '--table', 'T'], 'not both'],
    ['--user-pool alone', ['--name', 'Acme', '--subdomain', 'acme', '--admin', 'a@acme.example', '--user-pool', 'P'], '--user-pool needs --table'],
  ])('refuses %s with exit 2, naming the flag, asking nothing of AWS', async (_what, args, message) => {
    const setup = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'pool' });
    expect(await createAccountCommand(args, setup.fake)).toBe(2);
    expect(setup.printed.out).toBe('');
    expect(setup.printed.err).toContain(message);
    expect(setup.printed.err).toContain('usage: hosted-inbox create-account');
    expect([setup.stacks, setup.pools, setup.signIns.users.size]).toEqual([[], [], 0]);
  });
});

describe('against a deployment (--stack or --table): records in the table, the admin signed in to the pool', () => {
  it('--stack reads the table and pool from the stack outputs; the Cognito user carries the two claims', async () => {
    const subdomain = uniqueId('globex');
    const setup = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'us-east-1_Pool' });
    expect(await createAccountCommand(['--name', 'Globex', '--subdomain', subdomain, '--admin', 'hank@globex.example', '--admin-name', 'Hank Scorpio', '--stack', 'HostedInbox-Data'], setup.fake)).toBe(0);
    expect(setup.printed.err).toBe('');
    expect(setup.stacks).toEqual(['HostedInbox-Data']);
    expect(setup.pools).toEqual(['us-east-1_Pool']);
    const printed = JSON.parse(setup.printed.out);
    expect(printed).not.toHaveProperty('token');
    expect(printed.signIn).toContain('hank@globex.example');
    const { accountId } = printed.account;
    const { userId } = printed.admin;
    expect([...setup.signIns.users.values()]).toEqual([{ accountId, userId, email: 'hank@globex.example', name: 'Hank Scorpio', role: 'admin', availability: 'available', capacity: null, openAssigned: 0 }]);
    expect(await directory().account(accountId)).toEqual({ accountId, name: 'Globex', subdomain });
    expect(await directory().user(accountId, userId)).toMatchObject({ email: 'hank@globex.example', role: 'admin' });
    expect(await directory().member(accountId, 'hank@globex.example')).toEqual({ userId, email: 'hank@globex.example' });
  });

  it('--table without a pool records the account only, and says the admin has no sign-in', async () => {
    const setup = deps({});
    expect(await createAccountCommand(['--name', 'Initech', '--subdomain', uniqueId('initech'), '--admin', 'peter@initech.example', '--table', config().tables.inboxes], setup.fake)).toBe(0);
    expect(setup.pools).toEqual([]);
    expect(setup.printed.err).toContain('no sign-in');
    expect(await directory().account(JSON.parse(setup.printed.out).account.accountId)).toBeDefined();
  });

  it('an email that already signs in: exit 1, nothing written (the subdomain stays free)', async () => {
    const signIns = new FakeSignIns();
    await signIns.create({ accountId: 'acct_x', userId: 'usr_x', email: 'taken@acme.example', name: 'Taken' });
    const subdomain = uniqueId('taken');
    const setup = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'pool' }, signIns);
    expect(await createAccountCommand(['--name', 'A', '--subdomain', subdomain, '--admin', 'taken@acme.example', '--stack', 'S'], setup.fake)).toBe(1);
    expect(setup.printed.err).toContain('taken@acme.example already signs in');
    const retry = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'pool' });
    expect(await createAccountCommand(['--name', 'A', '--subdomain', subdomain, '--admin', 'free@acme.example', '--stack', 'S'], retry.fake)).toBe(0);
  });

  it('a subdomain taken: the sign-in just created is removed again, exit 1', async () => {
    const subdomain = uniqueId('dup');
    const first = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'pool' });
    expect(await createAccountCommand(['--name', 'A', '--subdomain', subdomain, '--admin', 'one@dup.example', '--stack', 'S'], first.fake)).toBe(0);
    const second = deps({ InboxesTableName: config().tables.inboxes, UserPoolId: 'pool' });
    expect(await createAccountCommand(['--name', 'B', '--subdomain', subdomain, '--admin', 'two@dup.example', '--stack', 'S'], second.fake)).toBe(1);
    expect(second.printed.err).toContain(`the subdomain ${subdomain} belongs to another account`);
    expect(second.signIns.removed).toEqual(['two@dup.example']);
    expect(second.signIns.users.size).toBe(0);
  });

  it('a stack without the table output: exit 1 naming it', async () => {
    const setup = deps({ UserPoolId: 'pool' });
    expect(await createAccountCommand(['--name', 'A', '--subdomain', uniqueId('s'), '--admin', 'a@s.example', '--stack', 'HostedInbox-App'], setup.fake)).toBe(1);
    expect(setup.printed.err).toContain('stack HostedInbox-App has no InboxesTableName output');
    expect(setup.signIns.users.size).toBe(0);
  });
});

describe('POST /users in AWS (a user pool configured): the invited user gets a sign-in', () => {
  it('creates the sign-in with the claims, and removes it when the record is refused (email already a user)', async () => {
    const accountId = uniqueId('acct_');
    await directory().createAccount({ accountId, name: 'Acme', subdomain: accountId }, [{ userId: `${accountId}-admin`, email: 'admin@acme.example', name: 'Admin' }]);
    const signIns = new FakeSignIns();
    const user = await createUser(directory(), { accountId }, { email: 'sam@acme.example', name: 'Sam' }, newId, signIns);
    expect(signIns.users.get('sam@acme.example')).toMatchObject({ accountId, userId: user.userId, email: 'sam@acme.example' });

    const refused = createUser(directory(), { accountId }, { email: 'admin@acme.example', name: 'Again' }, newId, signIns);
    await expect(refused).rejects.toBeInstanceOf(Conflict);
    expect(signIns.removed).toEqual(['admin@acme.example']);
    expect(signIns.users.has('admin@acme.example')).toBe(false);

    // An email that signs in elsewhere in the pool: 409, and no user recorded.
    await signIns.create({ accountId: 'acct_other', userId: 'usr_other', email: 'elsewhere@acme.example', name: 'Elsewhere' });
    await expect(createUser(directory(), { accountId }, { email: 'elsewhere@acme.example', name: 'E' }, newId, signIns)).rejects.toMatchObject({ status: 409, code: 'email_in_use' });
    expect(await directory().member(accountId, 'elsewhere@acme.example')).toBeUndefined();
  });
});
