/** HTTP API function of the agent workspace: views, conversations, assignment and status, notes; replies are the replies function's. */
import { createLogger } from '../../commons/logger';
import * as conversations from '../../conversations/use-cases';
import { reattributeMessage } from '../../conversations/attribution';
import { mergeConversation } from '../../conversations/merge';
import * as schemas from '../../conversations/schemas';
import { apiHandler, json } from '../http/handler';
import { callerOf, jsonBody, parseWith, pathParam } from '../http/request';
import { conversationContext as context } from './wiring';

export const handler = apiHandler(createLogger('api-conversations'), {
  'GET /inboxes/{inboxId}/conversations': async (event) => {
    const caller = callerOf(event);
    const inboxId = pathParam(event, 'inboxId', 'inbox');
    return json(200, await conversations.listInboxView(context(), caller, inboxId, parseWith(schemas.inboxViewSchema, event.queryStringParameters ?? {})));
  },
  'GET /inboxes/{inboxId}/conversation-counts': async (event) => json(200, await conversations.inboxViewCounts(context(), callerOf(event), pathParam(event, 'inboxId', 'inbox'))),
  'GET /conversations': async (event) => {
    const caller = callerOf(event);
    return json(200, await conversations.listMine(context(), caller, parseWith(schemas.myConversationsSchema, event.queryStringParameters ?? {})));
  },
  'GET /conversations/{conversationId}': async (event) => {
    const caller = callerOf(event);
    const query = parseWith(schemas.conversationReadSchema, event.queryStringParameters ?? {});
    return json(200, await conversations.readConversation(context(), caller, pathParam(event, 'conversationId', 'conversation'), { remoteImages: query.images === 'remote' }));
  },
  'PATCH /conversations/{conversationId}': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(200, await conversations.changeConversation(context(), caller, conversationId, jsonBody(event, schemas.conversationChangesSchema)));
  },
  'POST /conversations/{conversationId}/notes': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(201, await conversations.addNote(context(), caller, conversationId, jsonBody(event, schemas.noteSchema).text));
  },
  'POST /messages/{messageId}/attribution': async (event) => {
    const caller = callerOf(event);
    return json(200, await reattributeMessage(context(), caller, pathParam(event, 'messageId', 'message'), jsonBody(event, schemas.attributionSchema)));
  },
  'POST /conversations/{conversationId}/merge': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(200, await mergeConversation(context(), caller, conversationId, jsonBody(event, schemas.mergeSchema)));
  },
});
