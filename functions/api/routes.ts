/**
 * Every route of the HTTP API, declared once: the CDK `InboxApi` construct and the local HTTP server both
 * build from this list, so what is protected, and by which function it is served, cannot drift apart.
 *
 * Paths use API Gateway's `{param}` syntax; `routeKey` is what API Gateway puts in the event.
 */
export type ApiFunctionName = 'directory' | 'inboxes' | 'crm' | 'verification' | 'openapi';

export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** The Lambda function (module `functions/api/<name>/handler.ts`) that serves it. */
  readonly function: ApiFunctionName;
  /** `public` only for the verification link a recipient opens from an email and the OpenAPI document; everything else needs a JWT. */
  readonly auth: 'jwt' | 'public';
}

export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'GET', path: '/me', function: 'directory', auth: 'jwt' },
  { method: 'GET', path: '/account', function: 'directory', auth: 'jwt' },
  { method: 'PATCH', path: '/account', function: 'directory', auth: 'jwt' },
  { method: 'GET', path: '/users', function: 'directory', auth: 'jwt' },
  { method: 'POST', path: '/users', function: 'directory', auth: 'jwt' },
  { method: 'GET', path: '/users/{userId}', function: 'directory', auth: 'jwt' },
  { method: 'PATCH', path: '/users/{userId}', function: 'directory', auth: 'jwt' },
  { method: 'PUT', path: '/users/{userId}/availability', function: 'directory', auth: 'jwt' },
  { method: 'GET', path: '/teams', function: 'directory', auth: 'jwt' },
  { method: 'POST', path: '/teams', function: 'directory', auth: 'jwt' },
  { method: 'GET', path: '/teams/{teamId}', function: 'directory', auth: 'jwt' },
  { method: 'PATCH', path: '/teams/{teamId}', function: 'directory', auth: 'jwt' },

  { method: 'GET', path: '/channels', function: 'inboxes', auth: 'jwt' },
  { method: 'GET', path: '/inboxes', function: 'inboxes', auth: 'jwt' },
  { method: 'POST', path: '/inboxes', function: 'inboxes', auth: 'jwt' },
  { method: 'GET', path: '/inboxes/{inboxId}', function: 'inboxes', auth: 'jwt' },
  { method: 'PUT', path: '/inboxes/{inboxId}/sender-name', function: 'inboxes', auth: 'jwt' },
  { method: 'PUT', path: '/inboxes/{inboxId}/sender-address', function: 'inboxes', auth: 'jwt' },
  { method: 'POST', path: '/inboxes/{inboxId}/sender-address/verification', function: 'inboxes', auth: 'jwt' },
  { method: 'PUT', path: '/inboxes/{inboxId}/assignment', function: 'inboxes', auth: 'jwt' },
  { method: 'PUT', path: '/inboxes/{inboxId}/tickets', function: 'inboxes', auth: 'jwt' },
  { method: 'PUT', path: '/inboxes/{inboxId}/forwarding-address', function: 'inboxes', auth: 'jwt' },
  { method: 'POST', path: '/inboxes/{inboxId}/connect', function: 'inboxes', auth: 'jwt' },

  { method: 'GET', path: '/pipelines', function: 'crm', auth: 'jwt' },
  { method: 'POST', path: '/pipelines', function: 'crm', auth: 'jwt' },
  { method: 'GET', path: '/pipelines/{pipelineId}', function: 'crm', auth: 'jwt' },
  { method: 'GET', path: '/tickets', function: 'crm', auth: 'jwt' },
  { method: 'GET', path: '/tickets/{ticketId}', function: 'crm', auth: 'jwt' },
  { method: 'PATCH', path: '/tickets/{ticketId}', function: 'crm', auth: 'jwt' },
  { method: 'GET', path: '/contacts/{contactId}', function: 'crm', auth: 'jwt' },
  { method: 'PUT', path: '/contacts/{contactId}/owner', function: 'crm', auth: 'jwt' },

  // The link in a verification email: GET shows a confirm button (mail scanners prefetch links, so a GET
  // must not consume a single-use token); POST confirms.
  { method: 'GET', path: '/verify', function: 'verification', auth: 'public' },
  { method: 'POST', path: '/verify', function: 'verification', auth: 'public' },

  // The OpenAPI document (functions/api/openapi/): what client generators read.
  { method: 'GET', path: '/openapi.json', function: 'openapi', auth: 'public' },
];

export const routeKey = (route: Pick<ApiRoute, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The JWT claims handlers read the caller from (Cognito ID tokens carry custom attributes this way). */
export const CLAIMS = { accountId: 'custom:account_id', userId: 'custom:user_id', email: 'email' } as const;
