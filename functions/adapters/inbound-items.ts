/**
 * The stored form of an inbound decision: the items of the one transaction that records a raw message
 * (receipt, message, conversation, contact, thread index, assignment count, ticket). Pure, so every key,
 * condition and listing is unit-tested apart from the repository that sends them.
 */
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { InboundRecordPlan, QuarantinePlan, StoredPlan } from '../inbound/domain/plan';
import { contactUpsertItem, conversationContactKeys } from './contact-items';
import { keys, listings } from './keys';
import { MAX_INDEXED_REFERENCES } from '../inbound/domain/steps/thread';
import { ticketItem } from './ticket-items';
import { existingConversationItems, newConversationViews } from './conversation-items';
import { messageRefPut } from './message-items';
import { healthItems } from './health-items';
import { quarantineCountUpdate } from './quarantine-count-items';

export interface InboundTables {
  readonly inboxes: string;
  readonly contacts: string;
  readonly conversations: string;
  readonly tickets: string;
}

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

type CommittedPlan = StoredPlan | QuarantinePlan | InboundRecordPlan;

/** The transaction's items; item 0 is always the receipt, whose condition tells a redelivery apart. */
export function inboundItems(plan: CommittedPlan, tables: InboundTables): TransactItem[] {
  return [...decisionItems(plan, tables), ...healthItems(plan, tables)];
}

function decisionItems(plan: CommittedPlan, tables: InboundTables): TransactItem[] {
  switch (plan.outcome) {
    case 'stored':
      return storedItems(plan, tables);
    case 'quarantined':
    case 'duplicate':
      return quarantineItems(plan, tables);
    case 'failed':
    case 'unroutable':
      return [receiptPut(plan, tables, recordReceipt(plan))];
  }
}

/** The assignee without a capacity whose open count is raised just after the commit, if any. */
function uncountedAssignee(plan: CommittedPlan): string | undefined {
  const assignment = plan.outcome === 'stored' ? plan.routing?.assignment : undefined;
  return assignment?.assigneeId && !assignment.capacityLimited ? assignment.assigneeId : undefined;
}

/** An open count owed after the commit: the receipt that carries it as `pendingOpenCount` until it is raised. */
export interface PendingOpenCount {
  readonly receiptKey: string;
  readonly inboxId: string;
  readonly accountId: string;
  readonly assigneeId: string;
}

export function pendingOpenCountOf(plan: CommittedPlan): PendingOpenCount | undefined {
  const assigneeId = uncountedAssignee(plan);
  return assigneeId && plan.outcome === 'stored' ? { receiptKey: plan.receiptKey, inboxId: plan.route.inboxId, accountId: plan.route.accountId, assigneeId } : undefined;
}

/**
 * The open count of an assignee without a capacity, raised just after the commit (it only matters once a
 * capacity is set, and one hot user item in every transaction would make concurrent arrivals conflict). The
 * receipt's `pendingOpenCount`, written in the transaction, is cleared with the count: a retry that finds it
 * still there raises the count, one that finds it gone knows it was raised — never twice, never lost.
 */
