/**
 * Sign-in with the configured OIDC issuer: a button that sends the browser to the issuer's own sign-in page,
 * and the callback route it comes back to (the code exchanged for tokens, then back to where the user was).
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { OIDC_CALLBACK } from '../runtime-config';
import type { OidcAuth } from './oidc';
import { useSession } from './session';

const HOME = import.meta.env.BASE_URL;

export function OidcSignIn({ oidc, issuerName }: { oidc: OidcAuth; issuerName: string }) {
  const { signIn } = useSession();
  const [atCallback, setAtCallback] = useState(() => window.location.pathname === `${HOME}${OIDC_CALLBACK}`);
  const [callbackError, setCallbackError] = useState<string>();
  const start = useMutation({ mutationFn: () => oidc.signIn(window.location.hash) });

  useEffect(() => {
    const url = window.location.href;
    if (!atCallback) {
      // Back from the issuer's sign-out (?state=…): drop that state, and the query from the address.
      if (new URLSearchParams(window.location.search).has('state')) {
        void oidc.completeSignOut(url).then(() => window.history.replaceState(null, '', `${HOME}${window.location.hash}`));
      }
      return;
    }
    let live = true;
    oidc.completeSignIn(url).then(
      ({ tokens, returnTo }) => {
        window.history.replaceState(null, '', `${HOME}${returnTo}`);
        signIn(tokens.idToken);
      },
      (error: Error) => {
        window.history.replaceState(null, '', HOME);
        if (!live) return;
        setAtCallback(false);
        setCallbackError(error.message);
      },
    );
    return () => {
      live = false;
    };
  }, [atCallback, oidc, signIn]);

  const error = start.error?.message ?? callbackError;
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder p="xl" w={440}>
        {atCallback ? (
          <Stack align="center">
            <Title order={1} size="h2">Signing in…</Title>
            <Loader aria-label="Signing in" />
          </Stack>
        ) : (
          <Stack>
            <Title order={1} size="h2">Sign in to hosted-inbox</Title>
            <Text c="dimmed" size="sm">Your team signs in with {issuerName}: you will go to its sign-in page and come back here.</Text>
            <Button loading={start.isPending} onClick={() => start.mutate()}>Sign in with {issuerName}</Button>
            {error && <Alert color="red" role="alert" title="Could not sign in">{error}</Alert>}
          </Stack>
        )}
      </Paper>
    </Center>
  );
}
