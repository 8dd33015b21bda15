/**
 * Sign-in as the runtime config says: in AWS, the Cognito user pool (CognitoSignIn) or an OIDC issuer
 * (OidcSignIn); locally, pick a seeded user, or name one, and the local API's token route signs a token for them.
 */
import { useState } from 'react';
import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { AuthConfig, LocalUser } from '../config';
import { CognitoSignIn } from './CognitoSignIn';
import { OidcSignIn } from './OidcSignIn';
import { useSession } from './session';

export function SignIn() {
  const { config, cognito, oidc } = useSession();
  // The session makes `cognito` and `oidc` exactly when the config's sign-in is theirs.
  switch (config.auth.kind) {
    case 'local': return <LocalSignIn auth={config.auth} />;
    case 'cognito': return <CognitoSignIn cognito={cognito!} />;
    case 'oidc': return <OidcSignIn oidc={oidc!} issuerName={config.auth.name} />;
  }
}

function LocalSignIn({ auth }: { auth: Extract<AuthConfig, { kind: 'local' }> }) {
  const { config, signIn } = useSession();
  const [email, setEmail] = useState('');
  const [accountId, setAccountId] = useState('');
  const mint = useMutation({
    mutationFn: async (user: Pick<LocalUser, 'email' | 'accountId'>) => {
      const query = new URLSearchParams({ email: user.email, ...(user.accountId ? { account: user.accountId } : {}) });
      const response = await fetch(`${config.apiUrl}${auth.tokenPath}?${query}`);
      const body = (await response.json()) as { token?: string; message?: string };
      if (!response.ok || !body.token) throw new Error(body.message ?? `The token route answered ${response.status}`);
      return body.token;
    },
    onSuccess: signIn,
  });

  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder p="xl" w={440}>
        <Stack>
          <Title order={1} size="h2">Sign in to hosted-inbox</Title>
          <Text c="dimmed" size="sm">Local stack: pick a user; the local API signs a token for them.</Text>
          {auth.users.map((user) => (
            <Button key={`${user.accountId ?? ''}/${user.email}`} variant="light" justify="space-between" loading={mint.isPending && mint.variables?.email === user.email} onClick={() => mint.mutate(user)}>
              Sign in as {user.name} ({user.email})
            </Button>
          ))}
          <form onSubmit={(event) => { event.preventDefault(); mint.mutate({ email, accountId: accountId || undefined }); }}>
            <Stack gap="xs">
              <TextInput label="Another user's email" type="email" value={email} onChange={(event) => setEmail(event.currentTarget.value)} required />
              <TextInput label="Account id" description="Empty: the demo account" value={accountId} onChange={(event) => setAccountId(event.currentTarget.value)} />
              <Button type="submit" variant="default">Sign in</Button>
            </Stack>
          </form>
          {mint.error && <Alert color="red" role="alert">{mint.error.message}</Alert>}
        </Stack>
      </Paper>
    </Center>
  );
}
