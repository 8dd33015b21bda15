/**
 * The web console in a real browser against the local stack: sign in by picking a user, connect a team email
 * through every wizard step (the custom sender address verified by the link read from the local SES store),
 * forward mail to the new address over SMTP and see Gmail's confirmation code on the channel; admin settings
 * pages, and an agent who does not see them. axe-core audits every page visited; screenshots go to docs/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { S3Client } from '@aws-sdk/client-s3';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_DIST, CONSOLE_PATH, ensureConsoleBuilt } from '../../bin/local/console-files';
import { createLocalAuth } from '../../bin/local/local-auth';
import { LOCAL_TOKEN_PATH, LocalHttpApi, startLocalHttpApi } from '../../bin/local/http-api';
import { localIdentity } from '../../bin/local/seed';
import { startSmtpInbound, SmtpInbound } from '../../bin/local/smtp-inbound';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { createTestAccount, sentTo, TestAccount } from '../support/api';
import { directory } from '../support/stack';
import { expectAccessible, launchChromium } from './browser';

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
jest.setTimeout(90_000);

let server: LocalHttpApi;
let smtp: SmtpInbound;
let browser: Browser;
let account: TestAccount;
/** Pages axe-core audited, by name. */
const audited: string[] = [];

beforeAll(async () => {
  ensureConsoleBuilt(CONSOLE_DIST); // `npm test` builds it fresh before jest
  browser = await launchChromium();
  const auth = await createLocalAuth();
  let accountId = '';
  server = await startLocalHttpApi({
    auth,
    identityFor: localIdentity,
    console: {
      runtimeConfig: async () => ({
        apiUrl: '',
        auth: { kind: 'local', tokenPath: LOCAL_TOKEN_PATH, users: (await directory().users(accountId)).map(({ email, name }) => ({ email, name, accountId })) },
      }),
    },
  });
  process.env.PUBLIC_API_URL = server.url; // verification links point at this server, as `npm start` sets
  account = await createTestAccount({ url: server.url, auth, server, stop: () => server.stop() }, 3);
  accountId = account.accountId;
  await directory().createTeam({ teamId: `team_${accountId}`, accountId, name: 'Tier 1', memberIds: [account.users[1].userId] });
  smtp = await startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await smtp?.stop();
  await server?.stop();
});

async function signIn(page: Page, user: { name: string; email: string }): Promise<void> {
  page.setDefaultTimeout(10_000);
  await page.goto(`${server.url}${CONSOLE_PATH}`);
  await page.getByRole('heading', { name: 'Sign in to hosted-inbox' }).waitFor();
  await expectAccessible(page, 'sign in', audited);
  await page.getByRole('button', { name: `Sign in as ${user.name} (${user.email})` }).click();
  await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
}

/** The preview region's text once it shows `expected`. */
async function previewShows(page: Page, expected: string): Promise<void> {
  await page.getByTestId('sender-preview').getByText(expected, { exact: true }).first().waitFor();
}

