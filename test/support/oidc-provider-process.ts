/**
 * A real OpenID Provider (panva's oidc-provider, OpenID-certified) in a process of its own, for the console's
 * OIDC sign-in tests: authorization code with PKCE for a public client, refresh tokens, RP-initiated logout,
 * token revocation, discovery and JWKS — and its own login and consent pages, where a wrong password is refused.
 * It is ESM-only, hence a process beside jest's. Configured by OIDC_PROVIDER_SETTINGS (JSON, `ProviderSettings`);
 * tells its parent the issuer once it listens.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import type { ProviderSettings, ProviderUser } from './oidc-provider';

const settings = JSON.parse(process.env.OIDC_PROVIDER_SETTINGS ?? '{}') as ProviderSettings;
const bySubject = new Map(settings.users.map((user) => [user.sub, user]));
const byEmail = new Map(settings.users.map((user) => [user.email.toLowerCase(), user]));

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(response: ServerResponse, title: string, body: string, status = 200): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Test identity provider</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`);
}

function loginPage(response: ServerResponse, uid: string, refusal?: string): void {
  page(response, 'Sign in to the test identity provider', `
${refusal ? `<p role="alert">${escape(refusal)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
  <p><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username" required></p>
  <p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
  <p><button type="submit">Sign in</button></p>
</form>`, refusal ? 401 : 200);
}

function consentPage(response: ServerResponse, uid: string, clientName: string, scopes: string[]): void {
  page(response, `Allow ${clientName}?`, `
<p>${escape(clientName)} asks to see: ${scopes.map(escape).join(', ')}.</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
<p><a href="/interaction/${uid}/abort">Cancel</a></p>`);
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

function passwordMatches(user: ProviderUser | undefined, password: string): user is ProviderUser {
  const expected = Buffer.from(user?.password ?? '');
  const given = Buffer.from(password);
  return user !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
}

async function main(): Promise<void> {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [{
      client_id: settings.client.clientId,
      client_name: settings.client.name,
      token_endpoint_auth_method: 'none', // a browser app: no secret, PKCE instead
      redirect_uris: settings.client.redirectUris,
      post_logout_redirect_uris: settings.client.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    // The claims the API reads, behind a scope of their own; in the ID token (not only at userinfo), as an
    // issuer configured for this app puts them.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], 'hosted-inbox': ['custom:account_id', 'custom:user_id'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => {
      const user = bySubject.get(sub);
      return user && { accountId: sub, claims: () => ({ sub, email: user.email, email_verified: true, ...user.claims }) };
    },
    // Refresh tokens for the browser client's code flow (as Cognito and Keycloak do), with or without offline_access.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    features: { devInteractions: { enabled: false }, revocation: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: settings.idTokenTtlSeconds, AccessToken: settings.idTokenTtlSeconds, Session: 3600, Grant: 3600, Interaction: 600, RefreshToken: 3600 },
    cookies: { keys: ['test-provider-cookie-key'] },
  });
  const serveProvider = provider.callback();

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', issuer).pathname;
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(path);
    if (!interaction) return void serveProvider(request, response);
    void (async () => {
      const details = await provider.interactionDetails(request, response);
      const [, uid, action] = interaction;
      if (!action && details.prompt.name === 'login') return loginPage(response, uid);
      if (!action) {
        const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
        return consentPage(response, uid, settings.client.name, missing.filter((scope) => scope !== 'openid'));
      }
      if (action === 'login' && request.method === 'POST') {
        const form = await formOf(request);
        const user = byEmail.get((form.get('email') ?? '').trim().toLowerCase());
        if (!passwordMatches(user, form.get('password') ?? '')) return loginPage(response, uid, 'Wrong email or password.');
        return provider.interactionFinished(request, response, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
      }
      if (action === 'confirm' && request.method === 'POST') {
        const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: details.session!.accountId, clientId: settings.client.clientId });
        const { missingOIDCScope, missingOIDCClaims } = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missingOIDCScope) grant!.addOIDCScope(missingOIDCScope.join(' '));
        if (missingOIDCClaims) grant!.addOIDCClaims(missingOIDCClaims);
        const grantId = await grant!.save();
        return provider.interactionFinished(request, response, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
      }
      if (action === 'abort') {
        return provider.interactionFinished(request, response, { error: 'access_denied', error_description: 'The user did not allow the sign-in.' }, { mergeWithLastSubmission: false });
      }
      page(response, 'Not found', '', 404);
    })().catch((error: Error) => page(response, 'Sign-in failed', `<p>${escape(error.message)}</p>`, 400));
  });
  process.send!({ issuer });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
