/**
 * The built console signing in the way it does in AWS, in Chromium: against a Cognito user pool (cognito-local,
 * a real server of Cognito's protocol; USER_PASSWORD_AUTH because it has no SRP), a user created by the app's own
 * AdminCreateUser adapter with a temporary password is made to choose a new one, and the console then calls the
 * local API, which accepts only this pool's tokens (checked against its published keys, issuer and client, as API
 * Gateway's JWT authorizer does). Pages are served with the Content-Security-Policy CloudFront sends
 * (lib/web-console.ts), and any violation fails the test; axe-core audits each sign-in page.
 */
import { randomBytes } from 'node:crypto';
import { AdminSetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { Browser, Page } from 'playwright-core';
import { decodeJwt } from 'jose';
import { CONSOLE_DIST, CONSOLE_PATH, ensureConsoleBuilt } from '../../bin/local/console-files';
import { LocalHttpApi, startLocalHttpApi } from '../../bin/local/http-api';
import type { RuntimeConfig } from '../../console/src/runtime-config';
import { CognitoSignIns } from '../../functions/adapters/cognito-sign-ins';
import { contentSecurityPolicy } from '../../lib/web-console';
import { CognitoLocal, cognitoTokens, startCognitoLocal } from '../support/cognito-local';
import { directory } from '../support/stack';
import { cspViolations, expectAccessible, launchChromium, tabWithCsp } from './browser';

jest.setTimeout(90_000);

const TEMPORARY = 'Temporary-Pass-123';
const CHOSEN = 'Chosen-Password-456!';
const TOKEN_KEY = 'hosted-inbox.token';

let cognito: CognitoLocal;
let server: LocalHttpApi;
let browser: Browser;
const audited: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt(CONSOLE_DIST); // `npm test` builds it fresh before jest
  [cognito, browser] = await Promise.all([startCognitoLocal(), launchChromium()]);
  const config: RuntimeConfig = {
    apiUrl: '',
    auth: { kind: 'cognito', region: 'us-east-1', userPoolId: cognito.userPoolId, clientId: cognito.clientId, endpoint: cognito.endpoint, passwordFlow: 'USER_PASSWORD_AUTH' },
  };
  server = await startLocalHttpApi({ auth: cognitoTokens(cognito), console: { runtimeConfig: async () => config } });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await cognito?.stop();
});

/** An account with one admin, whose sign-in is created as `POST /users` creates it, with a known temporary password. */
async function invitedAdmin() {
  const suffix = randomBytes(4).toString('hex');
  const accountId = `acct_${suffix}`;
  const user = { userId: `usr_${suffix}`, email: `admin@t${suffix}.example`, name: `Admin ${suffix}`, role: 'admin' as const };
  await directory().createAccount({ accountId, name: `Account ${suffix}`, subdomain: `t${suffix}` }, [user]);
  await new CognitoSignIns(cognito.admin, cognito.userPoolId).create({ accountId, ...user });
  await cognito.admin.send(new AdminSetUserPasswordCommand({ UserPoolId: cognito.userPoolId, Username: user.email, Password: TEMPORARY, Permanent: false }));
  return { accountId, ...user };
}

/** A tab served with CloudFront's CSP, plus the emulator's address, which stands in for Cognito's. */
function newTab(): Promise<Page> {
  return tabWithCsp(browser, `${server.url}${CONSOLE_PATH}`, contentSecurityPolicy('us-east-1', [cognito.endpoint]));
}

async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Email', exact: true }).fill(email);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function submitNewPassword(page: Page, password: string, again = password): Promise<void> {
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(password);
  await page.getByRole('textbox', { name: 'New password, again', exact: true }).fill(again);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
}

test('first sign-in with the temporary password, a new password chosen, then the console works with the pool\'s ID token; sign-out forgets it', async () => {
  const admin = await invitedAdmin();
  const page = await newTab();
  await page.goto(`${server.url}${CONSOLE_PATH}`);
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  await expectAccessible(page, 'sign in (Cognito)', audited);

  await submitSignIn(page, admin.email, TEMPORARY);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await expectAccessible(page, 'choose a new password', audited);

  await submitNewPassword(page, CHOSEN, 'Something-else-789!');
  await page.getByText('The two passwords differ').waitFor();
  await submitNewPassword(page, CHOSEN);

  // The API answered GET /me for this user: the pool's token was accepted.
  await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
  await page.getByText(`${admin.name} (admin)`).waitFor();
  const token = (await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)) as string;
  expect(decodeJwt(token)).toEqual(expect.objectContaining({ iss: `${cognito.endpoint}${cognito.userPoolId}`, token_use: 'id', 'custom:account_id': admin.accountId }));
  expect(await page.evaluate('localStorage.length')).toBe(0); // nothing outlives the tab

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  expect(await page.evaluate('Object.keys(sessionStorage).filter((key) => /token/i.test(key))')).toEqual([]);
  expect(await cspViolations(page)).toEqual([]);
  await page.close();
});

test('a wrong password is refused in words beside the form', async () => {
  const admin = await invitedAdmin();
  const page = await newTab();
  await page.goto(`${server.url}${CONSOLE_PATH}`);
  // The first sign-in sets the password; then a fresh tab tries a wrong one.
  await submitSignIn(page, admin.email, TEMPORARY);
  await submitNewPassword(page, CHOSEN);
  await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
  await page.close();

  const other = await newTab();
  await other.goto(`${server.url}${CONSOLE_PATH}`);
  await submitSignIn(other, admin.email, 'Not-the-password-1!');
  await expect(other.getByRole('alert').textContent()).resolves.toMatch(/password/i);
  expect(await other.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)).toBeNull();
  expect(await cspViolations(other)).toEqual([]);
  await other.close();
});
