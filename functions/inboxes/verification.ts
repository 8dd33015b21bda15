/**
 * From-address verification: proof that the team controls the custom address it wants to send from. The
 * emailed link carries a random token (256 bits); only its SHA-256 is stored, it expires, it works once,
 * and only the newest link of an inbox works. Emails per address are rate-limited so the feature cannot
 * be used to bomb someone's mailbox.
 */
import { randomBytes } from 'node:crypto';
import { routingAddress } from '../inbound/domain/addresses';
import { Conflict, TooManyRequests, UpstreamFailed } from '../commons/errors';
import type { Scope } from '../directory/use-cases';
import type { Inbox } from './model';
import { change, WizardContext } from './wizard';
import { hashToken, SEND_LIMITS, SendLog, SendLogRace, TOKEN_TTL_SECONDS, VerificationStore } from './verification-tokens';

export * from './verification-tokens';

const DAY_SECONDS = 24 * 60 * 60;

export type SendDecision = { readonly allowed: true; readonly next: SendLog } | { readonly allowed: false; readonly retryAfterSeconds: number; readonly why: string };

export function decideSend(accountId: string, address: string, log: SendLog | undefined, now: number): SendDecision {
  if (log && now - log.lastSentAt < SEND_LIMITS.cooldownSeconds) {
    return { allowed: false, retryAfterSeconds: SEND_LIMITS.cooldownSeconds - (now - log.lastSentAt), why: 'a verification email was just sent to this address' };
  }
  const sameWindow = log !== undefined && now - log.windowStart < DAY_SECONDS;
  if (sameWindow && log.count >= SEND_LIMITS.perDay) {
    return { allowed: false, retryAfterSeconds: log.windowStart + DAY_SECONDS - now, why: `at most ${SEND_LIMITS.perDay} verification emails go to one address per day` };
  }
  return {
    allowed: true,
    next: { accountId, address, windowStart: sameWindow ? log.windowStart : now, count: sameWindow ? log.count + 1 : 1, lastSentAt: now, version: (log?.version ?? 0) + 1 },
  };
}

export interface VerificationEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * The mail service will not send this message as things stand (in the SES sandbox: the recipient is not a
 * verified identity; or sending is paused): retrying cannot help, so it is the caller's problem, not an outage.
 */
export class EmailRefused extends Error {}

export interface Mailer {
  /** Throws EmailRefused when the service refuses the message itself; anything else is an outage. */
  send(email: VerificationEmail): Promise<void>;
}

export interface VerificationContext extends WizardContext {
  readonly verifications: VerificationStore;
  readonly mailer: Mailer;
  readonly randomToken?: () => string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Only our own words and the address: nothing a requester typed reaches a stranger's mailbox. */
function verificationEmail(to: string, link: string): VerificationEmail {
  const why = `Someone setting up a shared team inbox asked to send email as ${to}.`;
  return {
    to,
    subject: `Verify ${to} for your shared inbox`,
    text: `${why}\n\nTo allow it, open this link within 24 hours:\n${link}\n\nIf you did not ask for this, ignore this email; nothing changes.\n`,
    html: `<p>${escapeHtml(why)}</p><p><a href="${escapeHtml(link)}">Verify ${escapeHtml(to)}</a> (the link works once, within 24 hours)</p><p>If you did not ask for this, ignore this email; nothing changes.</p>`,
  };
}

/** Sends a verification email for the inbox's custom sender address; `linkBase` is the API's public URL. */
export async function requestVerification(context: VerificationContext, scope: Scope, inboxId: string, linkBase: string): Promise<Inbox> {
  const token = context.randomToken?.() ?? randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  const now = context.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const inbox = await change(context, scope, inboxId, async (current) => {
    const sender = current.senderAddress;
    if (sender?.mode !== 'custom') throw new Conflict('nothing_to_verify', 'Only a custom sender address needs verifying; set one first.');
    if (sender.verified) throw new Conflict('already_verified', `${sender.address} is already verified.`);
    // One mailbox, one limit: `Victim+a@` and `victim+b@` reach the same person.
    const mailbox = routingAddress(sender.address);
    const log = await context.verifications.sendLog(scope.accountId, mailbox);
    const decision = decideSend(scope.accountId, mailbox, log, nowSeconds);
    if (!decision.allowed) throw new TooManyRequests(`Not sent: ${decision.why}. Try again in ${decision.retryAfterSeconds} s.`, decision.retryAfterSeconds);
    try {
      await context.verifications.recordRequest(
        { tokenHash, accountId: scope.accountId, inboxId, address: sender.address, expiresAt: nowSeconds + TOKEN_TTL_SECONDS },
        decision.next,
        log,
      );
    } catch (error) {
      if (error instanceof SendLogRace) throw new TooManyRequests('Not sent: a verification email was just sent to this address.', SEND_LIMITS.cooldownSeconds);
      throw error;
    }
    // The newest link is the only one that works: its hash is the inbox's pending one.
    return { ...current, senderAddress: { ...sender, pendingTokenHash: tokenHash, verificationSentAt: now.toISOString() } };
  });
  try {
    await context.mailer.send(verificationEmail(inbox.senderAddress!.address, `${linkBase}/verify?token=${encodeURIComponent(token)}`));
  } catch (error) {
    if (error instanceof EmailRefused) {
      throw new Conflict(
        'email_not_sendable',
        `The verification email to ${inbox.senderAddress!.address} was refused (${error.message}). While the AWS account's SES is in its sandbox it only sends to verified addresses: verify this one in SES or request production access.`,
      );
    }
    throw new UpstreamFailed('email_not_sent', `The verification email could not be sent (${(error as Error).name}); try again in a minute.`);
  }
  return inbox;
}

