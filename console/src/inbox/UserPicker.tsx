/** Pick one user of the account, or nobody (assignee, contact owner). */
import { Select } from '@mantine/core';
import { useUsers } from '../api/queries';

const NOBODY = 'nobody';

export function UserPicker(props: { label: string; nobody: string; value: string | null; onChange: (userId: string | null) => void; disabled?: boolean; error?: string }) {
  const users = useUsers();
  const choices = [{ value: NOBODY, label: props.nobody }, ...(users.data ?? []).map((user) => ({ value: user.userId, label: `${user.name} (${user.email})` }))];
  return (
    <Select
      label={props.label}
      data={choices}
      value={props.value ?? NOBODY}
      onChange={(value) => value && props.onChange(value === NOBODY ? null : value)}
      allowDeselect={false}
      searchable
      disabled={props.disabled}
      error={props.error}
    />
  );
}
