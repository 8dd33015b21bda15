/** The inbox views in the navigation, and the hash routes of the inbox pages. */
import type { InboxViewName } from '../api/queries';

export interface InboxViewLink {
  readonly view: InboxViewName;
  readonly label: string;
  /** What the list says when the view holds nothing. */
  readonly empty: string;
}

/** Per-inbox views of conversations, in navigation order, each counted by `GET /inboxes/{id}/conversation-counts` (Quarantine, then Failed mail for admins, follow them). */
export const INBOX_VIEWS: readonly InboxViewLink[] = [
  { view: 'unassigned', label: 'Unassigned', empty: 'Nothing waits for an owner.' },
  { view: 'open', label: 'All open', empty: 'No open conversations.' },
  { view: 'closed', label: 'Closed', empty: 'No closed conversations yet.' },
];

export const paths = {
  mine: '/mine',
  view: (inboxId: string, view: InboxViewName) => `/inboxes/${inboxId}/${view}`,
  conversation: (conversationId: string) => `/conversations/${conversationId}`,
  quarantine: (inboxId: string) => `/inboxes/${inboxId}/quarantine`,
  failed: (inboxId: string) => `/inboxes/${inboxId}/failed`,
};

export type InboxRoute =
  | { readonly page: 'mine' }
  | { readonly page: 'view'; readonly inboxId: string; readonly view: InboxViewName }
  | { readonly page: 'conversation'; readonly conversationId: string }
  | { readonly page: 'quarantine' | 'failed'; readonly inboxId: string };

/** The inbox page a hash route names, if any. */
export function inboxRoute(route: string): InboxRoute | undefined {
  if (route === paths.mine) return { page: 'mine' };
  const view = /^\/inboxes\/([^/]+)\/([a-z]+)$/.exec(route);
  if (view?.[2] === 'quarantine' || view?.[2] === 'failed') return { page: view[2], inboxId: view[1] };
  const known = view && INBOX_VIEWS.find((link) => link.view === view[2]);
  if (view && known) return { page: 'view', inboxId: view[1], view: known.view };
  const conversation = /^\/conversations\/([^/]+)$/.exec(route);
  return conversation ? { page: 'conversation', conversationId: conversation[1] } : undefined;
}
