/**
 * The stored form of a merge: the pointer transaction (the source leaves its views and counts, the target
 * takes its activity and ticket) and the small transactions that move the source's items. Pure, so every
 * key, condition and count is unit-tested apart from the repository that sends them.
 */
import type { Conversation, MergeRecord } from '../conversations/model';
import { messageIdsIn } from '../inbound/domain/addresses';
import { activityOrder, assigneeCondition, openAssignedItems, viewCountItem } from './conversation-items';
import type { InboundTables, TransactItem } from './inbound-items';
import { keys, MESSAGE_SK_PREFIX, NOTE_SK_PREFIX } from './keys';
import { messageRefPut } from './message-items';

type Row = Record<string, unknown>;

/** The index keys that list a conversation anywhere (removing a partition key takes it out of that index). */
const LISTING_KEYS = ['gsi1pk', 'gsi4pk', 'gsi5pk', 'gsi6pk', 'contactListPk'] as const;

/**
 * The source becomes a pointer to the target, conditional on both being as read: it leaves every listing,
 * its view counts and its assignee's open count go, its ticket points at the target (linked to the target's
 * ticket, or adopted by a target without one), and the target takes the newer activity.
 */
export function mergePointerItems(tables: InboundTables, source: Conversation, target: Conversation, record: MergeRecord): TransactItem[] {
  const before = { status: source.status, assigneeId: source.assigneeId ?? null };
  const was = assigneeCondition(before.assigneeId);
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tables.conversations,
        Key: keys.conversation(source.conversationId),
        UpdateExpression: `SET mergedInto = :into, #merge = :record, updatedAt = :at REMOVE ${LISTING_KEYS.join(', ')}`,
        ConditionExpression: `attribute_not_exists(mergedInto) AND inboxId = :inbox AND #status = :status AND ${was.expression}`,
        ExpressionAttributeNames: { '#merge': 'merge', '#status': 'status' },
        ExpressionAttributeValues: { ':into': target.conversationId, ':record': record, ':at': record.at, ':inbox': source.inboxId, ':status': source.status, ...was.values },
      },
    },
    ...viewCountItem(tables.conversations, source, before, undefined),
    ...openAssignedItems(tables.inboxes, source.accountId, before, undefined),
    targetUpdate(tables, source, target, record.at),
  ];
  if (source.ticketId) {
    items.push({
      Update: {
        TableName: tables.tickets,
        Key: keys.ticket(source.accountId, source.ticketId),
        UpdateExpression: `SET conversationId = :target, mergedFromConversationId = :source, updatedAt = :at${target.ticketId ? ', linkedTicketId = :linked' : ''}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':target': target.conversationId, ':source': source.conversationId, ':at': record.at, ...(target.ticketId ? { ':linked': target.ticketId } : {}) },
      },
    });
  }
  return items;
}

/** The target: still unmerged; takes the source's activity when newer, and its ticket when it has none. */
function targetUpdate(tables: InboundTables, source: Conversation, target: Conversation, at: string): TransactItem {
  const set = ['updatedAt = :at'];
  const values: Row = { ':at': at, ':inbox': target.inboxId };
  let condition = 'attribute_not_exists(mergedInto) AND inboxId = :inbox';
  if (source.lastMessageAt > target.lastMessageAt) {
    const order = activityOrder(target.conversationId, source.lastMessageAt);
    set.push('lastMessageAt = :last', 'snippet = :snippet', ...Object.keys(order).map((name) => `${name} = :${name}`));
    Object.assign(values, { ':last': source.lastMessageAt, ':snippet': source.snippet ?? '', ':readLast': target.lastMessageAt }, ...Object.entries(order).map(([name, value]) => ({ [`:${name}`]: value })));
    condition += ' AND lastMessageAt = :readLast';
  }
  if (source.ticketId && !target.ticketId) {
    set.push('ticketId = :ticket');
    values[':ticket'] = source.ticketId;
    condition += ' AND attribute_not_exists(ticketId)';
  }
  return { Update: { TableName: tables.conversations, Key: keys.conversation(target.conversationId), UpdateExpression: `SET ${set.join(', ')}`, ConditionExpression: condition, ExpressionAttributeValues: values } };
}

const isMessage = (row: Row) => String(row.sk).startsWith(MESSAGE_SK_PREFIX);

/**
 * Moves items of the source's partition to the target's, each put and deleted in the same transaction: the
 * delete is conditional on the item still being there, so two requests moving the same item cannot both
 * count it. Message counts move with the messages; moved inbound messages' locators follow them. The source
 * must still be merged as read (into this target, or into one merged on into this target, which a resume
 * follows), and the target must be no pointer itself: items moved into a merged conversation would be in no
 * view.
 */
export function moveItems(tables: InboundTables, source: Conversation, target: Conversation, rows: readonly Row[]): TransactItem[] {
  if (!source.mergedInto) throw new Error(`moveItems: ${source.conversationId} is not merged`);
  const to = keys.conversation(target.conversationId).pk;
  const from = keys.conversation(source.conversationId).pk;
  const items: TransactItem[] = [];
  for (const row of rows) {
    const kind = String(row.sk);
    const moved: Row = { ...row, pk: to, conversationId: target.conversationId };
    if (isMessage(row) || kind.startsWith(NOTE_SK_PREFIX)) moved.mergedFrom = source.conversationId;
    items.push({ Put: { TableName: tables.conversations, Item: moved } }, { Delete: { TableName: tables.conversations, Key: { pk: from, sk: kind }, ConditionExpression: 'attribute_exists(pk)' } });
    if (isMessage(row) && row.direction === 'inbound') {
      items.push(messageRefPut(tables, { messageId: String(row.messageId), accountId: target.accountId, conversationId: target.conversationId, messageSk: kind }));
    }
  }
  const messages = rows.filter(isMessage).length;
  items.push({
    Update: {
      TableName: tables.conversations,
      Key: keys.conversation(source.conversationId),
      UpdateExpression: 'ADD messageCount :minus',
      ConditionExpression: 'mergedInto = :mergedInto',
      ExpressionAttributeValues: { ':minus': 0 - messages, ':mergedInto': source.mergedInto },
    },
  });
  const targetKey = keys.conversation(target.conversationId);
  const unmerged = 'attribute_exists(pk) AND attribute_not_exists(mergedInto)';
  items.push(
    messages
      ? { Update: { TableName: tables.conversations, Key: targetKey, UpdateExpression: 'ADD messageCount :count', ConditionExpression: unmerged, ExpressionAttributeValues: { ':count': messages } } }
      : { ConditionCheck: { TableName: tables.conversations, Key: targetKey, ConditionExpression: unmerged } },
  );
  return items;
}

/** Most thread index ids looked up per moved message: its own, In-Reply-To and the references it kept. */
const MAX_THREAD_IDS_PER_MESSAGE = 32;

/**
 * The Message-IDs a message may have put in the thread index: its own (for a reply, the id SES gave it),
 * In-Reply-To and its newest References. (A Thread-Index root is not kept on the message: mail threaded by it
 * still names the source, which the inbound chain follows to the target.)
 */
export function threadIdsOf(row: Row): string[] {
  if (!isMessage(row)) return [];
  const ids = [row.messageIdHeader, ...messageIdsIn(typeof row.inReplyTo === 'string' ? row.inReplyTo : undefined), ...(Array.isArray(row.references) ? row.references : [])];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.length > 0))].slice(0, MAX_THREAD_IDS_PER_MESSAGE);
}

/** A thread index entry of the source, pointed at the target (only if it still names the source). */
export function threadEntryRedirect(tables: InboundTables, inboxId: string, threadId: string, source: string, target: string) {
  return {
    TableName: tables.conversations,
    Key: keys.thread(inboxId, threadId),
    UpdateExpression: 'SET conversationId = :target',
    ConditionExpression: 'conversationId = :source',
    ExpressionAttributeValues: { ':target': target, ':source': source },
  };
}
