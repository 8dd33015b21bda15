/**
 * The stored form of a conversation's place in the views: its index keys (Unassigned, Assigned to me, All open,
 * Closed, Assigned to me across inboxes), the inbox's view counts and the assignees' open counts. Pure, so the
 * inbound transaction (new conversations, reopening replies) and the API's changes (assign, close, reopen,
 * reply) build the very same items, and every key and delta is unit-tested apart from the writers.
 */
import type { StoredPlan } from '../inbound/domain/plan';
import type { OutboundMessage } from '../conversations/ports';
import { newTextOf, snippetOf } from '../conversations/new-text';
import type { InboundTables, TransactItem } from './inbound-items';
import { keys, listings } from './keys';

export type ConversationStatus = 'open' | 'closed';

/** What decides where a conversation is listed and what it counts for. */
export interface ViewState {
  readonly status: ConversationStatus;
  readonly assigneeId: string | null;
}

export interface ListedConversation extends ViewState {
  readonly accountId: string;
  readonly inboxId: string;
  readonly conversationId: string;
  readonly lastMessageAt: string;
}

/** Counts are spread over this many items per inbox: concurrent transactions rarely touch the same one. */
export const VIEW_COUNT_SHARDS = 64;

/** The shard a conversation counts in: its id is random, so conversations spread evenly. */
export function viewCountShard(conversationId: string): number {
  let hash = 0;
  for (let index = 0; index < conversationId.length; index++) hash = (hash * 31 + conversationId.charCodeAt(index)) >>> 0;
  return hash % VIEW_COUNT_SHARDS;
}

/** Count attribute of open conversations assigned to a user (in the inbox's count items). */
export const assignedCountAttribute = (userId: string) => `assigned#${userId}`;

/**
 * The index keys of every view. The sort keys are always set (they follow the last activity); the partition
 * keys of the open-only views are `undefined` for a closed conversation and must then be removed (sparse).
 */
export function conversationViewKeys(conversation: ListedConversation): Record<string, string | undefined> {
  const order = `${conversation.lastMessageAt}#${conversation.conversationId}`;
  const open = conversation.status === 'open';
  return {
    gsi4pk: listings.conversationsByStatus(conversation.inboxId, conversation.status),
    gsi4sk: order,
    gsi5pk: open ? listings.openConversationsOf(conversation.inboxId, conversation.assigneeId) : undefined,
    gsi5sk: order,
    gsi6pk: open && conversation.assigneeId ? listings.openConversationsAssignedTo(conversation.accountId, conversation.assigneeId) : undefined,
    gsi6sk: order,
  };
}

/**
 * `SET`/`REMOVE` clauses writing the view keys of `conversation` (names and values prefixed `vk`); `sortOnly`
 * moves just its place in the views it is already in (its status and assignee unchanged).
 */
export function viewKeyClauses(conversation: ListedConversation, sortOnly = false) {
  const entries = Object.entries(conversationViewKeys(conversation)).filter(([name]) => !sortOnly || name.endsWith('sk'));
  const set = entries.filter(([, value]) => value !== undefined);
  return {
    set: set.map(([name]) => `#vk_${name} = :vk_${name}`),
    remove: entries.filter(([, value]) => value === undefined).map(([name]) => `#vk_${name}`),
    names: Object.fromEntries(entries.map(([name]) => [`#vk_${name}`, name])),
    values: Object.fromEntries(set.map(([name, value]) => [`:vk_${name}`, value])),
  };
}

/** A condition that the item's assignee is still `assigneeId` (nobody: null or absent). */
export function assigneeCondition(assigneeId: string | null) {
  return assigneeId
    ? { expression: 'assigneeId = :wasAssignee', values: { ':wasAssignee': assigneeId } }
    : { expression: '(attribute_not_exists(assigneeId) OR attribute_type(assigneeId, :nullType))', values: { ':nullType': 'NULL' } };
}

/** What a conversation counts for in its inbox's views. */
function countsOf(state: ViewState | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  if (!state) return counts;
  counts.set(state.status, 1);
  if (state.status === 'open') counts.set(state.assigneeId ? assignedCountAttribute(state.assigneeId) : 'unassigned', 1);
  return counts;
}

/** How the inbox's view counts change when a conversation goes from `before` (absent: new) to `after` (absent: merged away); zeros left out. */
export function viewCountDelta(before: ViewState | undefined, after: ViewState | undefined): Map<string, number> {
  const delta = countsOf(after);
  for (const [name, count] of countsOf(before)) delta.set(name, (delta.get(name) ?? 0) - count);
  return new Map([...delta].filter(([, change]) => change !== 0));
}

