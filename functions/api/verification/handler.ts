/**
 * The public end of from-address verification: the link in the email. GET only shows what the link would
 * do, with a button (mail scanners and link previews fetch links, and must not use up a single-use token);
 * POST does it. Browsers get a small page, API clients (Accept: application/json) get JSON.
 */
import { createLogger } from '../../commons/logger';
import { postedTokenSchema } from '../../inboxes/token-schema';
import { confirmToken, inspectToken, TokenStatus } from '../../inboxes/verification-tokens';
import { apiHandler, ApiResult, json } from '../http/handler';
import type { ApiEvent } from '../http/request';
import { tokenContext } from './wiring';

const STATUS_CODE: Record<TokenStatus['status'], number> = { valid: 200, verified: 200, invalid: 404, expired: 410, used: 410, superseded: 410 };

const MESSAGES: Record<TokenStatus['status'], (address?: string) => [title: string, text: string]> = {
  valid: (address) => [`Verify ${address}`, `Confirm that ${address} may be used as the sender address of your shared inbox.`],
  verified: (address) => [`${address} is verified`, 'You can close this page; the setup wizard shows the address as verified.'],
  invalid: () => ['This link is not valid', 'Check that the whole link was copied, or ask for a new verification email from the setup wizard.'],
  expired: () => ['This link has expired', 'Verification links work for 24 hours. Ask for a new one from the setup wizard.'],
  used: () => ['This link was already used', 'Each verification link works once. If the address is not verified yet, ask for a new email.'],
  superseded: () => ['This link was replaced', 'A newer verification email was sent, or the sender address changed. Use the newest email.'],
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: TokenStatus, token: string): ApiResult {
  const [title, text] = MESSAGES[status.status]('address' in status ? status.address : undefined);
  const button =
    status.status === 'valid'
      ? `<form method="post" action="verify"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Verify</button></form>`
      : '';
  return {
    statusCode: STATUS_CODE[status.status],
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The token is in this page's URL: never leak it through Referer, framing or foreign resources.
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${button}</body></html>`,
  };
}

function answer(event: ApiEvent, status: TokenStatus, token: string): ApiResult {
  if (!(event.headers.accept ?? '').includes('application/json')) return page(status, token);
  const [title, message] = MESSAGES[status.status]('address' in status ? status.address : undefined);
  return json(STATUS_CODE[status.status], { ...status, title, message });
}

/** The token from a form post or a JSON body; anything unreadable is just an invalid token. */
function postedToken(event: ApiEvent): string {
  const raw = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if ((event.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return new URLSearchParams(raw).get('token') ?? '';
  try {
    const parsed = postedTokenSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.token : '';
  } catch {
    return '';
  }
}

export const handler = apiHandler(createLogger('api-verification'), {
  'GET /verify': async (event) => {
    const token = event.queryStringParameters?.token ?? '';
    return answer(event, await inspectToken(tokenContext(), token), token);
  },
  'POST /verify': async (event) => {
    const token = postedToken(event);
    return answer(event, await confirmToken(tokenContext(), token), token);
  },
});
