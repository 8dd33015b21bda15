/**
 * Step 6a (own sent mail): a reply we sent coming back — e.g. the team's mailbox forwards a copy of what its
 * custom sending address sent — is ours, never a new inbound message and never answered. Recognized after the
 * inbox context is read (it needs the thread index and the inbox's addresses): by the Message-ID SES gave the
 * reply (indexed when it was sent), or by an SES Message-ID on mail from one of the inbox's sending addresses
 * (its team addresses, where a verified custom sender address is; our own domains are caught by classify).
 */
import { domainOf, isWithinDomain } from '../addresses';
import type { ParsedMessage } from '../message';
import type { Decision } from '../outcome';
import type { InboxContext } from '../ports';
import { evidenceText, TraceEntry } from '../trace';
import type { ThreadKeys } from './thread';

export interface OwnSentMail {
  readonly reason: Decision<'own-sent-message'>;
  readonly trace: TraceEntry;
}

export function recognizeOwnSentMail(message: Pick<ParsedMessage, 'from'>, keys: ThreadKeys, context: Pick<InboxContext, 'inbox' | 'thread'>): OwnSentMail | undefined {
  if (!keys.own) return undefined;
  const entry = context.thread.entries.get(keys.own);
  if (entry?.outbound) return recognized(`Message-ID <${keys.own}> is our reply ${entry.storedMessageId}`);
  const from = message.from?.email;
  const sesId = isWithinDomain(domainOf(keys.own), 'amazonses.com');
  if (sesId && from && context.inbox?.teamAddresses.includes(from)) return recognized(`Message-ID <${keys.own}> from the inbox's sending address ${from}`);
  return undefined;
}

function recognized(why: string): OwnSentMail {
  const evidence = evidenceText(why);
  return { reason: { rule: 'own-sent-message', evidence }, trace: { step: 'classify', decision: 'loop', why: evidence } };
}
