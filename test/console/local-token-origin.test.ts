/** The local token route: this machine's tools and the console on the API's own origin, nobody else. */
import { request } from 'node:http';
import { createLocalAuth } from '../../bin/local/local-auth';
import { LOCAL_TOKEN_PATH, LocalHttpApi, startLocalHttpApi } from '../../bin/local/http-api';
import { localIdentity } from '../../bin/local/seed';
import { createTestAccount } from '../support/api';

let server: LocalHttpApi;
let email: string;
let accountId: string;

beforeAll(async () => {
  const auth = await createLocalAuth();
  server = await startLocalHttpApi({ auth, identityFor: localIdentity });
  const account = await createTestAccount({ url: server.url, auth, server, stop: () => server.stop() }, 1);
  ({ accountId } = account);
  email = account.users[0].email;
});
afterAll(() => server.stop());

/** node:http, because fetch will not send a chosen Host header. */
function ask(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const path = `${LOCAL_TOKEN_PATH}?${new URLSearchParams({ email, account: accountId })}`;
    request({ host: '127.0.0.1', port: server.port, path, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject).end();
  });
}

describe('who may mint a local token', () => {
  const own = () => `127.0.0.1:${server.port}`;

  it('answers this machine\'s tools (no Origin) and the console on the server\'s own origin', async () => {
    expect(await ask({ host: own() })).toBe(200);
    expect(await ask({ host: `localhost:${server.port}` })).toBe(200);
    expect(await ask({ host: own(), origin: `http://${own()}`, 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await ask({ host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` })).toBe(200);
  });

  it('refuses every other origin, even another port of this machine', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, `https://${own()}`, 'null', `http://localhost:${server.port}`]) {
      expect({ origin, status: await ask({ host: own(), origin }) }).toEqual({ origin, status: 403 });
    }
  });

  it('refuses cross-site requests that carry no Origin (navigations, no-cors) and other Host names (DNS rebinding)', async () => {
    expect(await ask({ host: own(), 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await ask({ host: own(), 'sec-fetch-site': 'same-site' })).toBe(403);
    expect(await ask({ host: `evil.example:${server.port}` })).toBe(403);
    expect(await ask({ host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}` })).toBe(403);
    expect(await ask({ host: `127.0.0.1:${server.port + 1}` })).toBe(403);
  });
});
