/**
 * Merging two conversations of one inbox. First, in one transaction, the source becomes a pointer to the
 * target: it leaves every view (its counts and its assignee's open count go with it), its ticket is linked
 * to the target's, who merged and when are recorded, and from then on the inbound chain sends its mail to
 * the target. Then its messages, notes and participants move to the target in small transactions, each
 * moving items and counts together, so a failure midway loses nothing: what is not moved yet is still in the
 * source, and the same request again (idempotent) moves the rest. One request moves at most
 * MAX_MOVES_PER_REQUEST items and answers `complete: false` when more remain.
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

export interface MergeStore {
  /** Both conversations if they are the account's (read strongly consistent). */
  pair(accountId: string, sourceId: string, targetId: string): Promise<{ source?: Conversation; target?: Conversation }>;
  /** The pointer transaction, conditional on both being as read; ChangedMeanwhile otherwise. */
  markMerged(source: Conversation, target: Conversation, record: MergeRecord): Promise<void>;
  /** Moves up to `limit` items of the source to the target; answers how many it moved (0: none left). */
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
    return { source, target };
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

/** `POST /conversations/{conversationId}/merge`: the same request again resumes or answers the same merge. */
export async function mergeConversation(context: MergeContext, caller: Caller, sourceId: string, input: MergeInput): Promise<MergeResult> {
  if (input.intoConversationId === sourceId) throw ValidationFailed.field('intoConversationId', 'same_conversation', 'a conversation cannot be merged into itself');
  const { source, target } = await mergedPair(context, caller, sourceId, input.intoConversationId);
  let moved = 0;
  let complete = false;
  let races = 0;
  while (moved < MAX_MOVES_PER_REQUEST) {
    let batch: number;
    try {
      batch = await context.merges.moveBatch(source, target, Math.min(MERGE_BATCH, MAX_MOVES_PER_REQUEST - moved));
    } catch (error) {
      // A concurrent request moved some of the same items first (it made progress): read what is left and go on.
      if (!(error instanceof ChangedMeanwhile) || ++races >= ATTEMPTS) throw error instanceof ChangedMeanwhile ? new Conflict('changed_meanwhile', 'another merge of this conversation is moving it: try again') : error;
      continue;
    }
    if (!batch) {
      complete = true;
      break;
    }
    moved += batch;
    races = 0;
  }
  const now = (await context.merges.pair(caller.accountId, sourceId, input.intoConversationId)).target ?? target;
  return { conversationId: sourceId, mergedInto: source.mergedInto!, merge: source.merge!, complete, target: summaryOf(now) };
}
