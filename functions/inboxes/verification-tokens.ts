/**
 * The public end of from-address verification: what a link's token is, and using it once. Apart from the
 * request side (verification.ts) so the public verification function loads only this and its store.
 */
import { createHash } from 'node:crypto';
import type { InboxStore } from './ports';

export const TOKEN_TTL_SECONDS = 24 * 60 * 60;
export const SEND_LIMITS = { cooldownSeconds: 60, perDay: 5 } as const;
/** 32 random bytes in base64url. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenRecord {
  readonly tokenHash: string;
  readonly accountId: string;
  readonly inboxId: string;
  readonly address: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  readonly usedAt?: string;
}

/** Verification emails one account sent to one address within the current day window. */
export interface SendLog {
  readonly accountId: string;
  readonly address: string;
  readonly windowStart: number;
  readonly count: number;
  readonly lastSentAt: number;
  readonly version: number;
}

/** A concurrent request for the same address got its send log in first. */
export class SendLogRace extends Error {}

export interface VerificationStore {
  sendLog(accountId: string, address: string): Promise<SendLog | undefined>;
  /** Stores the token and the send log (if the log is still at `previous`'s version). Throws SendLogRace. */
  recordRequest(token: TokenRecord, sendLog: SendLog, previous: SendLog | undefined): Promise<void>;
  token(tokenHash: string): Promise<TokenRecord | undefined>;
  /**
   * In one transaction: marks the token used (if unused and unexpired at `now`) and the inbox's address
   * verified (if that token is still the inbox's pending one). False when either condition failed.
   */
  confirm(token: TokenRecord, now: Date): Promise<boolean>;
}

export type TokenStatus =
  | { readonly status: 'valid' | 'verified'; readonly address: string }
  | { readonly status: 'invalid' | 'expired' | 'used' | 'superseded' };

/** What reading and using a token needs: nothing of the wizard, the mailer or the other tables. */
export interface TokenContext {
  readonly verifications: VerificationStore;
  readonly inboxes: Pick<InboxStore, 'inbox'>;
  readonly now: () => Date;
}

/** What a token would do, without doing it (the page a link opens). */
export async function inspectToken(context: TokenContext, token: string): Promise<TokenStatus> {
  return (await check(context, token)).status;
}

/** Uses the token: the inbox's sender address becomes verified, once. */
export async function confirmToken(context: TokenContext, token: string): Promise<TokenStatus> {
  const { status, record } = await check(context, token);
  if (status.status !== 'valid' || !record) return status;
  if (await context.verifications.confirm(record, context.now())) return { status: 'verified', address: record.address };
  // Lost a race with another click, the clock, or a newer link: say which.
  const now = await inspectToken(context, token);
  return now.status === 'valid' ? { status: 'superseded' } : now;
}

async function check(context: TokenContext, token: string): Promise<{ status: TokenStatus; record?: TokenRecord }> {
  const record = TOKEN_FORMAT.test(token) ? await context.verifications.token(hashToken(token)) : undefined;
  if (!record) return { status: { status: 'invalid' } };
  if (record.usedAt) return { status: { status: 'used' } };
  if (record.expiresAt <= context.now().getTime() / 1000) return { status: { status: 'expired' } };
  const inbox = await context.inboxes.inbox(record.accountId, record.inboxId);
  const sender = inbox?.senderAddress;
  if (sender?.mode !== 'custom' || sender.address !== record.address || sender.pendingTokenHash !== record.tokenHash) return { status: { status: 'superseded' } };
  return { status: { status: 'valid', address: record.address }, record };
}
