/**
 * The built console signing in with an external OpenID Connect issuer, in Chromium, as it does in AWS with
 * -c jwtIssuer: a real OpenID Provider (oidc-provider, its own login and consent pages) with the console
 * registered as a public client, authorization code with PKCE, the ID token renewed with the refresh token before
 * it expires, and sign-out at the issuer's end-session endpoint. The local API accepts only that issuer's tokens
 * for the console's client (its published keys, issuer and audience, as API Gateway's JWT authorizer checks
 * them), and finds the user from the `custom:account_id` and `custom:user_id` claims the issuer puts in them.
 * Pages are served with the Content-Security-Policy CloudFront sends for this issuer (lib/web-console.ts): any
 * violation fails the test; axe-core audits the sign-in page and the console after sign-in.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { CONSOLE_DIST, CONSOLE_PATH, ensureConsoleBuilt } from '../../bin/local/console-files';
import { LocalHttpApi, startLocalHttpApi } from '../../bin/local/http-api';
import { trustIssuer } from '../../bin/local/local-auth';
import { OIDC_CALLBACK, type RuntimeConfig } from '../../console/src/runtime-config';
import { CLAIMS } from '../../functions/api/routes';
import { contentSecurityPolicy } from '../../lib/web-console';
import { freePort } from '../support/cognito-local';
import { startOidcProvider, TestOidcProvider } from '../support/oidc-provider';
import { directory } from '../support/stack';
import { cspViolations, expectAccessible, launchChromium, tabWithCsp } from './browser';

jest.setTimeout(90_000);

const CLIENT_ID = 'hosted-inbox-console';
const ISSUER_NAME = 'Test SSO';
const TOKEN_KEY = 'hosted-inbox.token';
/** Short, so the test sees a renewal: the console renews a quarter of the lifetime before expiry (5 s here). */
const ID_TOKEN_TTL_SECONDS = 20;

const suffix = randomBytes(4).toString('hex');
const admin = { accountId: `acct_${suffix}`, userId: `usr_${suffix}`, email: `admin@t${suffix}.example`, name: `Admin ${suffix}`, role: 'admin' as const };
const PASSWORD = 'Correct-horse-battery-9';

let provider: TestOidcProvider;
let server: LocalHttpApi;
let browser: Browser;
let consoleUrl: string;
const audited: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt(CONSOLE_DIST); // `npm test` builds it fresh before jest
  // The console's address is registered at the issuer before either starts.
  const port = await freePort();
  consoleUrl = `http://127.0.0.1:${port}${CONSOLE_PATH}`;
  await directory().createAccount({ accountId: admin.accountId, name: `Account ${suffix}`, subdomain: `t${suffix}` }, [admin]);
  [provider, browser] = await Promise.all([
    startOidcProvider({
      client: { clientId: CLIENT_ID, name: 'hosted-inbox console', redirectUris: [`${consoleUrl}${OIDC_CALLBACK}`], postLogoutRedirectUris: [consoleUrl] },
      // The issuer's own subject id; the account and user the API reads come from the claims it is configured to add.
      users: [{ sub: `idp-${suffix}`, email: admin.email, password: PASSWORD, claims: { [CLAIMS.accountId]: admin.accountId, [CLAIMS.userId]: admin.userId } }],
      idTokenTtlSeconds: ID_TOKEN_TTL_SECONDS,
    }),
    launchChromium(),
  ]);
  const config: RuntimeConfig = {
    apiUrl: '',
    auth: { kind: 'oidc', issuer: provider.issuer, name: ISSUER_NAME, clientId: CLIENT_ID, scope: 'openid email hosted-inbox offline_access' },
  };
  server = await startLocalHttpApi({ port, auth: trustIssuer({ issuer: provider.issuer, audience: [CLIENT_ID] }), console: { runtimeConfig: async () => config } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.stop();
});

/** A tab with the CSP CloudFront sends for this issuer. */
const newTab = () => tabWithCsp(browser, consoleUrl, contentSecurityPolicy('us-east-1', [provider.issuer]));

