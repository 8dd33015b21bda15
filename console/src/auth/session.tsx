/**
 * Who is signed in: the bearer token (kept for this browser tab only), the API client using it, and the caller.
 * With Cognito or an OIDC issuer, the ID token is renewed before it expires (and at once after a reload, if it
 * already has).
 */
import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Api, createApi, Schemas, unwrap } from '../api/client';
import type { RuntimeConfig } from '../config';
import { OIDC_CALLBACK } from '../runtime-config';
import { CognitoAuth } from './cognito';
import { OidcAuth } from './oidc';
import { renewalTime } from './tokens';

const TOKEN_KEY = 'hosted-inbox.token';
/** Wait before trying again to renew a token when the issuer could not be reached. */
const RETRY_MS = 30_000;

interface Session {
  readonly config: RuntimeConfig;
  readonly api: Api;
  readonly token: string | undefined;
  /** Cognito sign-in, when the runtime config says so. */
  readonly cognito: CognitoAuth | undefined;
  /** Sign-in with an OIDC issuer, when the runtime config says so. */
  readonly oidc: OidcAuth | undefined;
  signIn(token: string): void;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ config, children }: { config: RuntimeConfig; children: ReactNode }) {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? undefined);
  const queryClient = useQueryClient();
  const api = useMemo(() => createApi(config.apiUrl, () => sessionStorage.getItem(TOKEN_KEY) ?? undefined), [config.apiUrl]);
  const { auth } = config;
  const cognito = useMemo(
    () => (auth.kind === 'cognito' ? new CognitoAuth({ userPoolId: auth.userPoolId, clientId: auth.clientId, endpoint: auth.endpoint, flow: auth.passwordFlow, storage: sessionStorage }) : undefined),
    [auth],
  );
  const oidc = useMemo(() => {
    if (auth.kind !== 'oidc') return undefined;
    const home = `${window.location.origin}${import.meta.env.BASE_URL}`;
    return new OidcAuth({ issuer: auth.issuer, clientId: auth.clientId, scope: auth.scope, redirectUri: `${home}${OIDC_CALLBACK}`, postLogoutRedirectUri: home, storage: sessionStorage });
  }, [auth]);
  const remote = cognito ?? oidc;
  const signIn = useCallback((next: string) => {
    sessionStorage.setItem(TOKEN_KEY, next);
    queryClient.clear();
    setToken(next);
  }, [queryClient]);
  const forget = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    queryClient.clear();
    setToken(undefined);
  }, [queryClient]);
  const signOut = useCallback(() => {
    forget();
    void remote?.signOut();
  }, [forget, remote]);
  useEffect(() => {
    if (!remote || !token) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const renew = async () => {
      let fresh;
      try {
        fresh = await remote.current();
      } catch {
        // The issuer unreachable: keep the token while it lasts and try again shortly.
        if (!stopped) timer = setTimeout(renew, RETRY_MS);
        return;
      }
      if (stopped) return;
      if (!fresh) return forget(); // the refresh token expired or was revoked: sign in again
      if (fresh.idToken !== sessionStorage.getItem(TOKEN_KEY)) {
        sessionStorage.setItem(TOKEN_KEY, fresh.idToken);
        setToken(fresh.idToken); // runs this effect again, which schedules the next renewal
        return;
      }
      timer = setTimeout(renew, Math.max(renewalTime(fresh) - Date.now(), 1000));
    };
    void renew();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [remote, token, forget]);
  const session = useMemo(() => ({ config, api, token, cognito, oidc, signIn, signOut }), [config, api, token, cognito, oidc, signIn, signOut]);
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
  // Not keyed by the token: a renewed token is the same user (signing in or out clears every query).
  return useQuery<Schemas['Me']>({ queryKey: ['me'], queryFn: () => unwrap(api.GET('/me')), enabled: Boolean(token) });
}
