/** HTTP API function that sends replies (and retries them) and prepares their attachments' uploads. */
import type * as z from 'zod';
import { ValidationFailed } from '../../commons/errors';
import { createLogger } from '../../commons/logger';
import * as replies from '../../conversations/replies';
import * as schemas from '../../conversations/reply-schemas';
import { apiHandler, json } from '../http/handler';
import { callerOf, jsonBody, pathParam } from '../http/request';
import { replyContext as context } from './wiring';

/** A header checked by `schema`; a 400 names the header. */
function headerWith<T>(schema: z.ZodType<T>, name: string, value: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationFailed.field(name, 'invalid_header', result.error.issues[0].message);
  return result.data;
}

export const handler = apiHandler(createLogger('api-replies'), {
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
  'POST /conversations/{conversationId}/replies/{messageId}/retry': async (event) => {
    const caller = callerOf(event);
    const conversationId = pathParam(event, 'conversationId', 'conversation');
    return json(201, await replies.retryReply(context(), caller, conversationId, pathParam(event, 'messageId', 'reply')));
  },
});
