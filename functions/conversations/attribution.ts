/**
 * Re-attribution: "this message is not from who the chain said". An agent moves an inbound message to another
 * contact (created if new); when the message started its conversation, the conversation (and its place in the
 * contacts' histories) moves too. The chain's own decision — rule and evidence — stays readable beside the
 * correction, which records who changed it, when, and from which contact. Optionally the forwarder of the
 * message joins the inbox's trusted forwarders in the same transaction, so their next forward is read right.
 */
import { Conflict, Forbidden, NotFound } from '../commons/errors';
import { contactIdOf } from '../contacts/identity';
import { domainOf, isWithinDomain } from '../inbound/domain/addresses';
import { forwarderAuthentication } from '../inbound/domain/steps/authentication';
import type { AttributionDecision } from '../inbound/domain/outcome';
import type { Verdicts } from '../inbound/domain/steps/screen';
import { MAX_TRUSTED_FORWARDERS } from '../inboxes/schemas';
import { emailAddress } from '../directory/fields';
import type { Caller } from './use-cases';
import type { AttributionCorrection, Conversation, ContactRef, StoredMessage } from './model';
import { ChangedMeanwhile } from './ports';
import type { AttributionInput } from './schemas';

/** An inbound message found by its id alone, with its conversation. */
export interface LocatedMessage {
  readonly message: StoredMessage & { readonly contactId: string; readonly inboxId: string; readonly conversationId: string };
  readonly conversation: Conversation;
  /** The message is its conversation's first: the conversation's contact is this message's. */
  readonly startsConversation: boolean;
}

/** The inbox's trusted forwarders as read, with the version a change is conditional on. */
export interface InboxTrust {
  readonly trustedForwarders: readonly string[];
  readonly version: number;
}

/** One transaction: everything a re-attribution changes, conditional on what was read. */
export interface Reattribution {
  readonly located: LocatedMessage;
  /** Absent when the message already belongs to the contact asked for (only the forwarder is trusted). */
  readonly correction?: AttributionCorrection;
  /** The forwarder to add to the inbox's trusted list, with the list as read. */
  readonly trust?: { readonly forwarder: string; readonly inbox: InboxTrust };
}

export interface AttributionStore {
  /** The account's inbound message with this id (read strongly consistent); undefined for any other. */
  locate(accountId: string, messageId: string): Promise<LocatedMessage | undefined>;
  contactName(accountId: string, contactId: string): Promise<string | undefined>;
  inboxTrust(accountId: string, inboxId: string): Promise<InboxTrust | undefined>;
  /** ChangedMeanwhile when the message, conversation or inbox changed since they were read. */
  reattribute(change: Reattribution): Promise<void>;
}

export interface AttributionContext {
  readonly attribution: AttributionStore;
  /** Whether the caller is an admin of the account (read only when trusting a forwarder is asked). */
  readonly isAdmin: (caller: Caller) => Promise<boolean>;
  readonly inboxDomain: string;
  readonly now: () => Date;
}

/** What the route answers, and what a message of `GET /conversations/{id}` shows of its attribution. */
export interface MessageAttribution {
  readonly messageId: string;
  readonly conversationId: string;
  readonly contact: ContactRef;
  /** The chain's decision, as it was made. */
  readonly attribution: AttributionDecision | null;
  readonly forwardedBy: string | null;
  /** The latest correction by an agent; null while the chain's decision stands. */
  readonly correction: AttributionCorrection | null;
  /** Whether the message's conversation has this contact (it started the conversation). */
  readonly conversationContact: ContactRef;
  /** Present when the forwarder was asked to be trusted: the inbox's list after the call. */
  readonly trustedForwarders?: readonly string[];
}

const ATTEMPTS = 6;

/** The manual forward's outer sender, whom trusting would make the chain believe next time; else undefined. */
export function forwarderOf(message: Pick<StoredMessage, 'attribution' | 'forwardedBy' | 'from' | 'originalContact'>): string | undefined {
  switch (message.attribution?.rule) {
    case 'inline-forward':
    case 'attached-forward':
      return message.forwardedBy ?? undefined;
    case 'untrusted-forwarder':
    case 'forwarder-failed-authentication':
      // The chain kept the forwarder as the contact: the message's first contact is the forwarder.
      return (message.originalContact ?? message.from).email;
    default:
      return undefined;
  }
}

