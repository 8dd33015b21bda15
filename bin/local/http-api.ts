/**
 * The HTTP API on this machine: a Node HTTP server that does what API Gateway (HTTP API) does in AWS —
 * matches the route from the shared route table, checks the bearer JWT like the JWT authorizer (401 with
 * API Gateway's body otherwise), answers CORS preflights, builds the same payload v2 event, and calls the
 * same Lambda handler module. Only used by `npm start` and the tests.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_ROUTES, ApiFunctionName, ApiRoute, CORS_HEADERS, routeKey } from '../../functions/api/routes';
import type { LocalAuth, LocalIdentity } from './local-auth';
import { ConsoleOptions, consoleFiles } from './console-files';

type LambdaHandler = (event: any) => Promise<APIGatewayProxyStructuredResultV2>;

/** The function modules, imported on first use like a cold start (after the environment is set). */
const FUNCTIONS: Record<ApiFunctionName, () => Promise<{ handler: LambdaHandler }>> = {
  directory: () => import('../../functions/api/directory/handler'),
  inboxes: () => import('../../functions/api/inboxes/handler'),
  crm: () => import('../../functions/api/crm/handler'),
  verification: () => import('../../functions/api/verification/handler'),
  openapi: () => import('../../functions/api/openapi/handler'),
  conversations: () => import('../../functions/api/conversations/handler'),
  mail: () => import('../../functions/api/mail/handler'),
  release: () => import('../../functions/api/release/handler'),
  replies: () => import('../../functions/api/replies/handler'),
};

/** API Gateway's own payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Dev-only route that mints a token for a local user (what `npx hosted-inbox token` calls). */
export const LOCAL_TOKEN_PATH = '/_local/token';

export interface LocalHttpApiOptions {
  readonly auth: LocalAuth;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Origins allowed by CORS. @default ['*'] */
  readonly allowedOrigins?: readonly string[];
  /** Finds the user behind an email (in an account, or the default one) for the dev token route. @default - the route answers 404 */
  readonly identityFor?: (email: string, accountId?: string) => Promise<LocalIdentity | undefined>;
  /** Serves the web console under /console/ on this server's origin. @default - not served */
  readonly console?: ConsoleOptions;
}

export interface LocalHttpApi {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface CompiledRoute {
  readonly route: ApiRoute;
  readonly pattern: RegExp;
  readonly params: string[];
}

function compile(route: ApiRoute): CompiledRoute {
  const params: string[] = [];
  // Paths hold only letters, hyphens, slashes and {params}: nothing else to escape.
  const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
}

const COMPILED = API_ROUTES.map(compile);

function match(method: string, path: string) {
  for (const compiled of COMPILED) {
    if (compiled.route.method !== method) continue;
    const found = compiled.pattern.exec(path);
    if (!found) continue;
    try {
      const pathParameters = Object.fromEntries(compiled.params.map((name, index) => [name, decodeURIComponent(found[index + 1])]));
      return { route: compiled.route, pathParameters };
    } catch {
      return undefined; // a malformed escape names nothing that exists
    }
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXTUAL = /^(text\/|application\/(json|x-www-form-urlencoded|xml))/i;

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}

/** API Gateway stringifies every claim it passes to the function. */
function claimStrings(claims: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(claims).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/**
 * Who may mint a token: this machine's own tools (no Origin) and the web console served from this server's own
 * origin. A page of any other origin (an Origin header naming it, or a cross-site fetch or navigation) and any
 * other Host name (DNS rebinding) are refused.
 */
export function mayMintLocalToken(headers: IncomingHttpHeaders, port: number): boolean {
  const host = headers.host ?? '';
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return false;
  if (headers.origin !== undefined && headers.origin !== `http://${host}`) return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}

export async function startLocalHttpApi(options: LocalHttpApiOptions): Promise<LocalHttpApi> {
  const allowed = options.allowedOrigins ?? ['*'];
  const corsHeaders = (origin: string | undefined): Record<string, string> =>
    origin && (allowed.includes('*') || allowed.includes(origin)) ? { 'access-control-allow-origin': origin, vary: 'origin' } : {};

  const serveConsole = options.console && consoleFiles(options.console);
  let port = 0;
  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const origin = request.headers.origin;
    const cors = corsHeaders(origin);

    if (method === 'OPTIONS' && request.headers['access-control-request-method']) {
      response.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE',
        'access-control-allow-headers': CORS_HEADERS.join(','),
        'access-control-max-age': '600',
      });
      response.end();
      return;
    }
    if (method === 'GET' && url.pathname === LOCAL_TOKEN_PATH) {
      if (!mayMintLocalToken(request.headers, port)) return send(response, 403, JSON.stringify({ message: 'Forbidden' }));
      const email = url.searchParams.get('email')?.toLowerCase() ?? '';
      const accountId = url.searchParams.get('account') ?? undefined;
      const identity = email && options.identityFor ? await options.identityFor(email, accountId) : undefined;
      if (!identity) return send(response, 404, JSON.stringify({ message: `no local user ${email || '(none given)'}` }));
      return send(response, 200, JSON.stringify({ token: await options.auth.sign(identity), ...identity }));
    }

    if (serveConsole && (await serveConsole(method, url.pathname, response))) return;

    const found = match(method, url.pathname);
    if (!found) return send(response, 404, JSON.stringify({ message: 'Not Found' }), cors);

    let claims: Record<string, unknown> | undefined;
    if (found.route.auth === 'jwt') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      claims = bearer ? await options.auth.verify(bearer) : undefined;
      if (!claims) return send(response, 401, JSON.stringify({ message: 'Unauthorized' }), { ...cors, 'www-authenticate': 'Bearer' });
    }
    const body = await readBody(request);
    if (body === 'too-large') return send(response, 413, JSON.stringify({ message: 'Request Entity Too Large' }), cors);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    // API Gateway adds these; handlers build absolute links from them.
    Object.assign(headers, { 'x-forwarded-for': request.socket.remoteAddress ?? '', 'x-forwarded-port': String(request.socket.localPort), 'x-forwarded-proto': 'http' });
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
    const textual = TEXTUAL.test(headers['content-type'] ?? 'application/json');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: routeKey(found.route),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      cookies: headers.cookie?.split(/;\s*/),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      pathParameters: Object.keys(found.pathParameters).length ? found.pathParameters : undefined,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        // API Gateway's own domain, never the client's Host header.
        domainName: `127.0.0.1:${port}`,
        domainPrefix: '127',
        http: { method, path: url.pathname, protocol: `HTTP/${request.httpVersion}`, sourceIp: request.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: routeKey(found.route),
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        authorizer: claims ? { jwt: { claims: claimStrings(claims), scopes: null } } : undefined,
      },
      body: body.length ? body.toString(textual ? 'utf8' : 'base64') : undefined,
      isBase64Encoded: body.length > 0 && !textual,
    };
    const { handler } = await FUNCTIONS[found.route.function]();
    const result = await handler(event);
    const resultHeaders: Record<string, string | string[]> = { ...cors, ...(result.headers as Record<string, string>) };
    if (result.cookies?.length) resultHeaders['set-cookie'] = result.cookies;
    response.writeHead(result.statusCode ?? 200, resultHeaders);
    response.end(result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'));
  };

  const server = createServer((request, response) => {
    serve(request, response).catch((error) => {
      // In AWS an unhandled function error is API Gateway's 500; keep the same answer here.
      console.error('local HTTP API: handler threw', error);
      if (!response.headersSent) send(response, 500, JSON.stringify({ message: 'Internal Server Error' }));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
