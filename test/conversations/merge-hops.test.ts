/**
 * A resumed merge whose target was merged on meanwhile follows the target's pointers to the conversation that
 * holds its items, at most MAX_MERGE_HOPS of them; past that, or when a pointer leads nowhere, it refuses
 * (409 target_merged) and moves nothing. The store is an in-memory one: these are the use case's decisions.
 */
import { Conflict } from '../../functions/commons/errors';
import { MAX_MERGE_HOPS, mergeConversation, MergeStore } from '../../functions/conversations/merge';
import type { Conversation, MergeRecord } from '../../functions/conversations/model';

const caller = { accountId: 'acct_1', userId: 'usr_1' };
const conversation = (conversationId: string, mergedInto?: string): Conversation => ({
  conversationId,
  accountId: caller.accountId,
  inboxId: 'inb_1',
  subject: conversationId,
  status: 'open',
  assigneeId: null,
  contactId: 'ct_1',
  contactEmail: 'jane@customer.example',
  createdAt: '2026-12-04T09:00:00.000Z',
  lastMessageAt: '2026-12-04T09:00:00.000Z',
  messageCount: 1,
  ...(mergedInto && { mergedInto, merge: { into: mergedInto, by: 'usr_2', at: '2026-12-04T10:00:00.000Z' } }),
});

/** `source` was merged into cv_0, which was merged on along a chain of `links` pointers; the source keeps `items` to move. */
function chainedStore(links: number, items: number, { broken = false } = {}) {
  const chain = Array.from({ length: links + 1 }, (_unused, index) => conversation(`cv_${index}`, index < links ? `cv_${index + 1}` : undefined));
  const found = new Map(chain.map((entry) => [entry.conversationId, entry]));
  if (broken) found.delete(`cv_${links}`);
  const source = conversation('cv_source', 'cv_0');
  found.set(source.conversationId, source);
  const movedInto: string[] = [];
  let left = items;
  const store: MergeStore = {
    conversation: async (_accountId, id) => found.get(id),
    pair: async (_accountId, sourceId, targetId) => ({ source: found.get(sourceId), target: found.get(targetId) }),
    markMerged: async (_source: Conversation, _target: Conversation, _record: MergeRecord) => {
      throw new Error('an already merged source is not merged again');
    },
    moveBatch: async (_source, target, limit) => {
      const batch = Math.min(limit, left);
      left -= batch;
      if (batch) movedInto.push(target.conversationId);
      return batch;
    },
  };
  return { store, movedInto };
}

const resume = (store: MergeStore) => mergeConversation({ merges: store, now: () => new Date('2026-12-04T11:00:00.000Z') }, caller, 'cv_source', { intoConversationId: 'cv_0' });

it(`follows up to ${MAX_MERGE_HOPS} pointers and moves the rest into the conversation at their end`, async () => {
  const { store, movedInto } = chainedStore(MAX_MERGE_HOPS, 15);
  const result = await resume(store);
  expect(result).toMatchObject({ conversationId: 'cv_source', mergedInto: 'cv_0', complete: true, target: { conversationId: `cv_${MAX_MERGE_HOPS}` } });
  expect(new Set(movedInto)).toEqual(new Set([`cv_${MAX_MERGE_HOPS}`]));
});

it('refuses a chain one pointer longer, and moves nothing', async () => {
  const { store, movedInto } = chainedStore(MAX_MERGE_HOPS + 1, 15);
  await expect(resume(store)).rejects.toMatchObject({ code: 'target_merged', status: 409, message: `cv_0 was merged into cv_${MAX_MERGE_HOPS + 1}, which cannot be followed` });
  expect(movedInto).toEqual([]);
});

it('refuses a pointer that leads nowhere (another account’s, or gone), and moves nothing', async () => {
  const { store, movedInto } = chainedStore(2, 15, { broken: true });
  await expect(resume(store)).rejects.toBeInstanceOf(Conflict);
  await expect(resume(store)).rejects.toMatchObject({ code: 'target_merged', status: 409 });
  expect(movedInto).toEqual([]);
});