const storedToken = (page: Page) => page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`) as Promise<string | null>;

/** From the console's sign-in page to the issuer's login page. */
async function goToIssuer(page: Page): Promise<void> {
  await page.getByRole('button', { name: `Sign in with ${ISSUER_NAME}` }).click();
  await page.getByRole('heading', { name: 'Sign in to the test identity provider' }).waitFor();
  expect(page.url().startsWith(`${provider.issuer}/interaction/`)).toBe(true);
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('sign in at the issuer (login, consent), back on the page asked for; the console works with its ID token, renewed before it expires; sign-out ends the issuer\'s session', async () => {
  const page = await newTab();
  await page.goto(`${consoleUrl}#/users`);
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  await expectAccessible(page, 'sign in (OIDC)', audited);

  await goToIssuer(page);
  await logIn(page, admin.email, PASSWORD);
  await page.getByRole('heading', { name: 'Allow hosted-inbox console?' }).waitFor();
  await page.getByRole('button', { name: 'Allow' }).click();

  // Back through /console/callback to the page asked for, as the user the token names: GET /me accepted it.
  await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
  await page.getByText(`${admin.name} (admin)`).waitFor();
  expect(new URL(page.url()).pathname + new URL(page.url()).search + new URL(page.url()).hash).toBe(`${CONSOLE_PATH}#/users`);
  await expectAccessible(page, 'users, signed in with OIDC', audited);
  const token = (await storedToken(page))!;
  const claims = decodeJwt(token);
  expect(claims).toEqual(expect.objectContaining({ iss: provider.issuer, aud: CLIENT_ID, sub: `idp-${suffix}`, email: admin.email, [CLAIMS.accountId]: admin.accountId, [CLAIMS.userId]: admin.userId }));
  expect(await page.evaluate('localStorage.length')).toBe(0); // nothing outlives the tab
  // The authorizer's checks: the same token is refused for another audience, or from another issuer.
  expect(await trustIssuer({ issuer: provider.issuer, audience: ['another-client'] }).verify(token)).toBeUndefined();
  expect(await trustIssuer({ issuer: `${provider.issuer}/elsewhere`, audience: [CLIENT_ID], jwksUri: `${provider.issuer}/jwks` }).verify(token)).toBeUndefined();
  expect(await trustIssuer({ issuer: provider.issuer, audience: [CLIENT_ID], jwksUri: `${provider.issuer}/jwks` }).verify(token)).toEqual(claims);

  // Renewed with the refresh token a quarter of its lifetime before it expires: a new ID token, the same user.
  await page.waitForFunction(`![null, ${JSON.stringify(token)}].includes(sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)}))`, undefined, { timeout: ID_TOKEN_TTL_SECONDS * 1000 });
  const renewed = decodeJwt((await storedToken(page))!);
  expect(renewed.iat!).toBeGreaterThan(claims.iat!);
  expect(renewed.exp! - renewed.iat!).toBe(ID_TOKEN_TTL_SECONDS);
  expect(renewed).toEqual(expect.objectContaining({ sub: claims.sub, [CLAIMS.accountId]: admin.accountId, [CLAIMS.userId]: admin.userId }));
  // Past the first token's expiry, the console still works (every poll carries the renewed token).
  await page.waitForTimeout(Math.max(claims.exp! * 1000 - Date.now() + 1000, 0));
  await page.reload();
  await page.getByText(`${admin.name} (admin)`).waitFor();
  expect(await cspViolations(page)).toEqual([]);

  // Sign-out: the issuer's end-session page, then back to the console's sign-in, with nothing kept.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  await page.waitForURL(consoleUrl);
  expect(await page.evaluate('Object.keys(sessionStorage).filter((key) => /token|oidc/i.test(key))')).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  // The issuer's session ended too: signing in again asks for the password.
  await goToIssuer(page);
  await page.close();
});

test('a wrong password is refused at the issuer; refusing consent comes back as words on the sign-in page, with no token', async () => {
  const page = await newTab();
  await page.goto(consoleUrl);
  await goToIssuer(page);
  await logIn(page, admin.email, 'Not-the-password-1');
  await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password.');
  await logIn(page, `nobody@t${suffix}.example`, PASSWORD);
  await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong email or password.');

  await logIn(page, admin.email, PASSWORD);
  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  await expect(page.getByRole('alert').textContent()).resolves.toContain('The user did not allow the sign-in.');
  expect(await storedToken(page)).toBeNull();
  expect(await cspViolations(page)).toEqual([]);
  await page.close();
});