/** How each user's count of open assigned conversations (`openAssigned`, what capacity limits) changes. */
export function openAssignedDelta(before: ViewState | undefined, after: ViewState | undefined): Map<string, number> {
  const delta = new Map<string, number>();
  if (after?.status === 'open' && after.assigneeId) delta.set(after.assigneeId, 1);
  if (before?.status === 'open' && before.assigneeId) delta.set(before.assigneeId, (delta.get(before.assigneeId) ?? 0) - 1);
  return new Map([...delta].filter(([, change]) => change !== 0));
}

/** The count item update of a change, or nothing when the views' counts stay as they are. */
export function viewCountItem(table: string, conversation: Pick<ListedConversation, 'inboxId' | 'conversationId'>, before: ViewState | undefined, after: ViewState | undefined): TransactItem[] {
  const delta = [...viewCountDelta(before, after)];
  if (!delta.length) return [];
  return [
    {
      Update: {
        TableName: table,
        Key: keys.viewCounts(conversation.inboxId, viewCountShard(conversation.conversationId)),
        UpdateExpression: `ADD ${delta.map((_change, index) => `#c${index} :c${index}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(delta.map(([name], index) => [`#c${index}`, name])),
        ExpressionAttributeValues: Object.fromEntries(delta.map(([, change], index) => [`:c${index}`, change])),
      },
    },
  ];
}

/**
 * The assignees' open counts. A count going up requires the user to exist (an assignment to a removed user
 * fails rather than creating a stray item); `skip` leaves out a user whose increment is already in the
 * transaction (the inbound chain's capacity-checked one).
 */
export function openAssignedItems(table: string, accountId: string, before: ViewState | undefined, after: ViewState | undefined, skip?: string): TransactItem[] {
  return [...openAssignedDelta(before, after)]
    .filter(([userId]) => userId !== skip)
    .map(([userId, change]) => ({
      Update: {
        TableName: table,
        Key: keys.user(accountId, userId),
        UpdateExpression: 'ADD openAssigned :change',
        ConditionExpression: change > 0 ? 'attribute_exists(pk)' : undefined,
        ExpressionAttributeValues: { ':change': change },
      },
    }));
}

/** The state a cancelled transaction saw (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), if that item was a closed conversation. */
export function closedConversationIn(reason: { Item?: Record<string, { S?: string; NULL?: boolean }> } | undefined): { conversationId: string; assigneeId: string | null } | undefined {
  const item = reason?.Item;
  if (item?.status?.S !== 'closed' || !item.conversationId?.S) return undefined;
  return { conversationId: item.conversationId.S, assigneeId: item.assigneeId?.S ?? null };
}

/** The conversation a cancelled transaction's conversation item was merged into, if it was (`ALL_OLD`). */
export function mergedConversationIn(reason: { Item?: Record<string, { S?: string }> } | undefined): { from: string; into: string } | undefined {
  const item = reason?.Item;
  return item?.mergedInto?.S && item.conversationId?.S ? { from: item.conversationId.S, into: item.mergedInto.S } : undefined;
}

/** Where a new conversation of the inbound chain is listed, and its first snippet; with the count items. */
export function newConversationViews(plan: StoredPlan, tables: InboundTables): { fields: Record<string, unknown>; items: TransactItem[] } {
  const state: ListedConversation = {
    accountId: plan.route.accountId,
    inboxId: plan.route.inboxId,
    conversationId: plan.conversation.conversationId,
    lastMessageAt: plan.receivedAt,
    status: 'open',
    assigneeId: plan.routing?.assignment?.assigneeId ?? null,
  };
  const viewKeys = Object.fromEntries(Object.entries(conversationViewKeys(state)).filter(([, value]) => value !== undefined));
  return {
    fields: { ...viewKeys, contactName: plan.contact.name || undefined, snippet: snippetOf(newTextOf(plan.message.text)), lastDirection: 'inbound' },
    items: viewCountItem(tables.conversations, state, undefined, state),
  };
}

/**
 * A message joining an existing conversation: its activity and view order move; a closed conversation reopens.
 * The chain does not read the conversation's status, so the update assumes it is open and is conditional on
 * that; a closed one cancels the transaction and hands back what it holds (`closedConversationIn`), and the
 * retry (`conversation.reopens`) moves it to the open views and counts it again for its assignee.
 */
