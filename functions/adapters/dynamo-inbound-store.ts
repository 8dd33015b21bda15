/** DynamoDB side of the inbound pipeline: two batched reads and one transaction per message and inbox. */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentStoreError } from '../inbound/domain/errors';
import type { InboundRecordPlan, QuarantinePlan, StoredPlan } from '../inbound/domain/plan';
import { CommitConflict, InboundPorts, InboxContext, InboxContextRequest, InboxProfile, ReceiptRecord } from '../inbound/domain/ports';
import type { InboxRoute } from '../inbound/domain/steps/find-inbox';
import type { ThreadIndexEntry } from '../inbound/domain/steps/thread';
import { batchGet, Key, keyString } from './batch-get';
import { inboundItems, InboundTables, openCountItems, PendingOpenCount, pendingOpenCountCleared, pendingOpenCountOf } from './inbound-items';
import type { AgentState, RoutingContext } from '../inbound/domain/steps/assign';
import type { RoutingContextRequest } from '../inbound/domain/ports';
import { keys } from './keys';
import { closedConversationIn, mergedConversationIn } from './conversation-items';

/** Attempts at the post-commit open count while other transactions hold the user item; then the redelivery's turn. */
const OPEN_COUNT_ATTEMPTS = 3;

/** Merges remembered (a merge is final, so they never go stale); bounded, the oldest forgotten first. */
const MAX_REMEMBERED_MERGES = 1000;
/** Links followed from a merged conversation to where it lives now (a merged target can be merged again). */
const MAX_MERGE_HOPS = 10;

/** Cancellation reasons no retry changes: an item or key over DynamoDB's limits. */
const PERMANENT_CANCELLATIONS = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

