/** HTTP API function for the CRM side of the inbox: ticket pipelines, tickets and contacts. */
import { dynamo } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { createLogger } from '../../commons/logger';
import { DynamoContacts } from '../../adapters/dynamo-contacts';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import { DynamoPipelines } from '../../adapters/dynamo-pipelines';
import { DynamoTickets } from '../../adapters/dynamo-tickets';
import * as contacts from '../../contacts/use-cases';
import * as contactSchemas from '../../contacts/schemas';
import * as tickets from '../../tickets/use-cases';
import * as schemas from '../../tickets/schemas';
import { apiHandler, json } from '../http/handler';
import { callerOf, jsonBody, parseWith, pathParam } from '../http/request';

interface CrmContext extends tickets.TicketContext, contacts.ContactContext {}

let context: CrmContext | undefined;
let directory: DynamoDirectory | undefined;
const directoryStore = () => (directory ??= new DynamoDirectory(dynamo(), config().tables.inboxes));
/** The directory (inboxes table, read only) is only asked whether an owner is a user of the account. */
const crm = (): CrmContext =>
  (context ??= {
    tickets: new DynamoTickets(dynamo(), config().tables.tickets),
    pipelines: new DynamoPipelines(dynamo(), config().tables.tickets),
    contacts: new DynamoContacts(dynamo(), config().tables),
    directory: directoryStore(),
  });

export const handler = apiHandler(createLogger('api-crm'), {
  'GET /pipelines': async (event) => json(200, { pipelines: await tickets.listPipelines(crm().pipelines, callerOf(event)) }),
  'POST /pipelines': async (event) => {
    const caller = callerOf(event);
    return json(201, await tickets.createPipeline(crm().pipelines, caller, jsonBody(event, schemas.newPipelineSchema), newId));
  },
  'GET /pipelines/{pipelineId}': async (event) => json(200, await tickets.getPipeline(crm().pipelines, callerOf(event), pathParam(event, 'pipelineId', 'pipeline'))),

  'GET /tickets': async (event) => {
    const caller = callerOf(event);
    return json(200, await tickets.listTickets(crm(), caller, parseWith(schemas.ticketListSchema, event.queryStringParameters ?? {})));
  },
  'GET /tickets/{ticketId}': async (event) => json(200, await tickets.getTicket(crm().tickets, callerOf(event), pathParam(event, 'ticketId', 'ticket'))),
  'PATCH /tickets/{ticketId}': async (event) => {
    const caller = callerOf(event);
    const ticketId = pathParam(event, 'ticketId', 'ticket');
    return json(200, await tickets.updateTicket(crm(), caller, ticketId, jsonBody(event, schemas.ticketChangesSchema)));
  },

  'GET /contacts': async (event) => json(200, await contacts.listContacts(crm().contacts, callerOf(event), parseWith(contactSchemas.contactListSchema, event.queryStringParameters ?? {}))),
  'GET /contacts/{contactId}': async (event) => json(200, await contacts.getContact(crm(), callerOf(event), pathParam(event, 'contactId', 'contact'))),
  'PUT /contacts/{contactId}/owner': async (event) => {
    const caller = callerOf(event);
    const contactId = pathParam(event, 'contactId', 'contact');
    return json(200, await contacts.setContactOwner(crm(), caller, contactId, jsonBody(event, contactSchemas.contactOwnerSchema)));
  },
  'PATCH /contacts/{contactId}': async (event) => {
    const caller = callerOf(event);
    const contactId = pathParam(event, 'contactId', 'contact');
    return json(200, await contacts.renameContact(crm().contacts, caller, contactId, jsonBody(event, contactSchemas.contactChangesSchema)));
  },
  'GET /contacts/{contactId}/conversations': async (event) => {
    const caller = callerOf(event);
    const contactId = pathParam(event, 'contactId', 'contact');
    return json(200, await contacts.listContactConversations(crm().contacts, caller, contactId, parseWith(contactSchemas.contactConversationsSchema, event.queryStringParameters ?? {})));
  },
}, (accountId, userId) => directoryStore().role(accountId, userId));
