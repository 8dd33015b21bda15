/** HTTP API function serving the OpenAPI document (public: a client generator needs no token). */
import { config } from '../../commons/env';
import { createLogger } from '../../commons/logger';
import { apiHandler, json } from '../http/handler';
import { openApiDocument } from './document';

let document: Record<string, unknown> | undefined;

export const handler = apiHandler(createLogger('api-openapi'), {
  // `servers`: the configured public URL or the API's own domain (set by API Gateway), never a Host header.
  'GET /openapi.json': async (event) => {
    document ??= openApiDocument({ serverUrl: config().publicApiUrl ?? `https://${event.requestContext.domainName}` });
    return json(200, document, { 'cache-control': 'public, max-age=300' });
  },
});