describe('the web console', () => {
  it('connects a team email through the wizard and shows the channel with Gmail\'s confirmation code', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const admin = account.users[0];
    await signIn(page, admin);
    await expectAccessible(page, 'channels (none yet)', audited);

    await page.getByRole('button', { name: 'Connect a team email' }).click();
    await page.getByText('Is this a shared account?').waitFor();
    expect(await page.getByLabel("Yes, it's a shared account").isChecked()).toBe(true);
    await expectAccessible(page, 'wizard: account type', audited);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByLabel('Other email account').check();
    await expectAccessible(page, 'wizard: provider', audited);
    await page.getByLabel('Inbox name').fill('Customer care');
    await page.getByRole('button', { name: 'Next' }).click();

    // Sender: the API's preview follows what is typed.
    await page.getByRole('textbox', { name: 'Company name' }).fill('Acme Test');
    await previewShows(page, `${admin.name} from Acme Test`);
    await page.getByLabel('Company name only').check();
    await previewShows(page, 'Acme Test');
    // A refusal of the API is shown in words next to the field that caused it.
    await page.getByLabel('Username').fill('postmaster');
    await page.getByText(/reserved/i).waitFor();
    await page.getByLabel('Username').fill('care');
    await page.getByTestId('sender-preview').getByText(`From: Acme Test <care@${account.subdomain}.inbox.example.com>`).waitFor();
    await expectAccessible(page, 'wizard: sender (default address)', audited);

    const custom = `care@${account.subdomain}.example`;
    await page.getByLabel('Custom address (your own domain, verified by email)').check();
    await page.getByLabel('Custom sender address').fill(custom);
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await page.getByText('Verification pending').waitFor();
    await previewShows(page, 'Replies can be sent once the custom address is verified.');
    await expectAccessible(page, 'wizard: sender (verification pending)', audited);

    // The link from the local SES store, opened in another tab; the wizard notices by itself.
    const [email] = await sentTo(custom);
    const link = (email.body.text ?? email.body.html ?? '').match(/https?:\/\/\S+\/verify\?token=[\w-]+/)![0];
    const mailTab = await browser.newPage();
    await mailTab.goto(link);
    await mailTab.getByRole('button', { name: 'Verify' }).click();
    await mailTab.waitForLoadState();
    await mailTab.close();
    await page.getByText('Verified', { exact: true }).waitFor();
    await page.getByTestId('sender-preview').getByText(`From: Acme Test <${custom}>`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'wizard-sender.png') });
    await page.getByRole('button', { name: 'Next' }).click();

    // Auto-assignment: specific users and teams, picked.
    await page.getByLabel('Specific users and teams (in turn, to whoever is available)').check();
    await page.getByRole('combobox', { name: 'Users' }).click();
    await page.getByRole('option', { name: `${account.users[2].name} (${account.users[2].email})` }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('combobox', { name: 'Teams' }).click();
    await page.getByRole('option', { name: 'Tier 1' }).click();
    await page.keyboard.press('Escape');
    await expectAccessible(page, 'wizard: auto-assignment', audited);
    await page.getByRole('button', { name: 'Next' }).click();

    // Tickets: on, with properties edited in the side panel.
    await page.getByLabel('Create a ticket for each new conversation').check();
    await page.getByRole('button', { name: 'Edit ticket' }).click();
    const panel = page.getByRole('dialog', { name: 'Edit ticket' });
    await panel.getByLabel('Ticket name').fill('{{subject}} from {{contact.email}}');
    await panel.getByRole('combobox', { name: 'Priority' }).click();
    await page.getByRole('option', { name: 'high' }).click();
    await expectAccessible(page, 'wizard: edit ticket panel', audited);
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'hidden' });
    await page.getByText('Ticket: {{subject}} from {{contact.email}}').waitFor();
    await page.getByText(/high priority/).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // Forwarding address: customized in a dialog, with the warning that it is final.
    await page.getByText('This address cannot change after this step').waitFor();
    await page.getByRole('button', { name: 'Customize' }).click();
    const dialog = page.getByRole('dialog', { name: 'Customize the forwarding address' });
    await dialog.getByLabel('Address').fill('care-desk');
    await expectAccessible(page, 'wizard: customize forwarding address', audited);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const forwardingAddress = `care-desk@${account.subdomain}.inbox.example.com`;
    await page.getByTestId('forwarding-address').filter({ hasText: forwardingAddress }).waitFor();
    await expectAccessible(page, 'wizard: forwarding address', audited);
    await page.getByRole('button', { name: 'Finish' }).click();

    // The channel, as the API stored the wizard's answers.
    const channel = page.getByRole('region', { name: 'Channel Customer care' });
    await channel.getByText(forwardingAddress).waitFor();
    await channel.getByText('No Gmail confirmation received yet.').waitFor();

    // Gmail's forwarding confirmation arrives over SMTP; the channel shows its code without a reload.
    await createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }).sendMail({
      from: 'Gmail Team <forwarding-noreply@google.com>',
      to: forwardingAddress,
      subject: '(#583041967) Gmail Forwarding Confirmation - Receive Mail from care.team@gmail.com',
      text: `care.team@gmail.com has requested to automatically forward mail to your email\naddress ${forwardingAddress}.\nConfirmation code: 583041967\n`,
    });
    await channel.getByText('583041967').waitFor({ timeout: 15_000 });
    await channel.getByText('care.team@gmail.com wants to forward here.', { exact: false }).waitFor();
    await channel.getByRole('button', { name: 'How to forward your team email here' }).click();
    await channel.getByText(/Google Groups:/).waitFor();
    await expectAccessible(page, 'channels (connected, Gmail confirmation)', audited);
    await page.screenshot({ path: join(SCREENSHOTS, 'channels.png') });
    await page.close();
  });

  it('shows admins the settings pages and hides them from agents', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    await signIn(page, account.users[0]);
    for (const [link, heading] of [['Users', 'Users'], ['Teams', 'Teams'], ['Trusted forwarders', 'Trusted forwarders'], ['Pipelines', 'Pipelines']] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await expectAccessible(page, `settings: ${heading}`, audited);
    }
    // A team added here is what the API answers afterwards.
    await page.getByRole('link', { name: 'Teams' }).click();
    await page.getByLabel('Team name').fill('Escalations');
    await page.getByRole('button', { name: 'Add team' }).click();
    await page.getByRole('cell', { name: 'Escalations' }).waitFor();
    expect((await directory().teams(account.accountId)).map((team) => team.name)).toContain('Escalations');
    await page.getByRole('button', { name: 'Sign out' }).click();

    const agent = account.users[1];
    await signIn(page, agent);
    await page.getByText(`${agent.name} (agent)`).waitFor();
    const navigation = page.getByRole('navigation', { name: 'Main' });
    await expect(navigation.getByRole('link').allTextContents()).resolves.toEqual(['Inbox settings: Email']);
    await expect(page.getByRole('button', { name: 'Connect a team email' }).count()).resolves.toBe(0);
    await page.goto(`${server.url}${CONSOLE_PATH}#/users`); // a deep link does not open an admin page either
    await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
    await expectAccessible(page, 'channels (agent)', audited);
    await page.close();
  });
});
