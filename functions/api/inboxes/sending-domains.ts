/** The sending-domain routes of the inboxes function, and the context they (and the wizard) use. */
import { dynamo, ses } from '../../commons/clients';
import { config } from '../../commons/env';
import { DynamoSendingDomains } from '../../adapters/dynamo-sending-domains';
import { LocalIdentities } from '../../adapters/local-identities';
import { SesIdentities } from '../../adapters/ses-identities';
import * as domains from '../../domains/use-cases';
import { newSendingDomainSchema } from '../../domains/schemas';
import { json, RouteHandler } from '../http/handler';
import { callerOf, jsonBody, pathParam } from '../http/request';

let context: domains.DomainContext | undefined;

/** SES v2 in AWS; the local adapter where SENDING_IDENTITIES=local (the local stack). */
export function domainContext(): domains.DomainContext {
  if (context) return context;
  const settings = config();
  context = {
    sendingDomains: new DynamoSendingDomains(dynamo(), settings.tables.inboxes),
    identities: settings.sendingIdentities === 'local' ? new LocalIdentities(dynamo(), settings.tables.inboxes) : new SesIdentities(ses()),
    inboxDomain: settings.inboxDomain,
    now: () => new Date(),
  };
  return context;
}

export const sendingDomainRoutes: Readonly<Record<string, RouteHandler>> = {
  'POST /sending-domains': async (event) => {
    const { created, domain } = await domains.connectDomain(domainContext(), callerOf(event), jsonBody(event, newSendingDomainSchema));
    return json(created ? 201 : 200, domain);
  },
  'GET /sending-domains': async (event) => json(200, { domains: await domains.listDomains(domainContext(), callerOf(event)) }),
  'GET /sending-domains/{domain}': async (event) => json(200, await domains.getDomain(domainContext(), callerOf(event), pathParam(event, 'domain', 'sending domain'))),
};
