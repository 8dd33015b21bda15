/** The signed-in shell: navigation (the inbox views, then settings; admin pages for admins only) and the page named by the location hash. */
import { Alert, AppShell, Burger, Button, Divider, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { SignIn } from './auth/SignIn';
import { useMe, useSession } from './auth/session';
import { useChannels } from './api/queries';
import { ConversationPage } from './conversation/ConversationPage';
import { InboxViewPage, MyConversationsPage } from './inbox/ConversationList';
import { FailedMailPage } from './inbox/FailedMailPage';
import { InboxNav } from './inbox/InboxNav';
import { QuarantinePage } from './inbox/QuarantinePage';
import { inboxRoute } from './inbox/views';
import { Channels } from './pages/Channels';
import { Pipelines } from './pages/Pipelines';
import { Teams } from './pages/Teams';
import { TrustedForwarders } from './pages/TrustedForwarders';
import { Users } from './pages/Users';
import { useRoute } from './routes';
import { ConnectWizard } from './wizard/ConnectWizard';

const ADMIN_PAGES = [
  { path: '/users', label: 'Users', Page: Users },
  { path: '/teams', label: 'Teams', Page: Teams },
  { path: '/trusted-forwarders', label: 'Trusted forwarders', Page: TrustedForwarders },
  { path: '/pipelines', label: 'Pipelines', Page: Pipelines },
] as const;

export function App() {
  const { token, signOut } = useSession();
  const me = useMe();
  const route = useRoute();
  const [navOpen, nav] = useDisclosure(false);
  const channels = useChannels();
  if (!token) return <SignIn />;
  if (me.error) return <Alert m="xl" color="red" role="alert" title="Could not load your account">{me.error.message} <Button variant="subtle" onClick={signOut}>Sign in again</Button></Alert>;
  if (!me.data) return <Loader m="xl" aria-label="Loading" />;

  const isAdmin = me.data.user.role === 'admin';
  const adminPage = isAdmin ? ADMIN_PAGES.find((page) => page.path === route) : undefined;
  const connect = /^\/connect(?:\/([^/]+))?$/.exec(route);
  const work = inboxRoute(route);
  const inboxName = (inboxId: string) => channels.data?.find((channel) => channel.inboxId === inboxId)?.name;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpen } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Title order={2} size="h4">hosted-inbox</Title>
            <Text size="sm" c="dimmed">{me.data.account.name}</Text>
          </Group>
          <Group>
            <Text size="sm">{me.data.user.name} ({me.data.user.role})</Text>
            <Button variant="default" size="xs" onClick={signOut}>Sign out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        <InboxNav current={work} isAdmin={isAdmin} onNavigate={nav.close} />
        <Divider my="sm" />
        <NavLink variant="filled" href="#/channels" label="Inbox settings: Email" active={route === '/channels' || Boolean(connect)} onClick={nav.close} />
        {isAdmin && ADMIN_PAGES.map((page) => <NavLink variant="filled" key={page.path} href={`#${page.path}`} label={page.label} active={route === page.path} onClick={nav.close} />)}
      </AppShell.Navbar>
      <AppShell.Main>
        {work?.page === 'mine' ? <MyConversationsPage />
          : work?.page === 'view' ? <InboxViewPage key={`${work.inboxId}/${work.view}`} inboxId={work.inboxId} inboxName={inboxName(work.inboxId)} view={work.view} />
          : work?.page === 'conversation' ? <ConversationPage key={work.conversationId} conversationId={work.conversationId} inboxName={inboxName} />
          : work?.page === 'quarantine' ? <QuarantinePage key={work.inboxId} inboxId={work.inboxId} inboxName={inboxName(work.inboxId)} isAdmin={isAdmin} />
          : work?.page === 'failed' && isAdmin ? <FailedMailPage key={work.inboxId} inboxId={work.inboxId} inboxName={inboxName(work.inboxId)} />
          : connect && isAdmin ? <ConnectWizard key={connect[1] ?? 'new'} inboxId={connect[1]} />
          : adminPage ? <adminPage.Page />
          : <Channels isAdmin={isAdmin} />}
      </AppShell.Main>
    </AppShell>
  );
}
