/** HTTP API function of the agent workspace: views, conversations, assignment and status, notes, replies. */
import type * as z from 'zod';
import { ValidationFailed } from '../../commons/errors';
import { createLogger } from '../../commons/logger';
import * as conversations from '../../conversations/use-cases';
import * as replies from '../../conversations/replies';
import { reattributeMessage } from '../../conversations/attribution';
import { mergeConversation } from '../../conversations/merge';
import * as schemas from '../../conversations/schemas';
import { apiHandler, json } from '../http/handler';
import { callerOf, jsonBody, parseWith, pathParam } from '../http/request';
import { conversationContext as context } from './wiring';

/** A header checked by `schema`; a 400 names the header. */
function headerWith<T>(schema: z.ZodType<T>, name: string, value: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationFailed.field(name, 'invalid_header', result.error.issues[0].message);
  return result.data;
}

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
  'POST /conversations/{conversationId}/replies': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    const key = event.headers?.['idempotency-key'];
    const idempotencyKey = key === undefined ? undefined : headerWith(schemas.idempotencyKey, 'Idempotency-Key', key);
    return json(201, await replies.sendReply(context(), caller, conversationId, jsonBody(event, schemas.replySchema), idempotencyKey));
  },
  'POST /conversations/{conversationId}/attachments': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(201, await replies.prepareAttachment(context(), caller, conversationId, jsonBody(event, schemas.attachmentUploadSchema)));
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
  'POST /conversations/{conversationId}/replies/{messageId}/retry': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(201, await replies.retryReply(context(), caller, conversationId, pathParam(event, 'messageId', 'reply')));
  },
});
