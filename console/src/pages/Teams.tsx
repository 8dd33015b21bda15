/** Settings → Teams (admins): teams and their members; add a team or change its members. */
import { useState } from 'react';
import { Alert, Button, Group, MultiSelect, Stack, Table, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { fieldError, generalError, Team, unwrap } from '../api/client';
import { keys, useTeams, useUsers } from '../api/queries';
import { useApi } from '../auth/session';

export function Teams() {
  const api = useApi();
  const queryClient = useQueryClient();
  const teams = useTeams();
  const users = useUsers();
  const [name, setName] = useState('');
  const [memberIds, setMemberIds] = useState<string[]>([]);
  const userOptions = (users.data ?? []).map((user) => ({ value: user.userId, label: user.name }));
  const add = useMutation({
    mutationFn: () => unwrap(api.POST('/teams', { body: { name: name.trim(), memberIds } })),
    onSuccess: () => {
      setName('');
      setMemberIds([]);
      return queryClient.invalidateQueries({ queryKey: keys.teams });
    },
  });
  return (
    <Stack>
      <Title order={1} size="h2">Teams</Title>
      <Table>
        <Table.Thead><Table.Tr><Table.Th>Team</Table.Th><Table.Th>Members</Table.Th></Table.Tr></Table.Thead>
        <Table.Tbody>
          {teams.data?.map((team) => <TeamRow key={team.teamId} team={team} userOptions={userOptions} />)}
        </Table.Tbody>
      </Table>
      <Title order={2} size="h4">Add a team</Title>
      <form onSubmit={(event) => { event.preventDefault(); add.mutate(); }}>
        <Group align="flex-start">
          <TextInput label="Team name" value={name} onChange={(event) => setName(event.currentTarget.value)} required error={fieldError(add.error, 'name')} />
          <MultiSelect label="Members" data={userOptions} value={memberIds} onChange={setMemberIds} searchable miw={260} error={fieldError(add.error, 'memberIds')} />
          <Button type="submit" mt={24} loading={add.isPending}>Add team</Button>
        </Group>
      </form>
      {generalError(add.error, ['name', 'memberIds']) && <Alert color="red" role="alert">{generalError(add.error, ['name', 'memberIds'])}</Alert>}
    </Stack>
  );
}

function TeamRow({ team, userOptions }: { team: Team; userOptions: { value: string; label: string }[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (memberIds: string[]) => unwrap(api.PATCH('/teams/{teamId}', { params: { path: { teamId: team.teamId } }, body: { memberIds } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.teams }),
  });
  return (
    <Table.Tr>
      <Table.Td>{team.name}</Table.Td>
      <Table.Td>
        <MultiSelect aria-label={`Members of ${team.name}`} data={userOptions} value={team.memberIds} onChange={(memberIds) => change.mutate(memberIds)} searchable
          error={fieldError(change.error, 'memberIds') ?? generalError(change.error, ['memberIds'])} />
      </Table.Td>
    </Table.Tr>
  );
}
