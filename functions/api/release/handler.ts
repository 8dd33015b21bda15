/** HTTP API function that releases quarantined mail: runs it through the inbound chain again, bypassing the rule that held it. */
import { createLogger } from '../../commons/logger';
import { releaseQuarantined } from '../../quarantine/use-cases';
import { apiHandler, json } from '../http/handler';
import { callerOf, pathParam } from '../http/request';
import { readRole } from '../mail/wiring';
import { releaseContext as context } from './wiring';

export const handler = apiHandler(
  createLogger('api-release'),
  {
    'POST /inboxes/{inboxId}/quarantine/{itemId}/release': async (event) =>
      json(200, await releaseQuarantined(context(), callerOf(event), pathParam(event, 'inboxId', 'inbox'), pathParam(event, 'itemId', 'quarantined message'))),
  },
  readRole,
);