export function openCountItems(pending: PendingOpenCount, tables: InboundTables): TransactItem[] {
  return [
    {
      Update: {
        TableName: tables.inboxes,
        Key: keys.user(pending.accountId, pending.assigneeId),
        UpdateExpression: 'ADD openAssigned :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    pendingOpenCountCleared(pending, tables),
  ];
}

/** Clears the receipt's `pendingOpenCount`, only if it still names this assignee. */
export function pendingOpenCountCleared(pending: PendingOpenCount, tables: InboundTables): TransactItem {
  return {
    Update: {
      TableName: tables.conversations,
      Key: keys.receipt(pending.receiptKey, pending.inboxId),
      UpdateExpression: 'REMOVE pendingOpenCount',
      ConditionExpression: 'pendingOpenCount = :assignee',
      ExpressionAttributeValues: { ':assignee': pending.assigneeId },
    },
  };
}

/** The receipt of the object in one inbox (or of the object itself, when it reached none). */
function receiptPut(plan: Pick<CommittedPlan, 'receiptKey' | 'receiptId' | 'receivedAt' | 'raw' | 'route' | 'release'>, tables: InboundTables, fields: Record<string, unknown>): TransactItem {
  // A release's receipt names what it released, who released it and which rules it bypassed (`releasedBy`/
  // `releasedAt` on a quarantined record say that *it* was released: not used here).
  const release = plan.release && { releaseOf: { receiptKey: plan.release.receiptKey, by: plan.release.releasedBy, at: plan.release.releasedAt }, skippedRules: plan.release.skippedRules };
  return {
    Put: {
      TableName: tables.conversations,
      Item: { ...keys.receipt(plan.receiptKey, plan.route?.inboxId), receiptId: plan.receiptId, receivedAt: plan.receivedAt, raw: plan.raw, ...release, ...fields },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function recordReceipt(plan: InboundRecordPlan): Record<string, unknown> {
  return {
    outcome: plan.outcome,
    reason: plan.reason,
    inboxId: plan.route?.inboxId,
    accountId: plan.route?.accountId,
    summary: plan.summary,
    addressesSeen: plan.addressesSeen,
    trace: plan.trace,
    gsi1pk: plan.outcome === 'unroutable' ? listings.unroutable() : plan.route ? listings.failedIn(plan.route.inboxId) : listings.failed(),
    gsi1sk: `${plan.receivedAt}#${plan.receiptId}`,
  };
}

function quarantineItems(plan: QuarantinePlan, tables: InboundTables): TransactItem[] {
  const listed = plan.outcome === 'quarantined'
    ? { gsi1pk: listings.quarantine(plan.route.inboxId), gsi1sk: `${plan.receivedAt}#${plan.receiptId}` }
    : {};
  const receipt = receiptPut(plan, tables, {
    outcome: plan.outcome,
    inboxId: plan.route.inboxId,
    accountId: plan.route.accountId,
    classification: plan.classification,
    reason: plan.reason,
    summary: plan.summary,
    verdicts: plan.verdicts,
    address: plan.route.address,
    replyToken: plan.replyToken,
    duplicateOf: plan.duplicateOf,
    conversationId: plan.duplicateOf?.conversationId,
    messageId: plan.duplicateOf?.messageId,
    trace: plan.trace,
    ...listed,
  });
  const counted = plan.outcome === 'quarantined' ? [quarantineCountUpdate(tables.conversations, plan.route.inboxId, plan.receiptKey, 1)] : [];
  if (!plan.forwardingConfirmation) return [receipt, ...counted];
  return [
    receipt,
    {
      Update: {
        TableName: tables.inboxes,
        Key: keys.inbox(plan.route.accountId, plan.route.inboxId),
        UpdateExpression: 'SET forwardingConfirmation = :confirmation',
        ConditionExpression: 'attribute_exists(pk)',
        // Anyone can write From: forwarding-noreply@google.com; only DMARC-aligned mail from Google is Google's.
        ExpressionAttributeValues: {
          ':confirmation': { ...plan.forwardingConfirmation, authenticated: plan.verdicts?.dmarc === 'PASS', receivedAt: plan.receivedAt, receiptId: plan.receiptId },
        },
      },
    },
    ...counted,
  ];
}

function storedItems(plan: StoredPlan, tables: InboundTables): TransactItem[] {
  const { route, conversation, contact, message, receivedAt } = plan;
  const { conversationId } = conversation;
  const listing = { gsi1pk: listings.conversations(route.inboxId), gsi1sk: `${receivedAt}#${conversationId}` };
  const views = conversation.isNew ? newConversationViews(plan, tables) : undefined;
  const [existingUpdate, ...existingCounts] = conversation.isNew ? [] : existingConversationItems(plan, tables);
  return [
    receiptPut(plan, tables, { outcome: 'stored', inboxId: route.inboxId, accountId: route.accountId, conversationId, messageId: plan.messageId, pendingOpenCount: uncountedAssignee(plan) }),
    {
      Put: {
        TableName: tables.conversations,
        Item: {
          ...keys.message(conversationId, receivedAt, plan.messageId),
          messageId: plan.messageId,
          conversationId,
          inboxId: route.inboxId,
          accountId: route.accountId,
          contactId: contact.contactId,
          direction: 'inbound',
          receivedAt,
          raw: plan.raw,
          ...message,
          attribution: plan.attribution,
          forwardedBy: plan.forwardedBy,
          thread: { rule: conversation.rule, evidence: conversation.evidence },
          collision: plan.collision,
          // Quarantined mail a person released: who, when, and the rules bypassed (the message says so).
          release: plan.release && { releasedBy: plan.release.releasedBy, releasedAt: plan.release.releasedAt, skippedRules: plan.release.skippedRules },
          trace: plan.trace,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    conversation.isNew
      ? {
          Put: {
            TableName: tables.conversations,
            Item: {
              ...keys.conversation(conversationId),
              conversationId,
              inboxId: route.inboxId,
              accountId: route.accountId,
              contactId: contact.contactId,
              contactEmail: contact.email,
              subject: message.subject,
              status: 'open',
              createdAt: receivedAt,
              lastMessageAt: receivedAt,
              messageCount: 1,
              assigneeId: plan.routing?.assignment?.assigneeId ?? null,
              assignment: plan.routing?.assignment,
              ticketId: plan.routing?.ticket?.ticketId,
              ...listing,
              ...views!.fields,
              ...conversationContactKeys(route.accountId, contact.contactId, receivedAt, conversationId),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        }
      : withListingOrder(existingUpdate, listing.gsi1sk),
    contactUpsert(plan, tables),
    messageRefPut(tables, { messageId: plan.messageId, accountId: route.accountId, conversationId, messageSk: keys.message(conversationId, receivedAt, plan.messageId).sk }),
    ...(views ? views.items : existingCounts),
    ...routingItems(plan, tables),
    ...threadIndexItems(plan, tables),
    ...participantItems(plan, tables),
  ];
}

/** A message for an existing conversation (a closed one reopens) also moves it in the inbox's full listing. */
function withListingOrder(item: TransactItem, listedAt: string): TransactItem {
  const update = item.Update!;
  return { Update: { ...update, UpdateExpression: update.UpdateExpression!.replace('SET ', 'SET gsi1sk = :listedAt, '), ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':listedAt': listedAt } } };
}

/**
 * The message's own Message-ID (unless another message holds it, or a conversation not joined refers to
 * it), the newest referenced ids not indexed yet, and the Thread-Index root. Whoever indexes an id first owns
 * it (conditional put); a loser's transaction is cancelled, it re-reads and decides again.
 */
function threadIndexItems(plan: StoredPlan, tables: InboundTables): TransactItem[] {
  const { route, conversation: { conversationId } } = plan;
  const { own, referenced, threadIndexRoot, fingerprint } = plan.threadKeys;
  const items: TransactItem[] = [];
  if (fingerprint) {
    items.push({
      Put: {
        TableName: tables.conversations,
        Item: { ...keys.thread(route.inboxId, fingerprint), conversationId, storedMessageId: plan.messageId, inboxId: route.inboxId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  if (own && plan.conversation.indexOwn !== false) {
    items.push({
      Put: {
        TableName: tables.conversations,
        Item: { ...keys.thread(route.inboxId, own), conversationId, storedMessageId: plan.messageId, inboxId: route.inboxId, ...plan.identity },
        // A placeholder written by a reply that arrived first may be claimed, but only for its conversation.
        ConditionExpression: 'attribute_not_exists(pk) OR (conversationId = :conversation AND attribute_not_exists(storedMessageId))',
        ExpressionAttributeValues: { ':conversation': conversationId },
      },
    });
  }
  const known = new Set(plan.knownThreadIds);
  const unknown = referenced.filter((referencedId) => !known.has(referencedId)).slice(0, MAX_INDEXED_REFERENCES);
  for (const id of threadIndexRoot && !known.has(threadIndexRoot) ? [...unknown, threadIndexRoot] : unknown) {
    items.push({
      Put: {
        TableName: tables.conversations,
        Item: { ...keys.thread(route.inboxId, id), conversationId, inboxId: route.inboxId },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return items;
}

/** Who takes part in the conversation: written again by each message (idempotent), read only when a mere reference must be trusted. */
function participantItems(plan: StoredPlan, tables: InboundTables): TransactItem[] {
  const { conversationId } = plan.conversation;
  return (plan.participants ?? []).map((email) => ({
    Put: { TableName: tables.conversations, Item: { ...keys.participant(conversationId, email), conversationId, email } },
  }));
}

/**
 * An assignee with a capacity: their open count goes up in the transaction, only if they are still
 * available and below capacity — if that changed since the read, the chain decides again on fresh data.
 * The ticket rides in the same transaction as the new conversation: exactly one, or none.
 */
function routingItems(plan: StoredPlan, tables: InboundTables): TransactItem[] {
  const items: TransactItem[] = [];
  const assigneeId = plan.routing?.assignment?.capacityLimited ? plan.routing.assignment.assigneeId : undefined;
  if (assigneeId) {
    items.push({
      Update: {
        TableName: tables.inboxes,
        Key: keys.user(plan.route.accountId, assigneeId),
        UpdateExpression: 'SET openAssigned = if_not_exists(openAssigned, :zero) + :one',
        ConditionExpression:
          'availability = :available AND (attribute_not_exists(#capacity) OR attribute_type(#capacity, :null) OR attribute_not_exists(openAssigned) OR openAssigned < #capacity)',
        ExpressionAttributeNames: { '#capacity': 'capacity' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':available': 'available', ':null': 'NULL' },
      },
    });
  }
  const ticket = plan.routing?.ticket;
  if (ticket) {
    items.push({
      Put: {
        TableName: tables.tickets,
        Item: ticketItem({
          ...ticket,
          accountId: plan.route.accountId,
          conversationId: plan.conversation.conversationId,
          contactId: plan.contact.contactId,
          inboxId: plan.route.inboxId,
          createdAt: plan.receivedAt,
          updatedAt: plan.receivedAt,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return items;
}

function contactUpsert(plan: StoredPlan, tables: InboundTables): TransactItem {
  return contactUpsertItem(tables.contacts, plan.route.accountId, plan.contact, { at: plan.receivedAt, lastMessage: 'set' });
}
