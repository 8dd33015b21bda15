/**
 * Every route of the HTTP API, declared once: the CDK `InboxApi` construct and the local HTTP server both
 * build from this list, so what is protected, and by which function it is served, cannot drift apart.
 *
 * Paths use API Gateway's `{param}` syntax; `routeKey` is what API Gateway puts in the event.
 */
export type ApiFunctionName = 'directory' | 'inboxes' | 'crm' | 'verification' | 'openapi' | 'conversations' | 'mail' | 'release' | 'replies';

/**
 * `admin`: settings (the wizard's writes, users, teams, pipelines, trusted forwarders, sending domains);
 * `agent`: everyone of the account (work conversations and contacts, read settings). Required on every
 * authenticated route, so a new route cannot forget it; `apiHandler` enforces it before the route runs.
 */
export type Role = 'admin' | 'agent';

interface RouteBase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The Lambda function (module `functions/api/<name>/handler.ts`) that serves it. */
  readonly function: ApiFunctionName;
}

/** `public` only for the verification link a recipient opens from an email and the OpenAPI document; everything else needs a JWT and a role. */
export type ApiRoute = RouteBase & ({ readonly auth: 'jwt'; readonly role: Role } | { readonly auth: 'public' });

/** Request headers a browser may send cross-origin (API Gateway's CORS and the local server's preflight). */
export const CORS_HEADERS = ['authorization', 'content-type', 'idempotency-key'] as const;

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/me', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/account', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/account', function: 'directory', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/users', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/users', function: 'directory', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/users/{userId}', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/users/{userId}', function: 'directory', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/users/{userId}/availability', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'PUT', path: '/me/signature', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/teams', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/teams', function: 'directory', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/teams/{teamId}', function: 'directory', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/teams/{teamId}', function: 'directory', auth: 'jwt', role: 'admin' },

  { method: 'GET', path: '/channels', function: 'inboxes', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/inboxes', function: 'inboxes', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/inboxes', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/inboxes/{inboxId}', function: 'inboxes', auth: 'jwt', role: 'agent' },
  { method: 'PUT', path: '/inboxes/{inboxId}/sender-name', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/sender-address', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'POST', path: '/inboxes/{inboxId}/sender-address/verification', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/assignment', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/tickets', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/forwarding-address', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'POST', path: '/inboxes/{inboxId}/connect', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/trusted-forwarders', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/signature', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'PUT', path: '/inboxes/{inboxId}/reply-settings', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'POST', path: '/sending-domains', function: 'inboxes', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/sending-domains', function: 'inboxes', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/sending-domains/{domain}', function: 'inboxes', auth: 'jwt', role: 'agent' },

  { method: 'GET', path: '/pipelines', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/pipelines', function: 'crm', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/pipelines/{pipelineId}', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/tickets', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/tickets/{ticketId}', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/tickets/{ticketId}', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/contacts/{contactId}', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'PUT', path: '/contacts/{contactId}/owner', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/contacts', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/contacts/{contactId}', function: 'crm', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/contacts/{contactId}/conversations', function: 'crm', auth: 'jwt', role: 'agent' },

  // The agent workspace (functions/api/conversations/): views, reading, assignment and status, notes; replies and
  // their attachments in a function of their own (functions/api/replies/), which alone loads SES and the composer.
  { method: 'GET', path: '/inboxes/{inboxId}/conversations', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/inboxes/{inboxId}/conversation-counts', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/conversations', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'GET', path: '/conversations/{conversationId}', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'PATCH', path: '/conversations/{conversationId}', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/conversations/{conversationId}/notes', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/conversations/{conversationId}/replies', function: 'replies', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/conversations/{conversationId}/replies/{messageId}/retry', function: 'replies', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/conversations/{conversationId}/attachments', function: 'replies', auth: 'jwt', role: 'agent' },
  // Re-attribution (trustForwarder: true also needs admin, checked by the use case) and merging.
  { method: 'POST', path: '/messages/{messageId}/attribution', function: 'conversations', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/conversations/{conversationId}/merge', function: 'conversations', auth: 'jwt', role: 'agent' },

  // An inbox's mail outside its conversations (functions/api/mail/): quarantine, failed mail, health; a release
  // runs the inbound chain, in a function of its own (functions/api/release/) so the others stay small.
  { method: 'GET', path: '/inboxes/{inboxId}/quarantine', function: 'mail', auth: 'jwt', role: 'agent' },
  { method: 'POST', path: '/inboxes/{inboxId}/quarantine/{itemId}/release', function: 'release', auth: 'jwt', role: 'admin' },
  { method: 'DELETE', path: '/inboxes/{inboxId}/quarantine/{itemId}', function: 'mail', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/inboxes/{inboxId}/failed', function: 'mail', auth: 'jwt', role: 'admin' },
  { method: 'GET', path: '/inboxes/{inboxId}/health', function: 'mail', auth: 'jwt', role: 'agent' },

  // The link in a verification email: GET shows a confirm button (mail scanners prefetch links, so a GET
  // must not consume a single-use token); POST confirms.
  { method: 'GET', path: '/verify', function: 'verification', auth: 'public' },
  { method: 'POST', path: '/verify', function: 'verification', auth: 'public' },

  // The OpenAPI document (functions/api/openapi/): what client generators read.
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: 'public' },
];

export const routeKey = (route: Pick<ApiRoute, 'method' | 'path'>): string => `${route.method} ${route.path}`;

const ROLES: ReadonlyMap<string, Role> = new Map(API_ROUTES.flatMap((route) => (route.auth === 'jwt' ? [[routeKey(route), route.role] as const] : [])));

/** The role a route key requires; undefined for public routes (and keys that are no route). */
export const requiredRole = (key: string): Role | undefined => ROLES.get(key);

/** The JWT claims handlers read the caller from (Cognito ID tokens carry custom attributes this way). */
export const CLAIMS = { accountId: 'custom:account_id', userId: 'custom:user_id', email: 'email' } as const;
