/** Local sign-in: pick a seeded user, or name one; the local API's token route signs a token for them. */
import { useState } from 'react';
import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { LocalUser } from '../config';
import { useSession } from './session';

export function SignIn() {
  const { config, signIn } = useSession();
  const [email, setEmail] = useState('');
  const [accountId, setAccountId] = useState('');
  const mint = useMutation({
    mutationFn: async (user: Pick<LocalUser, 'email' | 'accountId'>) => {
      if (config.auth.kind !== 'local') throw new Error('not local');
      const query = new URLSearchParams({ email: user.email, ...(user.accountId ? { account: user.accountId } : {}) });
      const response = await fetch(`${config.apiUrl}${config.auth.tokenPath}?${query}`);
      const body = (await response.json()) as { token?: string; message?: string };
      if (!response.ok || !body.token) throw new Error(body.message ?? `The token route answered ${response.status}`);
      return body.token;
    },
    onSuccess: signIn,
  });

  if (config.auth.kind !== 'local') {
    return (
      <Center h="100vh">
        <Alert color="yellow" title="Sign-in with Cognito is not built yet">
          This console signs in only against the local API (<code>npm start</code>) for now.
        </Alert>
      </Center>
    );
  }
  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder p="xl" w={440}>
        <Stack>
          <Title order={1} size="h2">Sign in to hosted-inbox</Title>
          <Text c="dimmed" size="sm">Local stack: pick a user; the local API signs a token for them.</Text>
          {config.auth.users.map((user) => (
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
