/** Settings → Users (admins): who is in the account, their availability and capacity; add a user. */
import { useState } from 'react';
import { Alert, Badge, Button, Group, NumberInput, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, unwrap } from '../api/client';
import { keys, useUsers } from '../api/queries';
import { useApi } from '../auth/session';

export function Users() {
  const api = useApi();
  const queryClient = useQueryClient();
  const users = useUsers();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [capacity, setCapacity] = useState<number | string>('');
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/users', { body: { email: email.trim(), name: name.trim(), ...(typeof capacity === 'number' ? { capacity } : {}) } })),
    onSuccess: () => {
      setEmail('');
      setName('');
      setCapacity('');
      return queryClient.invalidateQueries({ queryKey: keys.users });
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">Users</Title>
      <Table striped>
        <Table.Thead><Table.Tr><Table.Th>Name</Table.Th><Table.Th>Email</Table.Th><Table.Th>Role</Table.Th><Table.Th>Availability</Table.Th><Table.Th>Capacity</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {users.data?.map((user) => (
            <Table.Tr key={user.userId}>
              <Table.Td>{user.name}</Table.Td><Table.Td>{user.email}</Table.Td><Table.Td>{user.role}</Table.Td>
              <Table.Td><Badge color={user.availability === 'available' ? 'green' : 'gray'} variant="light">{user.availability}</Badge></Table.Td>
              <Table.Td>{user.capacity ?? 'no limit'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Title order={2} size="h4">Add a user</Title>
      <form onSubmit={(event) => { event.preventDefault(); add.mutate(); }}>
        <Group align="flex-start">
          <TextInput label="Email" type="email" value={email} onChange={(event) => setEmail(event.currentTarget.value)} required error={fieldError(add.error, 'email')} />
          <TextInput label="Name" value={name} onChange={(event) => setName(event.currentTarget.value)} required error={fieldError(add.error, 'name')} />
          <NumberInput label="Capacity" description="Empty: no limit" min={0} value={capacity} onChange={setCapacity} error={fieldError(add.error, 'capacity')} />
          <Button type="submit" mt={24} loading={add.isPending}>Add user</Button>
        </Group>
      </form>
      {generalError(add.error, ['email', 'name', 'capacity']) && <Alert color="red" role="alert">{generalError(add.error, ['email', 'name', 'capacity'])}</Alert>}
    </Stack>
  );
}
