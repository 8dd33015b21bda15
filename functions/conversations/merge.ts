/**
 * Merging two conversations of one inbox. First, in one transaction, the source becomes a pointer to the
 * target: it leaves every view (its counts and its assignee's open count go with it), its ticket is linked
 * to the target's, who merged and when are recorded, and from then on the inbound chain sends its mail to
 * the target. Then its messages, notes and participants move to the target in small transactions, each
 * moving items and counts together, so a failure midway loses nothing: what is not moved yet is still in the
 * source, and the same request again (idempotent) moves the rest. One request moves at most
 * MAX_MOVES_PER_REQUEST items and answers `complete: false` when more remain. Every move requires the target
 * to be no pointer itself; a target merged into another meanwhile hands the rest on to that one.
 */
import { Conflict, NotFound, ValidationFailed } from '../commons/errors';
import type { Conversation, ConversationSummary, MergeRecord } from './model';
import { summaryOf } from './model';
import { ChangedMeanwhile } from './ports';
import type { MergeInput } from './schemas';
import type { Caller } from './use-cases';

/** Items (messages, notes, participants) moved per transaction: well inside DynamoDB's 100 items and 4 MB. */
export const MERGE_BATCH = 10;
/** Items one request moves at most (bounded time); the same request again continues. */
export const MAX_MOVES_PER_REQUEST = 300;
/** Pointers a resume follows from the target it was asked for to the conversation that now holds its items. */
export const MAX_MERGE_HOPS = 8;

export interface MergeStore {
  /** The conversation if it is the account's (read strongly consistent). */
  conversation(accountId: string, conversationId: string): Promise<Conversation | undefined>;
  /** Both conversations if they are the account's (read strongly consistent). */
  pair(accountId: string, sourceId: string, targetId: string): Promise<{ source?: Conversation; target?: Conversation }>;
  /** The pointer transaction, conditional on both being as read; ChangedMeanwhile otherwise. */
  markMerged(source: Conversation, target: Conversation, record: MergeRecord): Promise<void>;
  /**
   * Moves up to `limit` items of the source to the target; answers how many it moved (0: none left).
   * ChangedMeanwhile when another request moved some first, or the target was merged meanwhile.
   */
  moveBatch(source: Conversation, target: Conversation, limit: number): Promise<number>;
}

export interface MergeContext {
  readonly merges: MergeStore;
  readonly now: () => Date;
}

export interface MergeResult {
  readonly conversationId: string;
  readonly mergedInto: string;
  readonly merge: MergeRecord;
  /** False when the source still holds items (more than one request moves): send the same request again. */
  readonly complete: boolean;
  /** Where the items are: the target, or the conversation it was merged into since (see `holder`). */
  readonly target: ConversationSummary;
}

const ATTEMPTS = 6;

async function mergedPair(context: MergeContext, caller: Caller, sourceId: string, targetId: string, attempt = 1): Promise<{ source: Conversation; target: Conversation }> {
  const { source, target } = await context.merges.pair(caller.accountId, sourceId, targetId);
  // Unknown and another account's look the same, for either side.
  if (!source || !target) throw new NotFound('conversation');
  if (source.inboxId !== target.inboxId) throw ValidationFailed.field('intoConversationId', 'different_inbox', 'conversations merge only within one inbox');
  if (source.mergedInto) {
    if (source.mergedInto !== targetId) throw new Conflict('already_merged', `the conversation was merged into ${source.mergedInto}`);
    return { source, target: await holder(context, caller, target) };
  }
  if (target.mergedInto) throw new Conflict('target_merged', `${targetId} was merged into ${target.mergedInto}: merge into that one`);
  const record: MergeRecord = { into: targetId, by: caller.userId, at: context.now().toISOString() };
  try {
    await context.merges.markMerged(source, target, record);
  } catch (error) {
    if (!(error instanceof ChangedMeanwhile)) throw error;
    if (attempt >= ATTEMPTS) throw new Conflict('changed_meanwhile', 'the conversations kept changing meanwhile: try again');
    return mergedPair(context, caller, sourceId, targetId, attempt + 1);
  }
  return { source: { ...source, mergedInto: targetId, merge: record }, target };
}

/**
 * Where a merged source's items go: its target, or — when the target was itself merged while the source's
 * items were still moving — the conversation at the end of the target's pointers, which holds the target's
 * items (moving them into a pointer would take them out of every view).
 */
async function holder(context: MergeContext, caller: Caller, target: Conversation): Promise<Conversation> {
  let current = target;
  for (let hops = 0; current.mergedInto; hops++) {
    const next = hops < MAX_MERGE_HOPS ? await context.merges.conversation(caller.accountId, current.mergedInto) : undefined;
    if (!next) throw new Conflict('target_merged', `${target.conversationId} was merged into ${current.mergedInto}, which cannot be followed`);
    current = next;
  }
  return current;
}

/** `POST /conversations/{conversationId}/merge`: the same request again resumes or answers the same merge. */
export async function mergeConversation(context: MergeContext, caller: Caller, sourceId: string, input: MergeInput): Promise<MergeResult> {
  if (input.intoConversationId === sourceId) throw ValidationFailed.field('intoConversationId', 'same_conversation', 'a conversation cannot be merged into itself');
  const pair = await mergedPair(context, caller, sourceId, input.intoConversationId);
  const source = pair.source;
  let target = pair.target;
  let moved = 0;
  let complete = false;
  let races = 0;
  while (moved < MAX_MOVES_PER_REQUEST) {
    let batch: number;
    try {
      batch = await context.merges.moveBatch(source, target, Math.min(MERGE_BATCH, MAX_MOVES_PER_REQUEST - moved));
    } catch (error) {
      // A concurrent request moved some of the same items first (it made progress), or the target was merged
      // meanwhile (its items now move on, and so do the rest of these): read what is left and go on.
      if (!(error instanceof ChangedMeanwhile) || ++races >= ATTEMPTS) throw error instanceof ChangedMeanwhile ? new Conflict('changed_meanwhile', 'another merge of this conversation is moving it: try again') : error;
      target = await holder(context, caller, (await context.merges.conversation(caller.accountId, target.conversationId)) ?? target);
      continue;
    }
    if (!batch) {
      complete = true;
      break;
    }
    moved += batch;
    races = 0;
  }
  const now = (await context.merges.conversation(caller.accountId, target.conversationId)) ?? target;
  return { conversationId: sourceId, mergedInto: source.mergedInto!, merge: source.merge!, complete, target: summaryOf(now) };
}
