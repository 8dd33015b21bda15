/** Auto-assignment: off, specific users and teams (round robin), or the contact owner with a fallback. */
import { forwardRef, useImperativeHandle, useState } from 'react';
import { Alert, MultiSelect, Stack } from '@mantine/core';
import { fieldError, generalError, Inbox, unwrap } from '../api/client';
import { useTeams, useUsers } from '../api/queries';
import { useApi } from '../auth/session';
import { Choices } from '../ui/Choices';
import type { StepHandle } from './steps';
import { useSaveInbox } from './useSaveInbox';

type Mode = Inbox['assignment']['mode'];
interface Picked { userIds: string[]; teamIds: string[] }

function initialPicks(assignment: Inbox['assignment']): Picked {
  if (assignment.mode === 'specific') return { userIds: assignment.userIds, teamIds: assignment.teamIds };
  if (assignment.mode === 'contact-owner') return assignment.fallback;
  return { userIds: [], teamIds: [] };
}

export const AssignmentStep = forwardRef<StepHandle, { inbox: Inbox }>(function AssignmentStep({ inbox }, ref) {
  const api = useApi();
  const users = useUsers();
  const teams = useTeams();
  const [mode, setMode] = useState<Mode>(inbox.assignment.mode);
  const [picked, setPicked] = useState<Picked>(() => initialPicks(inbox.assignment));
  const save = useSaveInbox(inbox.inboxId, () => {
    const body = mode === 'off' ? { mode } : mode === 'specific' ? { mode, ...picked } : { mode, fallback: picked };
    return unwrap(api.PUT('/inboxes/{inboxId}/assignment', { params: { path: { inboxId: inbox.inboxId } }, body }));
  });
  useImperativeHandle(ref, () => ({ save: () => save.mutateAsync().then(() => undefined) }));

  const prefix = mode === 'contact-owner' ? 'fallback.' : '';
  const userOptions = (users.data ?? []).map((user) => ({ value: user.userId, label: `${user.name} (${user.email})` }));
  const teamOptions = (teams.data ?? []).map((team) => ({ value: team.teamId, label: team.name }));
  return (
    <Stack maw={640}>
      <Choices label="Auto-assign new conversations" value={mode} onChange={setMode} choices={[
        { value: 'off', label: 'Off: conversations stay unassigned' },
        { value: 'specific', label: 'Specific users and teams (in turn, to whoever is available)' },
        { value: 'contact-owner', label: 'Contact owner' },
      ]} />
      {mode !== 'off' && (
        <>
          <MultiSelect label={mode === 'specific' ? 'Users' : 'Fallback users (when the contact has no owner, or the owner is away)'} data={userOptions} value={picked.userIds} onChange={(userIds) => setPicked({ ...picked, userIds })} searchable error={fieldError(save.error, `${prefix}userIds`)} />
          <MultiSelect label={mode === 'specific' ? 'Teams' : 'Fallback teams'} data={teamOptions} value={picked.teamIds} onChange={(teamIds) => setPicked({ ...picked, teamIds })} searchable error={fieldError(save.error, `${prefix}teamIds`)} />
        </>
      )}
      {generalError(save.error, ['userIds', 'teamIds', 'fallback']) && <Alert color="red" role="alert">{generalError(save.error, ['userIds', 'teamIds', 'fallback'])}</Alert>}
    </Stack>
  );
});