export class DynamoInboundStore implements Pick<InboundPorts, 'lookupRoutes' | 'loadInboxContext' | 'loadParticipation' | 'loadRoutingContext' | 'nextTurn' | 'commit' | 'finishCommit'> {
  /**
   * Conversations merged into others, learnt from cancelled commits: a thread index entry the merge did not
   * rewrite (a Thread-Index root, a reference it could not see) still names the source, and the retry's
   * context names the target instead — a later reply to either thread lands in the target.
   */
  private readonly merged = new Map<string, string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: InboundTables,
  ) {}

  /** Where a conversation lives now: itself, or the end of its merges. */
  private current(conversationId: string): string {
    let id = conversationId;
    for (let hop = 0; hop < MAX_MERGE_HOPS && this.merged.has(id); hop++) id = this.merged.get(id)!;
    return id;
  }

  private rememberMerge(merge: { from: string; into: string }): void {
    if (this.merged.size >= MAX_REMEMBERED_MERGES) this.merged.delete(this.merged.keys().next().value!);
    this.merged.set(merge.from, merge.into);
  }

  async lookupRoutes(addresses: readonly string[], receiptKey: string) {
    const addressKeys = addresses.map((address) => keys.address(address));
    // The receipts (one per inbox reached, or the object's own) share the object's partition: one Query,
    // sent alongside the route reads.
    const [found, receipts] = await Promise.all([
      batchGet(this.client, { [this.tables.inboxes]: addressKeys }),
      this.client.send(
        new QueryCommand({
          TableName: this.tables.conversations,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.receipt(receiptKey).pk },
          ConsistentRead: true,
        }),
      ),
    ]);
    const routes = new Map<string, InboxRoute>();
    for (const [index, key] of addressKeys.entries()) {
      const item = found.get(this.tables.inboxes)!.get(keyString(key));
      if (item) routes.set(addresses[index], { inboxId: String(item.inboxId), accountId: String(item.accountId), address: addresses[index] });
    }
    const records = (receipts.Items ?? []).map((item) => ({ ...item, inboxId: item.sk === 'RECEIPT' ? undefined : item.inboxId }) as unknown as ReceiptRecord);
    return { receipts: records, routes };
  }

  /** Whether the raw object has any receipt (its own, or one of an inbox). */
  async hasReceipt(receiptKey: string): Promise<boolean> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tables.conversations,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.receipt(receiptKey).pk },
        ProjectionExpression: 'pk',
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return !!Items?.length;
  }

  /**
   * Read with the conversations themselves: the participants of a merged one moved to where it was merged,
   * so for it those are read (one more round trip, only then) and the merge is remembered for the retry.
   */
  async loadParticipation(conversationIds: readonly string[], emails: readonly string[]): Promise<ReadonlySet<string>> {
    const participating = new Set<string>();
    const asked = new Map(conversationIds.map((conversationId) => [conversationId, conversationId]));
    for (let hop = 0; asked.size && hop < MAX_MERGE_HOPS; hop++) {
      const wanted = [...asked].flatMap(([conversationId, current]) => emails.map((email) => ({ conversationId, key: keys.participant(current, email) })));
      const conversationKeys = [...asked.values()].map((current) => keys.conversation(current));
      const found = (await batchGet(this.client, { [this.tables.conversations]: [...wanted.map(({ key }) => key), ...conversationKeys] })).get(this.tables.conversations)!;
      for (const { conversationId, key } of wanted) if (found.has(keyString(key))) participating.add(conversationId);
      for (const [conversationId, current] of [...asked]) {
        const mergedInto = found.get(keyString(keys.conversation(current)))?.mergedInto;
        if (typeof mergedInto === 'string' && !participating.has(conversationId)) {
          this.rememberMerge({ from: current, into: mergedInto });
          asked.set(conversationId, mergedInto);
        } else asked.delete(conversationId);
      }
    }
    return participating;
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
      if (item) {
        entries.set(request.threadIds[index], {
          conversationId: this.current(String(item.conversationId)),
          storedMessageId: item.storedMessageId as string | undefined,
          sender: item.sender as string | undefined,
          bodySha256: item.bodySha256 as string | undefined,
            outbound: item.direction === 'outbound' || undefined,
        });
      }
    }
    const tokenConversation = tokenKey ? conversations.get(keyString(tokenKey)) : undefined;
    return {
      inbox: inbox && {
        inboxId,
        accountId,
        address: request.route.address,
        teamAddresses: (inbox.teamAddresses as string[] | undefined) ?? [],
        trustedForwarders: (inbox.trustedForwarders as string[] | undefined) ?? [],
        membersTrusted: inbox.membersTrusted !== false,
        name: String(inbox.name ?? ''),
        assignment: (inbox.assignment as InboxProfile['assignment'] | undefined) ?? { mode: 'off' },
        tickets: (inbox.tickets as InboxProfile['tickets'] | undefined) ?? { enabled: false },
      },
      memberEmails: new Set(memberKey && inboxes.has(keyString(memberKey)) ? [request.forwarder!] : []),
      thread: {
        // A token of a merged conversation names the conversation it was merged into.
        replyTokenConversationId: tokenConversation?.inboxId === inboxId ? this.current(String(tokenConversation.mergedInto ?? tokenConversation.conversationId)) : undefined,
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
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: inboundItems(plan, this.tables) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const refused = reasons.find((reason) => PERMANENT_CANCELLATIONS.has(reason.Code ?? ''));
      if (refused) throw new PermanentStoreError(`DynamoDB refused the transaction: ${refused.Code}: ${refused.Message ?? ''}`, { cause: error });
      // Item 0 is always the receipt: if it exists, this raw object was already processed.
      const alreadyProcessed = reasons[0]?.Code === 'ConditionalCheckFailed';
      const detail = reasons.map((reason, index) => `${index}:${reason.Code ?? 'None'}`).join(' ');
      // Item 2 of a stored message is its conversation: a closed one hands back its assignee to reopen it, a
      // merged one where it went (the retry's context follows it).
      const conversation = plan.outcome === 'stored' ? (reasons[2] as Parameters<typeof closedConversationIn>[0]) : undefined;
      const merge = mergedConversationIn(conversation);
      if (merge) this.rememberMerge(merge);
      throw new CommitConflict(alreadyProcessed, detail, merge ? undefined : closedConversationIn(conversation));
    }
    // If this fails the error surfaces; the redelivery finds the receipt still owing the count (finishCommit).
    const pending = pendingOpenCountOf(plan);
    if (pending) await this.raiseOpenCount(pending);
  }

  async finishCommit(receiptKey: string, receipt: ReceiptRecord): Promise<void> {
    if (!receipt.pendingOpenCount || !receipt.inboxId || !receipt.accountId) return;
    await this.raiseOpenCount({ receiptKey, inboxId: receipt.inboxId, accountId: receipt.accountId, assigneeId: receipt.pendingOpenCount });
  }

  /** The count and the receipt's marker change together: raised once, whoever gets there first. */
  private async raiseOpenCount(pending: PendingOpenCount): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: openCountItems(pending, this.tables) }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [user, receipt] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (receipt === 'ConditionalCheckFailed') return; // raised already: this is a retry of a lost answer
        if (user === 'ConditionalCheckFailed') {
          // The assignee was deleted meanwhile: no count to raise, nothing owed.
          await this.client.send(new TransactWriteCommand({ TransactItems: [pendingOpenCountCleared(pending, this.tables)] })).catch((cleared) => {
            if (!(cleared instanceof TransactionCanceledException)) throw cleared;
          });
          return;
        }
        if (attempt >= OPEN_COUNT_ATTEMPTS || ![user, receipt].includes('TransactionConflict')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt * (1 + Math.random())));
      }
    }
  }
}
