/**
 * The web console in a real browser against the local stack: sign in by picking a user, connect a team email
 * through every wizard step (the custom sender address verified by the link read from the local SES store),
 * forward mail to the new address over SMTP and see Gmail's confirmation code on the channel; admin settings
 * pages, and an agent who does not see them; work the inbox: mail sent over SMTP appears in Unassigned
 * without a reload, a reply with an attachment goes out through SES, the customer's answer threads back, notes,
 * assignment, close and reopen; triage: a hand-forwarded mail moved to its customer in one click, quarantined mail
 * counted, deleted and released; a contact renamed and a conversation merged into another; failed mail listed
 * with its reason for admins, and no link to it for agents. axe-core audits every page visited; screenshots go to docs/.
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
import { dynamo } from '../../functions/commons/clients';
import { call, createTestAccount, SentEmail, sentTo, TestAccount } from '../support/api';
import { refusingFirstTransaction } from '../support/faults';
import { deliver, directory, eml, storeRaw } from '../support/stack';
import { expectAccessible, launchChromium } from './browser';

const SCREENSHOTS = join(__dirname, '..', '..', 'docs', 'screenshots');
jest.setTimeout(90_000);

let server: LocalHttpApi;
let smtp: SmtpInbound;
let browser: Browser;
let account: TestAccount;
/** The inbox the inbox tests work in (made by the first of them through the API). */
let supportDesk: { inboxId: string; address: string } | undefined;
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

