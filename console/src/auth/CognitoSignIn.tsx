/**
 * Sign-in in AWS: email and password against the deployed user pool, then — at the first sign-in with the
 * temporary password from the invitation mail — a new password of the pool's policy.
 */
import { useState } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { CognitoAuth, SignInStep } from './cognito';
import { useSession } from './session';

/** The user pool's policy (lib/inbox-api.ts, InboxUserPool). */
const PASSWORD_POLICY = 'At least 12 characters, with upper and lower case letters, a digit and a symbol.';

type NewPasswordStep = Extract<SignInStep, { kind: 'newPasswordRequired' }>;

export function CognitoSignIn({ cognito }: { cognito: CognitoAuth }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [challenge, setChallenge] = useState<NewPasswordStep>();
  const [newPassword, setNewPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const mismatch = confirmation !== '' && confirmation !== newPassword ? 'The two passwords differ' : undefined;

  const onStep = (step: SignInStep) => {
    if (step.kind === 'signedIn') signIn(step.tokens.idToken);
    else setChallenge(step);
  };
  const start = useMutation({ mutationFn: () => cognito.signIn(email, password), onSuccess: onStep });
  const change = useMutation({ mutationFn: () => challenge!.completeNewPassword(newPassword), onSuccess: onStep });

  return (
    <Center component="main" mih="100vh" p="md">
      <Paper withBorder p="xl" w={440}>
        {challenge ? (
          <form onSubmit={(event) => { event.preventDefault(); if (!mismatch) change.mutate(); }}>
            <Stack>
              <Title order={1} size="h2">Choose a new password</Title>
              <Text c="dimmed" size="sm">This is your first sign-in with the temporary password you were sent: choose your own. {PASSWORD_POLICY}</Text>
              <PasswordInput label="New password" autoComplete="new-password" value={newPassword} onChange={(event) => setNewPassword(event.currentTarget.value)} required />
              <PasswordInput label="New password, again" autoComplete="new-password" value={confirmation} onChange={(event) => setConfirmation(event.currentTarget.value)} error={mismatch} required />
              <Button type="submit" loading={change.isPending}>Set password and sign in</Button>
              {change.error && <Alert color="red" role="alert">{change.error.message}</Alert>}
            </Stack>
          </form>
        ) : (
          <form onSubmit={(event) => { event.preventDefault(); start.mutate(); }}>
            <Stack>
              <Title order={1} size="h2">Sign in to hosted-inbox</Title>
              <TextInput label="Email" type="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.currentTarget.value)} required />
              <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} required />
              <Button type="submit" loading={start.isPending}>Sign in</Button>
              {start.error && <Alert color="red" role="alert">{start.error.message}</Alert>}
            </Stack>
          </form>
        )}
      </Paper>
    </Center>
  );
}
