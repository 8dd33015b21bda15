/** DynamoDB side of the inbound pipeline: two batched reads and one transaction per message. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { InboundRecordPlan, QuarantinePlan, StoredPlan } from '../inbound/domain/plan';
import { CommitConflict, InboundPorts, InboxContext, InboxContextRequest, InboxProfile, ReceiptRecord } from '../inbound/domain/ports';
import type { InboxRoute } from '../inbound/domain/steps/find-inbox';
import type { ThreadIndexEntry } from '../inbound/domain/steps/thread';
import { batchGet, Key, keyString } from './batch-get';
import { ticketItem } from './ticket-items';
import type { AgentState, RoutingContext } from '../inbound/domain/steps/assign';
import type { RoutingContextRequest } from '../inbound/domain/ports';
import { keys, listings } from './keys';

export interface InboundTables {
  readonly inboxes: string;
  readonly contacts: string;
  readonly conversations: string;
  readonly tickets: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export class DynamoInboundStore implements Pick<InboundPorts, 'lookupRoutes' | 'loadInboxContext' | 'loadRoutingContext' | 'nextTurn' | 'commit'> {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: InboundTables,
  ) {}

  async lookupRoutes(addresses: readonly string[], receiptKey: string) {
    const addressKeys = addresses.map((address) => keys.address(address));
    const receiptKeyItem = keys.receipt(receiptKey);
    const found = await batchGet(this.client, {
      [this.tables.inboxes]: addressKeys,
      [this.tables.conversations]: [receiptKeyItem],
    });
    const receiptItem = found.get(this.tables.conversations)!.get(keyString(receiptKeyItem));
    const routes = new Map<string, InboxRoute>();
    for (const [index, key] of addressKeys.entries()) {
      const item = found.get(this.tables.inboxes)!.get(keyString(key));
      if (item) routes.set(addresses[index], { inboxId: String(item.inboxId), accountId: String(item.accountId), address: addresses[index] });
    }
    return { receipt: receiptItem as unknown as ReceiptRecord | undefined, routes };
  }

  async loadInboxContext(request: InboxContextRequest): Promise<InboxContext> {
    const { inboxId, accountId } = request.route;
    const inboxKey = keys.inbox(accountId, inboxId);
    const memberKey = request.forwarder ? keys.member(accountId, request.forwarder) : undefined;
    const threadKeys = request.threadIds.map((id) => keys.thread(inboxId, id));
    // Reply tokens are conversation ids; anything else in a +tag is just a tag.
    const tokenKey = request.replyToken?.startsWith('cv_') ? keys.conversation(request.replyToken) : undefined;
    const found = await batchGet(this.client, {
      [this.tables.inboxes]: memberKey ? [inboxKey, memberKey] : [inboxKey],
      [this.tables.conversations]: tokenKey ? [...threadKeys, tokenKey] : threadKeys,
    });
    const inboxes = found.get(this.tables.inboxes)!;
    const conversations = found.get(this.tables.conversations)!;
    const inbox = inboxes.get(keyString(inboxKey));
    const entries = new Map<string, ThreadIndexEntry>();
    for (const [index, key] of threadKeys.entries()) {
      const item = conversations.get(keyString(key));
      if (item) entries.set(request.threadIds[index], { conversationId: String(item.conversationId), storedMessageId: item.storedMessageId as string | undefined });
    }
    const tokenConversation = tokenKey ? conversations.get(keyString(tokenKey)) : undefined;
    return {
      inbox: inbox && {
        inboxId,
        accountId,
        address: request.route.address,
        teamAddresses: (inbox.teamAddresses as string[] | undefined) ?? [],
        trustedForwarders: (inbox.trustedForwarders as string[] | undefined) ?? [],
        name: String(inbox.name ?? ''),
        assignment: (inbox.assignment as InboxProfile['assignment'] | undefined) ?? { mode: 'off' },
        tickets: (inbox.tickets as InboxProfile['tickets'] | undefined) ?? { enabled: false },
      },
      memberEmails: new Set(memberKey && inboxes.has(keyString(memberKey)) ? [request.forwarder!] : []),
      thread: {
        replyTokenConversationId: tokenConversation?.inboxId === inboxId ? String(tokenConversation.conversationId) : undefined,
        entries,
      },
    };
  }

  async loadRoutingContext(request: RoutingContextRequest): Promise<RoutingContext> {
    const { accountId } = request;
    const userKey = (userId: string) => keys.user(accountId, userId);
    const teamKeys = request.teamIds.map((teamId) => keys.team(accountId, teamId));
    const contactKey = request.contactId ? keys.contact(accountId, request.contactId) : undefined;
    const first = await batchGet(this.client, {
      [this.tables.inboxes]: [...request.userIds.map(userKey), ...teamKeys],
      ...(contactKey ? { [this.tables.contacts]: [contactKey] } : {}),
    });
    const inboxes = first.get(this.tables.inboxes)!;
    const teamMembers = new Map<string, string[]>();
    for (const [index, key] of teamKeys.entries()) {
      const team = inboxes.get(keyString(key));
      if (team) teamMembers.set(request.teamIds[index], (team.memberIds as string[] | undefined) ?? []);
    }
    const contactOwnerId = contactKey ? (first.get(this.tables.contacts)!.get(keyString(contactKey))?.ownerId as string | undefined) : undefined;
    // Team members and the owner are only known now: one more read for those not read yet.
    const wanted = new Set([...request.userIds, ...[...teamMembers.values()].flat(), ...(contactOwnerId ? [contactOwnerId] : [])]);
    const missing: Key[] = [...wanted].filter((userId) => !inboxes.has(keyString(userKey(userId)))).map(userKey);
    const second = missing.length ? (await batchGet(this.client, { [this.tables.inboxes]: missing })).get(this.tables.inboxes)! : new Map();
    const users = new Map<string, AgentState>();
    for (const userId of wanted) {
      const item = inboxes.get(keyString(userKey(userId))) ?? second.get(keyString(userKey(userId)));
      if (item) {
        users.set(userId, {
          userId,
          availability: item.availability === 'away' ? 'away' : 'available',
          capacity: typeof item.capacity === 'number' ? item.capacity : null,
          openAssigned: typeof item.openAssigned === 'number' ? item.openAssigned : 0,
        });
      }
    }
    return { users, teamMembers, contactOwnerId };
  }

  async nextTurn(accountId: string, inboxId: string): Promise<number> {
    const result = await this.client.send(
      new UpdateCommand({
        TableName: this.tables.inboxes,
        Key: keys.rotation(accountId, inboxId),
        UpdateExpression: 'ADD turn :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(result.Attributes?.turn);
  }

  async commit(plan: StoredPlan | QuarantinePlan | InboundRecordPlan): Promise<void> {
    const items = this.itemsFor(plan);
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // Item 0 is always the receipt: if it exists, this raw object was already processed.
      const alreadyProcessed = reasons[0]?.Code === 'ConditionalCheckFailed';
      const detail = reasons.map((reason, index) => `${index}:${reason.Code ?? 'None'}`).join(' ');
      throw new CommitConflict(alreadyProcessed, detail);
    }
    if (plan.outcome === 'stored') await this.countUnlimitedAssignment(plan);
  }

  private itemsFor(plan: StoredPlan | QuarantinePlan | InboundRecordPlan): TransactItem[] {
    switch (plan.outcome) {
      case 'stored':
        return this.storedItems(plan);
      case 'quarantined':
      case 'duplicate':
        return this.quarantineItems(plan);
      case 'failed':
      case 'unroutable':
        return [this.receiptPut(plan, recordReceipt(plan))];
    }
  }

  /**
   * Raises the open count of an assignee without a capacity (it only matters once one is set). If this fails
   * the error surfaces and the redelivery finds the receipt: the conversation stays, the count is one short.
   */
  private async countUnlimitedAssignment(plan: StoredPlan): Promise<void> {
    const assignment = plan.routing?.assignment;
    if (!assignment?.assigneeId || assignment.capacityLimited) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tables.inboxes,
        Key: keys.user(plan.route.accountId, assignment.assigneeId),
        UpdateExpression: 'ADD openAssigned :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  private receiptPut(plan: { receiptKey: string; receiptId: string; receivedAt: string; raw: unknown }, fields: Record<string, unknown>): TransactItem {
    return {
      Put: {
        TableName: this.tables.conversations,
        Item: { ...keys.receipt(plan.receiptKey), receiptId: plan.receiptId, receivedAt: plan.receivedAt, raw: plan.raw, ...fields },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  private quarantineItems(plan: QuarantinePlan): TransactItem[] {
    const listed = plan.outcome === 'quarantined'
      ? { gsi1pk: listings.quarantine(plan.route.inboxId), gsi1sk: `${plan.receivedAt}#${plan.receiptId}` }
      : {};
    const receipt = this.receiptPut(plan, {
      outcome: plan.outcome,
      inboxId: plan.route.inboxId,
      accountId: plan.route.accountId,
      classification: plan.classification,
      reason: plan.reason,
      summary: plan.summary,
      verdicts: plan.verdicts,
      duplicateOf: plan.duplicateOf,
      conversationId: plan.duplicateOf?.conversationId,
      messageId: plan.duplicateOf?.messageId,
      trace: plan.trace,
      ...listed,
    });
    if (!plan.forwardingConfirmation) return [receipt];
    return [
      receipt,
      {
        Update: {
          TableName: this.tables.inboxes,
          Key: keys.inbox(plan.route.accountId, plan.route.inboxId),
          UpdateExpression: 'SET forwardingConfirmation = :confirmation',
          ConditionExpression: 'attribute_exists(pk)',
          // Anyone can write From: forwarding-noreply@google.com; only DMARC-aligned mail from Google is Google's.
          ExpressionAttributeValues: {
            ':confirmation': { ...plan.forwardingConfirmation, authenticated: plan.verdicts?.dmarc === 'PASS', receivedAt: plan.receivedAt, receiptId: plan.receiptId },
          },
        },
      },
    ];
  }

  private storedItems(plan: StoredPlan): TransactItem[] {
    const { route, conversation, contact, message, receivedAt } = plan;
    const { conversationId } = conversation;
    const listing = { gsi1pk: listings.conversations(route.inboxId), gsi1sk: `${receivedAt}#${conversationId}` };
    const items: TransactItem[] = [
      this.receiptPut(plan, { outcome: 'stored', inboxId: route.inboxId, accountId: route.accountId, conversationId, messageId: plan.messageId }),
      {
        Put: {
          TableName: this.tables.conversations,
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
            trace: plan.trace,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      conversation.isNew
        ? {
            Put: {
              TableName: this.tables.conversations,
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
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          }
        : {
            Update: {
              TableName: this.tables.conversations,
              Key: keys.conversation(conversationId),
              // A message for a closed conversation reopens it.
              UpdateExpression: 'SET #status = :open, lastMessageAt = :at, gsi1sk = :listedAt ADD messageCount :one',
              ConditionExpression: 'attribute_exists(pk) AND inboxId = :inbox',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':open': 'open', ':at': receivedAt, ':listedAt': listing.gsi1sk, ':one': 1, ':inbox': route.inboxId },
            },
          },
      this.contactUpsert(plan),
      ...this.routingItems(plan),
    ];
    const { own, referenced } = plan.threadKeys;
    if (own) {
      items.push({
        Put: {
          TableName: this.tables.conversations,
          Item: { ...keys.thread(route.inboxId, own), conversationId, storedMessageId: plan.messageId, inboxId: route.inboxId },
          // A placeholder written by a reply that arrived first may be claimed, but only for its conversation.
          ConditionExpression: 'attribute_not_exists(pk) OR (conversationId = :conversation AND attribute_not_exists(storedMessageId))',
          ExpressionAttributeValues: { ':conversation': conversationId },
        },
      });
    }
    const known = new Set(plan.knownThreadIds);
    for (const id of referenced.filter((referencedId) => !known.has(referencedId))) {
      items.push({
        Put: {
          TableName: this.tables.conversations,
          Item: { ...keys.thread(route.inboxId, id), conversationId, inboxId: route.inboxId },
          // Whoever indexes a Message-ID first owns it; a loser re-reads and joins that conversation.
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    return items;
  }

  /**
   * An assignee with a capacity: their open count goes up in the transaction, only if they are still
   * available and below capacity — if that changed since the read, the chain decides again on fresh data.
   * (Without a capacity the count is raised after the commit: every new conversation updating one hot user
   * item inside its transaction would make concurrent arrivals conflict for nothing.) The ticket rides in
   * the same transaction as the new conversation: exactly one, or none.
   */
  private routingItems(plan: StoredPlan): TransactItem[] {
    const items: TransactItem[] = [];
    const assigneeId = plan.routing?.assignment?.capacityLimited ? plan.routing.assignment.assigneeId : undefined;
    if (assigneeId) {
      items.push({
        Update: {
          TableName: this.tables.inboxes,
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
          TableName: this.tables.tickets,
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

  private contactUpsert(plan: StoredPlan): TransactItem {
    const { contact, route, receivedAt } = plan;
    const values: Record<string, unknown> = { ':email': contact.email, ':account': route.accountId, ':id': contact.contactId, ':at': receivedAt, ':one': 1 };
    let update = 'SET email = :email, accountId = :account, contactId = :id, createdAt = if_not_exists(createdAt, :at), lastMessageAt = :at';
    // Keep a name someone already has (or edited); never blank it.
    if (contact.name) {
      update += ', #name = if_not_exists(#name, :name)';
      values[':name'] = contact.name;
    }
    return {
      Update: {
        TableName: this.tables.contacts,
        Key: keys.contact(route.accountId, contact.contactId),
        UpdateExpression: `${update} ADD messageCount :one`,
        ExpressionAttributeNames: contact.name ? { '#name': 'name' } : undefined,
        ExpressionAttributeValues: values,
      },
    };
  }
}

function recordReceipt(plan: InboundRecordPlan): Record<string, unknown> {
  return {
    outcome: plan.outcome,
    reason: plan.reason,
    summary: plan.summary,
    addressesSeen: plan.addressesSeen,
    trace: plan.trace,
    gsi1pk: plan.outcome === 'failed' ? listings.failed() : listings.unroutable(),
    gsi1sk: `${plan.receivedAt}#${plan.receiptId}`,
  };
}