export function existingConversationItems(plan: StoredPlan, tables: InboundTables): TransactItem[] {
  const { route, receivedAt, conversation } = plan;
  const reopens = conversation.reopens;
  const after: ListedConversation = {
    accountId: route.accountId,
    inboxId: route.inboxId,
    conversationId: conversation.conversationId,
    lastMessageAt: receivedAt,
    status: 'open',
    assigneeId: reopens?.assigneeId ?? null,
  };
  const views = viewKeyClauses(after, !reopens);
  const before: ViewState = { status: 'closed', assigneeId: after.assigneeId };
  const assignee = reopens ? assigneeCondition(reopens.assigneeId) : undefined;
  return [
    {
      Update: {
        TableName: tables.conversations,
        Key: keys.conversation(conversation.conversationId),
        UpdateExpression: `SET #status = :open, lastMessageAt = :at, snippet = :snippet, lastDirection = :inbound, ${views.set.join(', ')}${views.remove.length ? ` REMOVE ${views.remove.join(', ')}` : ''} ADD messageCount :one`,
        // A conversation merged away takes no more messages: the cancellation hands back where it went (`mergedConversationIn`).
        ConditionExpression: `attribute_exists(pk) AND inboxId = :inbox AND #status = :was AND attribute_not_exists(mergedInto)${assignee ? ` AND ${assignee.expression}` : ''}`,
        ExpressionAttributeNames: { '#status': 'status', ...views.names },
        ExpressionAttributeValues: {
          ':open': 'open',
          ':was': reopens ? 'closed' : 'open',
          ':at': receivedAt,
          ':snippet': snippetOf(newTextOf(plan.message.text)),
          ':inbound': 'inbound',
          ':one': 1,
          ':inbox': route.inboxId,
          ...views.values,
          ...assignee?.values,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    ...(reopens ? [...viewCountItem(tables.conversations, after, before, after), ...openAssignedItems(tables.inboxes, route.accountId, before, after)] : []),
  ];
}

/** The order key of every view, after new activity (partitions stay: they follow status and assignee only). */
export function activityOrder(conversationId: string, at: string) {
  const order = `${at}#${conversationId}`;
  return { gsi1sk: order, gsi4sk: order, gsi5sk: order, gsi6sk: order };
}

/**
 * A sent (or failed) reply: the message item, the conversation's activity (a sent one only), the SES id in the
 * thread index so the customer's answer threads back, and the Idempotency-Key's result.
 */
export function replyItems(tables: Pick<InboundTables, 'conversations'>, conversation: Pick<ListedConversation, 'accountId' | 'inboxId' | 'conversationId'>, message: OutboundMessage, threadingId: string | undefined, idempotencyKeyHash?: string): TransactItem[] {
  const { conversationId, inboxId, accountId } = conversation;
  const sent = message.delivery?.status === 'sent';
  const order = activityOrder(conversationId, message.receivedAt);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tables.conversations,
        // The composed email without its bodies, which the message carries once (an item holds 400 KB).
        Item: { ...keys.message(conversationId, message.receivedAt, message.messageId), conversationId, inboxId, accountId, ...message, outgoing: { ...message.outgoing, text: undefined, html: undefined } },
      },
    },
  ];
  if (sent) {
    items.push({
      Update: {
        TableName: tables.conversations,
        Key: keys.conversation(conversationId),
        UpdateExpression: `SET lastMessageAt = :at, snippet = :snippet, lastDirection = :outbound, ${Object.keys(order).map((name) => `${name} = :${name}`).join(', ')} ADD messageCount :one`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': message.receivedAt, ':snippet': snippetOf(newTextOf(message.text)), ':outbound': 'outbound', ':one': 1, ...Object.fromEntries(Object.entries(order).map(([name, value]) => [`:${name}`, value])) },
      },
    });
  }
  if (threadingId) {
    items.push({ Put: { TableName: tables.conversations, Item: { ...keys.thread(inboxId, threadingId), conversationId, storedMessageId: message.messageId, inboxId, direction: 'outbound' } } });
  }
  if (idempotencyKeyHash) {
    items.push({
      Update: {
        TableName: tables.conversations,
        Key: keys.idempotency(accountId, idempotencyKeyHash),
        UpdateExpression: 'SET messageId = :message',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(messageId)',
        ExpressionAttributeValues: { ':message': message.messageId },
      },
    });
  }
  return items;
}
