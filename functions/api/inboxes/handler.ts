/** HTTP API function for the setup wizard: hosted inboxes, their settings, connect, and channels. */
import { config } from '../../commons/env';
import { createLogger } from '../../commons/logger';
import { signatureSchema } from '../../directory/fields';
import * as schemas from '../../inboxes/schemas';
import type { Inbox } from '../../inboxes/model';
import { requestVerification } from '../../inboxes/verification';
import * as wizard from '../../inboxes/wizard';
import { apiHandler, json } from '../http/handler';
import { ApiEvent, Caller, callerOf, jsonBody, pathParam } from '../http/request';
import { setupContext } from './wiring';
import { sendingDomainRoutes } from './sending-domains';

/** The From preview shows the calling agent's name, as their replies would: read once per request. */
async function agentName(caller: Caller): Promise<string> {
  const agent = await setupContext().directory.user(caller.accountId, caller.userId);
  return agent?.name ?? caller.email ?? 'Agent';
}

const view = async (caller: Caller, inbox: Inbox) => wizard.inboxView(inbox, await agentName(caller));

/** Routes of one inbox: the caller, the inbox id, and the view of the result. */
const step = (run: (event: ApiEvent, caller: Caller, inboxId: string) => Promise<Inbox>, status = 200) => async (event: ApiEvent) => {
  const caller = callerOf(event);
  const inbox = await run(event, caller, pathParam(event, 'inboxId', 'inbox'));
  return json(status, await view(caller, inbox));
};

/**
 * Links in emails point at the API's public URL: configured, or the API's own domain (which API Gateway sets;
 * never a header a caller could forge, or the emailed token would go to their host).
 */
const linkBase = (event: ApiEvent) => config().publicApiUrl ?? `https://${event.requestContext.domainName}`;

export const handler = apiHandler(createLogger('api-inboxes'), {
  'GET /channels': async (event) => json(200, { channels: await wizard.channels(setupContext(), callerOf(event)) }),
  'GET /inboxes': async (event) => {
    const caller = callerOf(event);
    const [inboxes, name] = await Promise.all([setupContext().inboxes.inboxes(caller.accountId), agentName(caller)]);
    return json(200, { inboxes: inboxes.map((inbox) => wizard.inboxView(inbox, name)) });
  },
  'POST /inboxes': async (event) => {
    const caller = callerOf(event);
    return json(201, await view(caller, await wizard.createInbox(setupContext(), caller, jsonBody(event, schemas.newInboxSchema))));
  },
  'GET /inboxes/{inboxId}': step((_event, caller, inboxId) => wizard.getInbox(setupContext(), caller, inboxId)),
  'PUT /inboxes/{inboxId}/sender-name': step((event, caller, inboxId) => wizard.setSenderName(setupContext(), caller, inboxId, jsonBody(event, schemas.senderNameSchema))),
  'PUT /inboxes/{inboxId}/sender-address': step((event, caller, inboxId) => wizard.setSenderAddress(setupContext(), caller, inboxId, jsonBody(event, schemas.senderAddressSchema))),
  'POST /inboxes/{inboxId}/sender-address/verification': step((event, caller, inboxId) => requestVerification(setupContext(), caller, inboxId, linkBase(event)), 202),
  'PUT /inboxes/{inboxId}/assignment': step((event, caller, inboxId) => wizard.setAssignment(setupContext(), caller, inboxId, jsonBody(event, schemas.assignmentSchema))),
  'PUT /inboxes/{inboxId}/tickets': step((event, caller, inboxId) => wizard.setTickets(setupContext(), caller, inboxId, jsonBody(event, schemas.ticketsSchema))),
  'PUT /inboxes/{inboxId}/forwarding-address': step((event, caller, inboxId) =>
    wizard.setForwardingAddress(setupContext(), caller, inboxId, () => jsonBody(event, schemas.forwardingAddressSchema)),
  ),
  'POST /inboxes/{inboxId}/connect': step((_event, caller, inboxId) => wizard.connect(setupContext(), caller, inboxId)),
  'PUT /inboxes/{inboxId}/trusted-forwarders': step((event, caller, inboxId) =>
    wizard.setTrustedForwarders(setupContext(), caller, inboxId, jsonBody(event, schemas.trustedForwardersSchema)),
  ),
  'PUT /inboxes/{inboxId}/signature': step((event, caller, inboxId) => wizard.setSignature(setupContext(), caller, inboxId, jsonBody(event, signatureSchema).text)),
  'PUT /inboxes/{inboxId}/reply-settings': step((event, caller, inboxId) => wizard.setReplySettings(setupContext(), caller, inboxId, jsonBody(event, schemas.replySettingsSchema))),
  ...sendingDomainRoutes,
}, (accountId, userId) => setupContext().directory.role(accountId, userId));
