/**
 * Step 3 (find the inbox): the hosted forwarding address this message was meant for. The SMTP envelope
 * (SES `receipt.recipients`) is the truth; headers are the fallback when only the stored object is known.
 * Addresses compare case-insensitively with any `+tag` removed (a tag may carry a reply token).
 */
import { addressesIn, plusTag, routingAddress } from '../addresses';
import { headerValues, ParsedMessage } from '../message';
import { evidenceText, TraceEntry } from '../trace';

export interface InboxRoute {
  readonly inboxId: string;
  readonly accountId: string;
  /** The inbox's forwarding address, normalized. */
  readonly address: string;
}

export interface AddressCandidate {
  /** Normalized, `+tag` removed: the lookup key. */
  readonly address: string;
  /** As seen, normalized: keeps the `+tag`. */
  readonly seen: string;
  readonly source: string;
}

/** Header sources in priority order after the envelope. */
const HEADER_SOURCES = ['to', 'cc', 'x-original-to', 'delivered-to', 'x-forwarded-to', 'x-forwarded-for'] as const;

/** Lookups are one batch; keep it within DynamoDB's BatchGetItem limit with room for other keys. */
export const MAX_ADDRESS_CANDIDATES = 50;

export function inboxCandidates(envelopeRecipients: readonly string[], message: ParsedMessage): AddressCandidate[] {
  const found: AddressCandidate[] = [];
  const add = (seen: string, source: string) => found.push({ address: routingAddress(seen), seen, source });
  for (const recipient of envelopeRecipients) addressesIn(recipient).forEach((seen) => add(seen, 'envelope'));
  // SES's own Received header names the envelope recipient ("for <address>") when only the object is known.
  const received = headerValues(message, 'received')[0]?.match(/\bfor\s+<?([^\s;>]+@[^\s;>]+)>?/i);
  if (received) add(received[1].toLowerCase(), 'received');
  for (const source of HEADER_SOURCES) {
    if (source === 'to' || source === 'cc') message[source].forEach((mailbox) => add(mailbox.email, source));
    else headerValues(message, source).flatMap(addressesIn).forEach((seen) => add(seen, source));
  }
  const unique = new Map<string, AddressCandidate>();
  for (const candidate of found) if (!unique.has(candidate.address)) unique.set(candidate.address, candidate);
  return [...unique.values()].slice(0, MAX_ADDRESS_CANDIDATES);
}

export interface InboxDelivery {
  readonly route: InboxRoute;
  readonly matched: AddressCandidate;
  /** Only a tag on an envelope or header address that reached us can be a reply token. */
  readonly replyToken?: string;
  readonly trace: TraceEntry;
}

export type FindInboxResult =
  | { readonly found: true; readonly deliveries: readonly InboxDelivery[] }
  | { readonly found: false; readonly addressesSeen: string[]; readonly trace: TraceEntry };

/**
 * Every inbox the message was addressed to, once each (several addresses of one inbox deliver once), in
 * the candidates' priority order: a message to inboxes of two accounts reaches both.
 */
export function findInboxes(
  candidates: readonly AddressCandidate[],
  routes: ReadonlyMap<string, InboxRoute>,
): FindInboxResult {
  const deliveries = new Map<string, InboxDelivery>();
  for (const candidate of candidates) {
    const route = routes.get(candidate.address);
    if (!route || deliveries.has(route.inboxId)) continue;
    deliveries.set(route.inboxId, {
      route,
      matched: candidate,
      replyToken: plusTag(candidate.seen),
      trace: { step: 'find-inbox', decision: `inbox ${route.inboxId}`, why: evidenceText(`${candidate.source}: ${candidate.seen}`) },
    });
  }
  if (deliveries.size) return { found: true, deliveries: [...deliveries.values()] };
  const addressesSeen = candidates.map((candidate) => candidate.seen);
  return {
    found: false,
    addressesSeen,
    trace: { step: 'find-inbox', decision: 'unroutable', why: evidenceText(`no inbox for: ${addressesSeen.join(', ') || '(no addresses)'}`) },
  };
}