/** Mail to the local SMTP listener, as a customer's or Gmail's server would send it. */
const smtpClient = () => createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });

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
    await smtpClient().sendMail({
      from: 'Gmail Team <forwarding-noreply@google.com>',
      to: forwardingAddress,
      subject: '(#583041967) Gmail Forwarding Confirmation - Receive Mail from care.team@gmail.com',
      text: `care.team@gmail.com has requested to automatically forward mail to your email\naddress ${forwardingAddress}.\nConfirmation code: 583041967\n`,
    });
    await channel.getByText('583041967').waitFor({ timeout: 15_000 });
    // Its health: the confirmation is the inbox's first mail, held (the local listener judges no SPF/DKIM/DMARC).
    const health = channel.getByTestId('channel-health');
    await health.getByText('Last 24 hours: 1 received, 0 stored, 1 quarantined').waitFor();
    await health.getByText('DMARC: nothing judged').waitFor();
    await expect(health.getByText(/^Last message received: none yet$/).count()).resolves.toBe(0);
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
    const links = await navigation.getByRole('link').allTextContents();
    expect(links).toContain('Inbox settings: Email');
    expect(links.filter((link) => ['Users', 'Teams', 'Trusted forwarders', 'Pipelines'].includes(link))).toEqual([]);
    await expect(page.getByRole('button', { name: 'Connect a team email' }).count()).resolves.toBe(0);
    await page.goto(`${server.url}${CONSOLE_PATH}#/users`); // a deep link does not open an admin page either
    await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
    await expectAccessible(page, 'channels (agent)', audited);
    await page.close();
  });

  it('works the inbox: new mail appears by itself, reply with an attachment, the answer threads back, note, assign, close and reopen', async () => {
    const [admin, agent, colleague] = account.users;
    const inbox = await connectedInbox(admin.token, 'Support desk', 'desk');
    supportDesk = inbox;
    // Older conversations fill more than a page of the view (the console reads 20 at a time).
    await Promise.all(Array.from({ length: 21 }, (_unused, index) =>
      deliver(eml({ from: `Customer ${index} <customer${index}@shop.example>`, to: inbox.address, subject: `Older question ${index}`, text: `Question number ${index}` }), [inbox.address])));

    // Tall enough for the whole thread in the screenshot (the shell's header is fixed: no fullPage).
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 }, reducedMotion: 'reduce' });
    await signIn(page, agent);
    const navigation = page.getByRole('navigation', { name: 'Main' });
    const desk = navigation.getByRole('group', { name: 'Support desk' });
    await desk.getByRole('link', { name: /^Unassigned\s*21$/ }).click();
    await page.getByRole('heading', { name: 'Unassigned', level: 1 }).waitFor();
    const rows = page.getByTestId('conversation-row');
    await rows.nth(19).waitFor();
    await expect(rows.count()).resolves.toBe(20);
    await expectAccessible(page, 'inbox: unassigned', audited);

    // A customer writes (HTML with quoted history, and a file); the view shows it without a reload.
    const customer = 'jane.customer@shop.example';
    await smtpClient().sendMail({
      from: `Jane Customer <${customer}>`,
      to: inbox.address,
      subject: 'Damaged order #1042',
      text: 'Hello,\n\nMy order #1042 arrived damaged. Can you send a replacement?\n\nJane\n\nOn Tue, Dec 1, 2026 at 9:00 AM, Support desk wrote:\n> Thanks for your order!\n',
      html: '<p>Hello,</p><p>My order #1042 arrived damaged. Can you send a replacement?</p><p>Jane</p><img src="https://images.shop.example/logo.png" alt="Shop logo"><blockquote type="cite">Thanks for your order!</blockquote><script>document.title="pwned"</script>',
      attachments: [{ filename: 'damage-report.txt', content: 'Box crushed on one side.\n', contentType: 'text/plain' }],
    });
    const newest = rows.filter({ hasText: 'Damaged order #1042' });
    await newest.waitFor({ timeout: 15_000 });
    await desk.getByRole('link', { name: /^Unassigned\s*22$/ }).waitFor();
    // The next page, by cursor.
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(21).waitFor();
    await expect(rows.count()).resolves.toBe(22);

    // The conversation: new text first, the quoted history folded, why this contact, the file, contact and ticket.
    // By keyboard: the link, Enter, and the new page's heading has the focus.
    await newest.getByRole('link', { name: 'Damaged order #1042' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Damaged order #1042', level: 1 }).waitFor();
    await page.waitForFunction('document.activeElement?.tagName === "H1" && document.activeElement.textContent === "Damaged order #1042"');
    const first = page.getByTestId('message').first();
    await first.getByText('My order #1042 arrived damaged. Can you send a replacement?', { exact: false }).waitFor();
    await expect(first.getByText('Thanks for your order!').count()).resolves.toBe(0);
    await first.getByTestId('attribution').getByText('from-header').waitFor();
    await expect(first.getByRole('link', { name: 'damage-report.txt' }).getAttribute('href')).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await first.getByRole('button', { name: 'Show the full message (quoted history)' }).click();
    const fullMessage = page.frameLocator('iframe[title="Full message from jane.customer@shop.example"]');
    await fullMessage.getByText('Thanks for your order!').waitFor();
    // A remote image stays blocked (it would tell the sender the mail was read) until asked for.
    const logo = 'https://images.shop.example/logo.png';
    await expect(fullMessage.locator('img[alt="Shop logo"]').getAttribute('data-blocked-src')).resolves.toBe(logo);
    await expect(fullMessage.locator('img[alt="Shop logo"]').getAttribute('src')).resolves.toBeNull();
    await page.getByRole('switch', { name: 'Show remote images' }).check();
    await fullMessage.locator(`img[alt="Shop logo"][src="${logo}"]`).waitFor({ state: 'attached' });
    await expect(page.locator('iframe').first().getAttribute('sandbox')).resolves.not.toContain('allow-scripts');
    const contactPanel = page.getByRole('region', { name: 'Contact' });
    await contactPanel.getByText(customer).first().waitFor();
    // The contact's owner, set here, is what the API then answers.
    const owner = contactPanel.getByRole('combobox', { name: 'Contact owner' });
    await owner.click();
    await page.getByRole('option', { name: `${agent.name} (${agent.email})` }).click();
    await owner.and(page.locator(`[value="${agent.name} (${agent.email})"]`)).waitFor();
    await expect(call({ url: server.url }, 'GET', `/contacts?email=${customer}`, { token: agent.token }).then((found) => found.body.contacts[0].ownerId)).resolves.toBe(agent.userId);
    const ticket = page.getByTestId('ticket');
    await ticket.getByText('Damaged order #1042 for Jane Customer').waitFor();
    const stage = ticket.getByRole('combobox', { name: 'Stage' });
    await stage.and(page.locator('[value="New"]')).waitFor();
    await stage.click();
    await page.getByRole('option', { name: 'Waiting on us' }).click();
    await stage.and(page.locator('[value="Waiting on us"]')).waitFor(); // the ticket as the API answered the move
    await expectAccessible(page, 'conversation: new mail, full message open', audited);

    // Reply with an attachment (uploaded to its presigned URL); it is sent through SES and assigns the replier.
    const conversationId = page.url().split('/').pop()!;
    await page.getByRole('textbox', { name: 'Reply', exact: true }).fill('Sorry about that, Jane. A replacement ships today.');
    await page.locator('input[type=file]').setInputFiles({ name: 'return-label.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 return label\n') });
    await page.getByRole('button', { name: 'Send reply' }).click();
    const sent = page.locator('[data-testid=message][data-direction=outbound]');
    await sent.getByText('A replacement ships today.', { exact: false }).waitFor();
    await sent.getByText(`Sent by ${agent.name}`).waitFor();
    // The file sent is listed under the reply, like an inbound message's, with a link to its bytes.
    await sent.getByRole('link', { name: 'return-label.pdf' }).waitFor();
    await page.getByRole('combobox', { name: 'Assignee' }).and(page.locator(`[value="${agent.name} (${agent.email})"]`)).waitFor();
    await navigation.getByRole('link', { name: /^Assigned to me\s*1$/ }).waitFor();
    const [email] = (await sentTo(customer)) as SentWithAttachments[];
    expect(email.subject).toBe('Re: Damaged order #1042');
    expect(email.attachments.map((file) => [file.filename, Buffer.from(file.content, 'base64').toString()])).toEqual([['return-label.pdf', '%PDF-1.4 return label\n']]);

    // The customer answers the mail SES sent (In-Reply-To its id, to its Reply-To): it threads back into the page.
    const sesId = `<${email.messageId}@email.amazonses.com>`;
    await smtpClient().sendMail({
      from: `Jane Customer <${customer}>`,
      to: email.replyTo[0],
      subject: `Re: ${email.subject}`,
      inReplyTo: sesId,
      references: [sesId],
      text: 'Great, thank you!\n\nOn Fri, Dec 4, 2026, Support desk wrote:\n> Sorry about that, Jane.\n',
    });
    await page.getByTestId('message').nth(2).getByText('Great, thank you!').waitFor({ timeout: 15_000 });
    await page.getByText('Jane Customer <jane.customer@shop.example> · 3 messages').waitFor();

    // A note: refused in words under its field when blank, added otherwise.
    await page.getByRole('tab', { name: 'Note' }).click();
    const note = page.getByRole('textbox', { name: 'Internal note', exact: true });
    await note.fill('   ');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('must not be only spaces').waitFor();
    await note.fill('Replacement approved by the warehouse.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByTestId('note').getByText('Replacement approved by the warehouse.').waitFor();
    await page.getByTestId('note').getByText(`Internal note by ${agent.name}`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'conversation.png') });
    await expectAccessible(page, 'conversation: answered, with a note', audited);

    // Assign to a colleague: gone from "Assigned to me".
    await page.getByRole('combobox', { name: 'Assignee' }).click();
    await page.getByRole('option', { name: `${colleague.name} (${colleague.email})` }).click();
    await navigation.getByRole('link', { name: /^Assigned to me\s*0$/ }).waitFor();
    await expect(call({ url: server.url }, 'GET', `/conversations/${conversationId}`, { token: agent.token }).then((read) => read.body.assigneeId)).resolves.toBe(colleague.userId);

    // Close, then reopen; the views' counts follow.
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page.getByRole('button', { name: 'Reopen conversation' }).waitFor();
    await desk.getByRole('link', { name: /^Closed\s*1$/ }).waitFor();
    await page.getByRole('button', { name: 'Reopen conversation' }).click();
    await page.getByRole('button', { name: 'Close conversation' }).waitFor();
    await desk.getByRole('link', { name: /^Closed\s*0$/ }).waitFor();
    await expectAccessible(page, 'conversation: reopened', audited);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, colleague);
    await navigation.getByRole('link', { name: /^Assigned to me\s*1$/ }).click();
    await page.getByRole('heading', { name: 'Assigned to me', level: 1 }).waitFor();
    await rows.filter({ hasText: 'Damaged order #1042' }).waitFor();
    await expectAccessible(page, 'inbox: assigned to me', audited);
    await page.close();
  }, 150_000);

  it('triages: a hand-forwarded mail moved to its customer in one click; quarantined mail counted, paged, deleted and released; a contact renamed; a conversation merged', async () => {
    const [admin, agent] = account.users;
    const desk = supportDesk ?? await connectedInbox(admin.token, 'Support desk', 'desk');
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, reducedMotion: 'reduce' });
    await signIn(page, agent);
    const group = page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'Support desk' });
    const rows = page.getByTestId('conversation-row');

    // A partner forwards a customer's mail by hand; not a trusted forwarder, so the mail is filed under the partner.
    const forwarder = 'sam.partner@reseller.example';
    const customer = 'rosa.client@client.example';
    await smtpClient().sendMail({
      from: `Sam Partner <${forwarder}>`,
      to: desk.address,
      subject: 'Fwd: Invoice 7731 looks wrong',
      text: ['Can you help her?', '', '---------- Forwarded message ---------', `From: Rosa Client <${customer}>`, 'Date: Mon, 30 Nov 2026 at 10:00', 'Subject: Invoice 7731 looks wrong', `To: Sam Partner <${forwarder}>`, '', 'The total on invoice 7731 counts the shipping twice.'].join('\n'),
    });
    await group.getByRole('link', { name: /^All open/ }).click();
    const forwarded = rows.filter({ hasText: 'Fwd: Invoice 7731 looks wrong' });
    await forwarded.getByText('Sam Partner', { exact: true }).waitFor({ timeout: 15_000 });
    await forwarded.getByRole('link', { name: 'Fwd: Invoice 7731 looks wrong' }).click();
    await page.getByRole('heading', { name: 'Fwd: Invoice 7731 looks wrong', level: 1 }).waitFor();
    const why = page.getByTestId('message').first().getByTestId('attribution');
    await why.getByText('untrusted-forwarder').waitFor();
    await why.getByText(`ignored From: Rosa Client <${customer}>`, { exact: false }).waitFor();

    // One click: the dialog offers the sender the chain set aside; an agent is not offered to trust the forwarder.
    await why.getByRole('button', { name: `Change contact: message from ${forwarder}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Move this message to another contact' });
    await expect(dialog.getByLabel('Contact email').inputValue()).resolves.toBe(customer);
    await expect(dialog.getByLabel('Contact name').inputValue()).resolves.toBe('Rosa Client');
    await expect(dialog.getByLabel('Always trust this forwarder').count()).resolves.toBe(0);
    // The API's refusal in words, under the field it names.
    await dialog.getByLabel('Contact email').fill('rosa at client');
    await dialog.getByRole('button', { name: 'Move message' }).click();
    await dialog.getByText('must be an email address').waitFor();
    await expectAccessible(page, 'conversation: re-attribution dialog, refused', audited);
    await dialog.getByLabel('Contact email').fill(customer);
    await dialog.getByRole('button', { name: 'Move message' }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The conversation, its contact panel and the correction line follow; the chain's decision stays readable.
    await page.getByText(`Rosa Client <${customer}> · 1 message`).waitFor();
    await page.getByRole('region', { name: 'Contact' }).getByText(customer, { exact: true }).waitFor();
    await page.getByTestId('correction').getByText(`Moved to Rosa Client <${customer}> by ${agent.name}`, { exact: false }).waitFor();
    await page.getByTestId('correction').getByText(`(previously Sam Partner <${forwarder}>)`, { exact: false }).waitFor();
    await why.getByText('untrusted-forwarder').waitFor();
    await expectAccessible(page, 'conversation: re-attributed, with the correction', audited);
    await group.getByRole('link', { name: /^All open/ }).click();
    await forwarded.getByText('Rosa Client', { exact: true }).waitFor();

    // Quarantine: 20 older auto-replies (more than a page), then two over SMTP; counted in the navigation.
    await Promise.all(Array.from({ length: 20 }, (_unused, index) =>
      deliver(eml({ from: `Robot ${index} <robot${index}@shop.example>`, to: desk.address, subject: `Older auto-reply ${index}`, headers: { 'Auto-Submitted': 'auto-replied' } }), [desk.address])));
    for (const subject of ['Delivery receipt', 'Automatic reply: Invoice 7731']) {
      await smtpClient().sendMail({ from: `Rosa Client <${customer}>`, to: desk.address, subject, headers: { 'Auto-Submitted': 'auto-replied' }, text: 'I am out of the office until Monday.' });
    }
    await group.getByRole('link', { name: /^Quarantine\s*22$/ }).click();
    await page.getByRole('heading', { name: 'Quarantine', level: 1 }).waitFor();
    const held = page.getByTestId('quarantine-row');
    const autoReply = held.filter({ hasText: 'Automatic reply: Invoice 7731' });
    await autoReply.getByText('Auto-Submitted: auto-replied').waitFor();
    await autoReply.getByText('auto-reply', { exact: true }).waitFor();
    await autoReply.getByText('auto-submitted', { exact: true }).waitFor();
    await autoReply.getByText(`Rosa Client <${customer}>`).waitFor();
    await expect(held.count()).resolves.toBe(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    await held.nth(21).waitFor();
    await expect(held.count()).resolves.toBe(22);
    // Agents read the list; only admins release or delete.
    await expect(page.getByRole('button', { name: /^(Release|Delete)/ }).count()).resolves.toBe(0);
    await expectAccessible(page, 'quarantine (agent)', audited);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, admin);
    await group.getByRole('link', { name: /^Quarantine\s*22$/ }).click();
    await page.getByRole('heading', { name: 'Quarantine', level: 1 }).waitFor();
    // Delete, after a confirmation.
    await page.getByRole('button', { name: 'Delete: Delivery receipt' }).click();
    const confirmDelete = page.getByRole('dialog', { name: 'Delete this message?' });
    await expectAccessible(page, 'quarantine: confirm delete', audited);
    await confirmDelete.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByTestId('quarantine-outcome').getByText('Deleted “Delivery receipt”.').waitFor();
    await group.getByRole('link', { name: /^Quarantine\s*21$/ }).waitFor();
    // Release, after a confirmation: the outcome links to the conversation it landed in.
    await page.getByRole('button', { name: 'Release: Automatic reply: Invoice 7731' }).click();
    const confirmRelease = page.getByRole('dialog', { name: 'Release this message?' });
    await confirmRelease.getByText('skipping only auto-submitted', { exact: false }).waitFor();
    await expectAccessible(page, 'quarantine: confirm release', audited);
    await confirmRelease.getByRole('button', { name: 'Release', exact: true }).click();
    const outcome = page.getByTestId('quarantine-outcome');
    await outcome.getByText('it is now in the inbox', { exact: false }).waitFor();
    await group.getByRole('link', { name: /^Quarantine\s*20$/ }).waitFor();
    await expect(autoReply.count()).resolves.toBe(0);
    await expectAccessible(page, 'quarantine (admin), after a release', audited);
    await page.screenshot({ path: join(SCREENSHOTS, 'quarantine.png') });
    await outcome.getByRole('link', { name: 'Open the conversation' }).click();
    await page.getByRole('heading', { name: 'Automatic reply: Invoice 7731', level: 1 }).waitFor();
    await group.getByRole('link', { name: /^Unassigned/ }).click();
    await rows.filter({ hasText: 'Automatic reply: Invoice 7731' }).waitFor();

    // An admin is also offered to trust the forwarder; the API's refusal of that (409: this forward failed SPF,
    // DKIM and DMARC, so trusting its sender would change nothing) is shown in words under the checkbox.
    const unauthenticated = await deliver(eml({
      from: 'Lee Agency <lee@agency.example>', to: desk.address, subject: 'Fwd: Refund please',
      text: ['---------- Forwarded message ---------', `From: Rosa Client <${customer}>`, 'Subject: Refund please', '', 'Please refund order 88.'].join('\n'),
    }), [desk.address], { spf: 'FAIL', dkim: 'FAIL', dmarc: 'FAIL' });
    await page.evaluate(`location.hash = '/conversations/${unauthenticated.receipt!.conversationId}'`);
    await page.getByRole('heading', { name: 'Fwd: Refund please', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Change contact: message from lee@agency.example' }).click();
    await expect(dialog.getByLabel('Contact email').inputValue()).resolves.toBe(customer);
    await dialog.getByLabel('Always trust this forwarder').check();
    await dialog.getByRole('button', { name: 'Move message' }).click();
    await dialog.getByText('was not authenticated for its domain', { exact: false }).waitFor();
    await expect(dialog.getByRole('alert').count()).resolves.toBe(0); // under the checkbox, not as a general alert
    await expectAccessible(page, 'conversation: re-attribution dialog (admin, trusting refused)', audited);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId('attribution').getByText('untrusted-forwarder').waitFor(); // nothing moved

    // The customer writes again on a new thread: her name is edited in the contact panel (a blank one refused under
    // the field), then the new conversation is merged into one of her others, where all her messages then are.
    await smtpClient().sendMail({ from: `Rosa Client <${customer}>`, to: desk.address, subject: 'Invoice 7731: shipping twice', text: 'I was charged for shipping twice.' });
    await group.getByRole('link', { name: /^All open/ }).click();
    await rows.filter({ hasText: 'Invoice 7731: shipping twice' }).getByRole('link', { name: 'Invoice 7731: shipping twice' }).click({ timeout: 15_000 });
    await page.getByRole('heading', { name: 'Invoice 7731: shipping twice', level: 1 }).waitFor();
    const sourceId = page.url().split('/').pop()!;
    const contactPanel = page.getByRole('region', { name: 'Contact' });
    await contactPanel.getByRole('button', { name: /^Edit name: / }).click();
    await contactPanel.getByLabel('Contact name').fill(' ');
    await contactPanel.getByRole('button', { name: 'Save name' }).click();
    await contactPanel.locator('input[aria-invalid="true"]').waitFor();
    await contactPanel.getByLabel('Contact name').fill('Rosa Díaz');
    await contactPanel.getByRole('button', { name: 'Save name' }).click();
    await contactPanel.getByText('Rosa Díaz', { exact: true }).waitFor();
    await page.getByText(`Rosa Díaz <${customer}> · 1 message`).waitFor();

    await page.getByRole('button', { name: 'Merge into…' }).click();
    const merge = page.getByRole('dialog', { name: 'Merge this conversation into another' });
    const forwardedChoice = merge.getByLabel('Fwd: Invoice 7731 looks wrong (open)');
    const autoReplyChoice = merge.getByLabel('Automatic reply: Invoice 7731 (open)');
    await forwardedChoice.check();
    // Meanwhile a colleague merges the picked conversation into the auto-reply's: the API's 409 in words in the dialog.
    const merged = await call({ url: server.url }, 'POST', `/conversations/${await forwardedChoice.inputValue()}/merge`, { token: admin.token, body: { intoConversationId: await autoReplyChoice.inputValue() } });
    expect(merged.body.complete).toBe(true);
    await merge.getByRole('button', { name: 'Merge', exact: true }).click();
    await merge.getByRole('alert').getByText(/merged/i).waitFor();
    await expectAccessible(page, 'conversation: merge dialog, refused', audited);
    await autoReplyChoice.check();
    await merge.getByRole('button', { name: 'Merge', exact: true }).click();
    await merge.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { name: 'Automatic reply: Invoice 7731', level: 1 }).waitFor();
    await page.getByTestId('message').getByText('The total on invoice 7731 counts the shipping twice.').waitFor();
    await page.getByTestId('message').getByText('I was charged for shipping twice.').waitFor();
    // The merged conversation is a pointer: a notice with a link where the reply form was.
    await page.evaluate(`location.hash = '/conversations/${sourceId}'`);
    await page.getByTestId('merged-notice').getByRole('link', { name: 'Open the conversation it was merged into' }).waitFor();
    await expect(page.getByRole('tab', { name: 'Reply' }).count()).resolves.toBe(0);
    await page.close();
  }, 150_000);

  it('shows admins an inbox\'s failed mail with its reason in words, and agents no link to it', async () => {
    const [admin, agent] = account.users;
    const returns = await connectedInbox(admin.token, 'Returns', 'returns');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
    const group = page.getByRole('navigation', { name: 'Main' }).getByRole('group', { name: 'Returns' });
    // Agents get 403 from the failed-mail route: no link, and a deep link does not open the page.
    await signIn(page, agent);
    await group.getByRole('link', { name: /^Quarantine/ }).waitFor();
    await expect(group.getByRole('link', { name: 'Failed mail' }).count()).resolves.toBe(0);
    await page.evaluate(`location.hash = '/inboxes/${returns.inboxId}/failed'`);
    await page.getByRole('heading', { name: 'Inbox settings' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, admin);
    await group.getByRole('link', { name: 'Failed mail' }).click();
    await page.getByRole('heading', { name: 'Failed mail', level: 1 }).waitFor();
    await page.getByText('No failed mail.').waitFor();
    await expectAccessible(page, 'failed mail (none)', audited);
    // A message DynamoDB refuses for good (over its item size) is recorded failed for the inbox; the page polls.
    const stored = await storeRaw(eml({ from: 'Jane Customer <jane@customer.example>', to: returns.address, subject: 'Photos of the damaged parcel' }), [returns.address]);
    await refusingFirstTransaction(dynamo(), () => handler(stored.event));
    const failed = page.getByTestId('failed-row').filter({ hasText: 'Photos of the damaged parcel' });
    await failed.getByText('Jane Customer <jane@customer.example>').waitFor();
    await failed.getByText('Too large to store', { exact: false }).waitFor();
    await failed.getByText('ValidationException: Item size has exceeded the maximum allowed size').waitFor();
    await expect(page.getByText('No failed mail.').count()).resolves.toBe(0);
    await expectAccessible(page, 'failed mail (admin)', audited);
    await page.close();
  });
});

/** What aws-ses-v2-local stored of a sent email, with the fields threading and attachments need. */
interface SentWithAttachments extends SentEmail {
  readonly messageId: string;
  readonly replyTo: string[];
  readonly attachments: { filename: string; content: string }[];
}

/** A connected inbox made through the API (the wizard's own test walks the pages): tickets on, no auto-assignment. */
async function connectedInbox(token: string, name: string, localPart: string): Promise<{ inboxId: string; address: string }> {
  const api = { url: server.url };
  const created = await call(api, 'POST', '/inboxes', { token, body: { name, channel: 'team-email', accountType: 'shared', provider: 'other' } });
  const inboxId = created.body.inboxId as string;
  const steps: [string, unknown][] = [
    ['sender-name', { mode: 'company', companyName: 'Acme' }],
    ['sender-address', { mode: 'default', username: localPart }],
    ['tickets', { enabled: true, template: { name: '{{subject}} for {{contact.name}}', pipelineId: 'support', stageId: 'new', priority: 'medium', owner: { type: 'assignee' } } }],
    ['forwarding-address', { localPart }],
  ];
  for (const [step, body] of steps) expect((await call(api, 'PUT', `/inboxes/${inboxId}/${step}`, { token, body })).status).toBe(200);
  const connected = await call(api, 'POST', `/inboxes/${inboxId}/connect`, { token });
  expect(connected.status).toBe(200);
  return { inboxId, address: connected.body.forwardingAddress as string };
}
