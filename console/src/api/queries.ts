/** The reads every page shares (TanStack Query caches and refreshes them). */
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApi, useSession } from '../auth/session';
import { unwrap } from './client';

export const keys = {
  users: ['users'] as const,
  teams: ['teams'] as const,
  pipelines: ['pipelines'] as const,
  channels: ['channels'] as const,
  inboxes: ['inboxes'] as const,
  inbox: (inboxId: string) => ['inboxes', inboxId] as const,
};

export function useUsers() {
  const api = useApi();
  return useQuery({ queryKey: keys.users, queryFn: async () => (await unwrap(api.GET('/users'))).users });
}

export function useTeams() {
  const api = useApi();
  return useQuery({ queryKey: keys.teams, queryFn: async () => (await unwrap(api.GET('/teams'))).teams });
}

export function usePipelines() {
  const api = useApi();
  return useQuery({ queryKey: keys.pipelines, queryFn: async () => (await unwrap(api.GET('/pipelines'))).pipelines });
}

export function useInboxes() {
  const api = useApi();
  return useQuery({ queryKey: keys.inboxes, queryFn: async () => (await unwrap(api.GET('/inboxes'))).inboxes });
}

/** One inbox; polled while `poll` holds (e.g. a sender address waiting for its verification link). */
export function useInbox(inboxId: string | undefined, poll = false) {
  const api = useApi();
  return useQuery({
    queryKey: keys.inbox(inboxId ?? ''),
    queryFn: () => unwrap(api.GET('/inboxes/{inboxId}', { params: { path: { inboxId: inboxId! } } })),
    enabled: Boolean(inboxId),
    refetchInterval: poll ? 2000 : false,
  });
}

/** Connected inboxes; polled so a Gmail confirmation code shows up without a reload. */
export function useChannels() {
  const api = useApi();
  return useQuery({ queryKey: keys.channels, queryFn: async () => (await unwrap(api.GET('/channels'))).channels, refetchInterval: 5000 });
}

/** How often the inbox views, counts and the open conversation are read again, so new mail shows up by itself. */
export const POLL_MS = 4000;
/** Conversations per page of a view ("Load more" reads the next). */
export const PAGE_SIZE = 20;

export const inboxKeys = {
  all: ['inbox-work'] as const,
  counts: (inboxId: string) => ['inbox-work', 'counts', inboxId] as const,
  view: (inboxId: string, view: string) => ['inbox-work', 'view', inboxId, view] as const,
  mine: ['inbox-work', 'mine'] as const,
  conversation: (conversationId: string) => ['inbox-work', 'conversation', conversationId] as const,
  quarantine: (inboxId: string) => ['inbox-work', 'quarantine', inboxId] as const,
  failed: (inboxId: string) => ['inbox-work', 'failed', inboxId] as const,
  health: (inboxId: string) => ['inbox-work', 'health', inboxId] as const,
  contact: (contactId: string) => ['contacts', contactId] as const,
  contactConversations: (contactId: string) => ['contacts', contactId, 'conversations'] as const,
  ticket: (ticketId: string) => ['tickets', ticketId] as const,
};

/** The caller, polled: `openAssigned` is the count of "Assigned to me" (the same query and cache as `useMe`). */
export function useMePolled() {
  const { api, token } = useSession();
  return useQuery({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/me')), enabled: Boolean(token), refetchInterval: POLL_MS });
}

export type InboxViewName = 'unassigned' | 'open' | 'closed';

/** How many conversations each of an inbox's views holds. */
export function useConversationCounts(inboxId: string) {
  const api = useApi();
  return useQuery({
    queryKey: inboxKeys.counts(inboxId),
    queryFn: () => unwrap(api.GET('/inboxes/{inboxId}/conversation-counts', { params: { path: { inboxId } } })),
    refetchInterval: POLL_MS,
  });
}

/** A listing read a page at a time by its opaque cursor; while polling, every loaded page is read again. */
function usePaged<Page extends { cursor?: string }>(queryKey: readonly unknown[], read: (cursor: string | undefined) => Promise<Page>, refetchInterval: number | false = POLL_MS) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => read(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.cursor,
    refetchInterval,
  });
}

export function useInboxView(inboxId: string, view: InboxViewName) {
  const api = useApi();
  return usePaged(inboxKeys.view(inboxId, view), (cursor) =>
    unwrap(api.GET('/inboxes/{inboxId}/conversations', { params: { path: { inboxId }, query: { view, limit: PAGE_SIZE, cursor } } })),
  );
}

/** Open conversations assigned to the caller across the account's inboxes. */
export function useMyConversations() {
  const api = useApi();
  return usePaged(inboxKeys.mine, (cursor) => unwrap(api.GET('/conversations', { params: { query: { view: 'mine', limit: PAGE_SIZE, cursor } } })));
}

/** A conversation with its messages and notes; remote images in their HTML stay blocked unless `remoteImages`. */
export function useConversation(conversationId: string, remoteImages = false) {
  const api = useApi();
  const images = remoteImages ? 'remote' : 'blocked';
  return useQuery({
    queryKey: [...inboxKeys.conversation(conversationId), images],
    queryFn: () => unwrap(api.GET('/conversations/{conversationId}', { params: { path: { conversationId }, query: { images } } })),
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
  });
}

export function useContact(contactId: string) {
  const api = useApi();
  return useQuery({ queryKey: inboxKeys.contact(contactId), queryFn: () => unwrap(api.GET('/contacts/{contactId}', { params: { path: { contactId } } })) });
}

/** A contact's conversations, newest first, a page at a time. */
export function useContactConversations(contactId: string) {
  const api = useApi();
  return usePaged(
    inboxKeys.contactConversations(contactId),
    (cursor) => unwrap(api.GET('/contacts/{contactId}/conversations', { params: { path: { contactId }, query: { limit: 5, cursor } } })),
    false,
  );
}

export function useTicket(ticketId: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: inboxKeys.ticket(ticketId ?? ''),
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}', { params: { path: { ticketId: ticketId! } } })),
    enabled: Boolean(ticketId),
  });
}

/** An inbox's quarantined mail, newest first, a page at a time, polled like the views. */
export function useQuarantine(inboxId: string) {
  const api = useApi();
  return usePaged(inboxKeys.quarantine(inboxId), (cursor) =>
    unwrap(api.GET('/inboxes/{inboxId}/quarantine', { params: { path: { inboxId }, query: { limit: PAGE_SIZE, cursor } } })),
  );
}

/** Mail that failed for an inbox (admins only), newest first, a page at a time, polled like the quarantine. */
export function useFailedMail(inboxId: string) {
  const api = useApi();
  return usePaged(inboxKeys.failed(inboxId), (cursor) =>
    unwrap(api.GET('/inboxes/{inboxId}/failed', { params: { path: { inboxId }, query: { limit: PAGE_SIZE, cursor } } })),
  );
}

/** An inbox's health (last arrival, counts, authentication pass rates), polled like the channels. */
export function useInboxHealth(inboxId: string) {
  const api = useApi();
  return useQuery({
    queryKey: inboxKeys.health(inboxId),
    queryFn: () => unwrap(api.GET('/inboxes/{inboxId}/health', { params: { path: { inboxId } } })),
    refetchInterval: 5000,
  });
}
