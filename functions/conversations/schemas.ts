/** Query strings and bodies of the conversation routes: strict, every rule named. */
import * as z from 'zod';
import { changesObject, displayName, emailAddress, id } from '../directory/fields';
import { MAX_NAME_TEXT } from '../commons/text';
import { pageFields } from '../commons/page-fields';
import { INBOX_VIEWS } from './model';
import { bodyText } from './text-fields';

/** `GET /inboxes/{inboxId}/conversations` */
export const inboxViewSchema = z.strictObject({
  view: z.enum(INBOX_VIEWS, { message: `must be one of ${INBOX_VIEWS.join(', ')}` }),
  ...pageFields,
});
export type InboxViewInput = z.infer<typeof inboxViewSchema>;

/** `GET /conversations`: assigned to me, across the account's inboxes. */
export const myConversationsSchema = z.strictObject({ view: z.literal('mine', { message: 'must be mine' }).optional(), ...pageFields });
export type MyConversationsInput = z.infer<typeof myConversationsSchema>;

/** `GET /conversations/{id}`: remote images stay blocked unless asked for. */
export const conversationReadSchema = z.strictObject({ images: z.enum(['blocked', 'remote'], { message: 'must be blocked or remote' }).optional() });

/** `PATCH /conversations/{id}`: assign (a user id), unassign (null), close, reopen. */
export const conversationChangesSchema = changesObject({
  assigneeId: id('usr').nullable().optional(),
  status: z.enum(['open', 'closed'], { message: 'must be open or closed' }).optional(),
});
export type ConversationChanges = z.infer<typeof conversationChangesSchema>;

/** `POST /conversations/{id}/notes` */
export const noteSchema = z.strictObject({ text: bodyText(10_000) });

/**
 * `POST /messages/{messageId}/attribution`: the message's contact is `email` (created if new, with `name`; an
 * existing contact keeps its name). `trustForwarder` (admins only) also trusts the message's forwarder.
 */
export const attributionSchema = z.strictObject({
  email: emailAddress,
  name: displayName(MAX_NAME_TEXT).optional().meta({ description: 'for a contact created by this call; an existing contact keeps its name' }),
  trustForwarder: z.boolean({ message: 'must be true or false' }).optional().meta({ description: "admins: add the message's forwarder to the inbox's trusted forwarders in the same call" }),
});
export type AttributionInput = z.infer<typeof attributionSchema>;

/** `POST /conversations/{conversationId}/merge`: into another conversation of the same inbox. */
export const mergeSchema = z.strictObject({ intoConversationId: id('cv') });
export type MergeInput = z.infer<typeof mergeSchema>;
