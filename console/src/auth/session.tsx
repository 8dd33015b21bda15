/** Who is signed in: the bearer token (kept for this browser tab only), the API client using it, and the caller. */
import { createContext, ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Api, createApi, Schemas, unwrap } from '../api/client';
import type { RuntimeConfig } from '../config';

const TOKEN_KEY = 'hosted-inbox.token';

interface Session {
  readonly config: RuntimeConfig;
  readonly api: Api;
  readonly token: string | undefined;
  signIn(token: string): void;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ config, children }: { config: RuntimeConfig; children: ReactNode }) {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? undefined);
  const queryClient = useQueryClient();
  const api = useMemo(() => createApi(config.apiUrl, () => sessionStorage.getItem(TOKEN_KEY) ?? undefined), [config.apiUrl]);
  const signIn = useCallback((next: string) => {
    sessionStorage.setItem(TOKEN_KEY, next);
    queryClient.clear();
    setToken(next);
  }, [queryClient]);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    queryClient.clear();
    setToken(undefined);
  }, [queryClient]);
  const session = useMemo(() => ({ config, api, token, signIn, signOut }), [config, api, token, signIn, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const useApi = () => useSession().api;

/** The signed-in user and their account (GET /me). */
export function useMe() {
  const { api, token } = useSession();
  return useQuery<Schemas['Me']>({ queryKey: ['me', token], queryFn: () => unwrap(api.GET('/me')), enabled: Boolean(token) });
}