/** The forwarder to add, or why it cannot be; undefined when it is listed already. */
function forwarderToTrust(context: AttributionContext, message: StoredMessage, inbox: InboxTrust): string | undefined {
  const forwarder = forwarderOf(message);
  if (!forwarder) throw new Conflict('no_forwarder', `this message is not a manual forward (${message.attribution?.rule ?? 'no attribution'}): there is no forwarder to trust`);
  const parsed = emailAddress.safeParse(forwarder);
  if (!parsed.success || isWithinDomain(domainOf(parsed.data), context.inboxDomain)) throw new Conflict('forwarder_not_trustable', `${forwarder} cannot be a trusted forwarder`);
  const authentication = forwarderAuthentication(message.verdicts as Verdicts | undefined, parsed.data);
  if (authentication.authenticated === false) {
    throw new Conflict('forwarder_not_authenticated', `${parsed.data}'s message was not authenticated for its domain (${authentication.why}): trusting it would not change how its mail is read`);
  }
  if (inbox.trustedForwarders.includes(parsed.data)) return undefined;
  if (inbox.trustedForwarders.length >= MAX_TRUSTED_FORWARDERS) throw new Conflict('trusted_forwarders_full', `the inbox already trusts ${MAX_TRUSTED_FORWARDERS} forwarders: remove one first`);
  return parsed.data;
}

const contactRef = (contactId: string, from: { email: string; name?: string }): ContactRef => ({ contactId, email: from.email, name: from.name || null });

export function attributionOf(message: LocatedMessage['message'], conversation: Conversation, trustedForwarders?: readonly string[]): MessageAttribution {
  return {
    messageId: message.messageId,
    conversationId: message.conversationId,
    contact: contactRef(message.contactId, message.from),
    attribution: message.attribution ?? null,
    forwardedBy: message.forwardedBy ?? null,
    correction: message.correction ?? null,
    conversationContact: { contactId: conversation.contactId, email: conversation.contactEmail, name: conversation.contactName ?? null },
    ...(trustedForwarders ? { trustedForwarders } : {}),
  };
}

/** `POST /messages/{messageId}/attribution`: idempotent — the same body again changes nothing and answers the same record. */
export async function reattributeMessage(context: AttributionContext, caller: Caller, messageId: string, input: AttributionInput): Promise<MessageAttribution> {
  if (input.trustForwarder && !(await context.isAdmin(caller))) throw new Forbidden('trusting a forwarder needs the admin role: ask an admin of the account');
  const contactId = contactIdOf(input.email);
  for (let attempt = 1; ; attempt++) {
    // The contact's id derives from the address: its name is read alongside the message.
    const [located, existingName] = await Promise.all([context.attribution.locate(caller.accountId, messageId), context.attribution.contactName(caller.accountId, contactId)]);
    if (!located) throw new NotFound('message');
    const { message, conversation } = located;
    if (conversation.mergedInto) throw new Conflict('conversation_merged', `the conversation was merged into ${conversation.mergedInto}: re-read the message there`);
    const inbox = input.trustForwarder ? await context.attribution.inboxTrust(caller.accountId, message.inboxId) : undefined;
    if (input.trustForwarder && !inbox) throw new NotFound('message');
    const forwarder = inbox ? forwarderToTrust(context, message, inbox) : undefined;
    const correction: AttributionCorrection | undefined = message.contactId === contactId
      ? undefined
      : {
          by: caller.userId,
          at: context.now().toISOString(),
          previousContact: contactRef(message.contactId, message.from),
          contact: { contactId, email: input.email, name: existingName ?? input.name ?? null },
          ...(forwarder ? { trustedForwarder: forwarder } : {}),
        };
    const trustedForwarders = inbox && (forwarder ? [...inbox.trustedForwarders, forwarder] : inbox.trustedForwarders);
    if (!correction && !forwarder) return attributionOf(message, conversation, trustedForwarders);
    try {
      await context.attribution.reattribute({ located, correction, trust: forwarder ? { forwarder, inbox: inbox! } : undefined });
    } catch (error) {
      if (!(error instanceof ChangedMeanwhile)) throw error;
      if (attempt >= ATTEMPTS) throw new Conflict('changed_meanwhile', 'the message kept changing meanwhile: read it again and retry');
      continue;
    }
    const moved = correction ? { ...message, contactId, from: { email: input.email, name: correction.contact.name ?? '' }, correction } : message;
    const movedConversation = correction && located.startsConversation
      ? { ...conversation, contactId, contactEmail: input.email, contactName: correction.contact.name ?? undefined }
      : conversation;
    return attributionOf(moved, movedConversation, trustedForwarders);
  }
}
