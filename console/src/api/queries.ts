/** The reads every page shares (TanStack Query caches and refreshes them). */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../auth/session';
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
