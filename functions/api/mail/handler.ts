/** HTTP API function of an inbox's mail outside its conversations: quarantine (list, delete), failed mail, health; releases are the release function's. */
import { createLogger } from '../../commons/logger';
import * as quarantine from '../../quarantine/use-cases';
import { quarantinePageSchema } from '../../quarantine/schemas';
import { apiHandler, json } from '../http/handler';
import { callerOf, parseWith, pathParam, type ApiEvent } from '../http/request';
import { quarantineContext as context, readRole } from './wiring';

const inboxOf = (event: ApiEvent) => pathParam(event, 'inboxId', 'inbox');
const itemOf = (event: ApiEvent) => pathParam(event, 'itemId', 'quarantined message');
const pageOf = (event: ApiEvent) => parseWith(quarantinePageSchema, event.queryStringParameters ?? {});

export const handler = apiHandler(
  createLogger('api-mail'),
  {
    'GET /inboxes/{inboxId}/quarantine': async (event) => json(200, await quarantine.listQuarantine(context(), callerOf(event), inboxOf(event), pageOf(event))),
    'DELETE /inboxes/{inboxId}/quarantine/{itemId}': async (event) => {
      await quarantine.deleteQuarantined(context(), callerOf(event), inboxOf(event), itemOf(event));
      return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
    },
    'GET /inboxes/{inboxId}/failed': async (event) => json(200, await quarantine.listFailed(context(), callerOf(event), inboxOf(event), pageOf(event))),
    'GET /inboxes/{inboxId}/health': async (event) => json(200, await quarantine.inboxHealth(context(), callerOf(event), inboxOf(event))),
  },
  readRole,
);
