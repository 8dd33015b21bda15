/** The inbox part of the navigation: "Assigned to me" across inboxes, then each connected inbox's views, with counts (and its failed mail, for admins). */
import { useId } from 'react';
import { Badge, NavLink, Text } from '@mantine/core';
import { useChannels, useConversationCounts, useMePolled } from '../api/queries';
import { INBOX_VIEWS, InboxRoute, paths } from './views';

function Count({ value }: { value: number | undefined }) {
  return value === undefined ? null : <Badge size="sm" variant="light" color="gray" circle={value < 10}>{value}</Badge>;
}

export function InboxNav({ current, isAdmin, onNavigate }: { current: InboxRoute | undefined; isAdmin: boolean; onNavigate: () => void }) {
  const me = useMePolled();
  const channels = useChannels();
  return (
    <>
      <NavLink variant="filled" href={`#${paths.mine}`} label="Assigned to me" active={current?.page === 'mine'} onClick={onNavigate} rightSection={<Count value={me.data?.user.openAssigned} />} />
      {channels.data?.map((channel) => <InboxViews key={channel.inboxId} inboxId={channel.inboxId} name={channel.name} current={current} isAdmin={isAdmin} onNavigate={onNavigate} />)}
    </>
  );
}

/**
 * One inbox's views, its quarantine and (admins only: the API refuses agents) its failed mail, a group named
 * after the inbox (each link's name is its label and count).
 */
function InboxViews({ inboxId, name, current, isAdmin, onNavigate }: { inboxId: string; name: string; current: InboxRoute | undefined; isAdmin: boolean; onNavigate: () => void }) {
  const counts = useConversationCounts(inboxId);
  const headingId = useId();
  const pageLink = (page: 'quarantine' | 'failed', label: string, count?: number) => (
    <NavLink variant="filled" href={`#${paths[page](inboxId)}`} label={label} active={current?.page === page && current.inboxId === inboxId} onClick={onNavigate} rightSection={<Count value={count} />} />
  );
  return (
    <div role="group" aria-labelledby={headingId}>
      <Text id={headingId} size="xs" fw={700} c="dimmed" tt="uppercase" mt="sm" mb={4} px="sm">{name}</Text>
      {INBOX_VIEWS.map((link) => (
        <NavLink
          variant="filled"
          key={link.view}
          href={`#${paths.view(inboxId, link.view)}`}
          label={link.label}
          active={current?.page === 'view' && current.inboxId === inboxId && current.view === link.view}
          onClick={onNavigate}
          rightSection={<Count value={counts.data?.[link.view]} />}
        />
      ))}
      {pageLink('quarantine', 'Quarantine', counts.data?.quarantined)}
      {isAdmin && pageLink('failed', 'Failed mail')}
    </div>
  );
}
