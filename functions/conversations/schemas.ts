/** Query strings and bodies of the conversation routes: strict, every rule named. */
import * as z from 'zod';
import { changesObject, displayName, emailAddress, id } from '../directory/fields';
import { MAX_NAME_TEXT } from '../commons/text';
import { MAX_REPLY_ATTACHMENTS, SES_MAX_MESSAGE_BYTES } from './reply';
import { INBOX_VIEWS } from './model';

const limit = z
  .string()
  .regex(/^[0-9]{1,4}$/, { message: 'must be a whole number' })
  .transform(Number)
  .pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'));
const cursor = z.string().max(2048, 'is not a cursor of this listing');

/** `GET /inboxes/{inboxId}/conversations` */
export const inboxViewSchema = z.strictObject({
  view: z.enum(INBOX_VIEWS, { message: `must be one of ${INBOX_VIEWS.join(', ')}` }),
  limit: limit.optional(),
  cursor: cursor.optional(),
});
export type InboxViewInput = z.infer<typeof inboxViewSchema>;

/** `GET /conversations`: assigned to me, across the account's inboxes. */
export const myConversationsSchema = z.strictObject({ view: z.literal('mine', { message: 'must be mine' }).optional(), limit: limit.optional(), cursor: cursor.optional() });
export type MyConversationsInput = z.infer<typeof myConversationsSchema>;

/** `GET /conversations/{id}`: remote images stay blocked unless asked for. */
export const conversationReadSchema = z.strictObject({ images: z.enum(['blocked', 'remote'], { message: 'must be blocked or remote' }).optional() });

/** `PATCH /conversations/{id}`: assign (a user id), unassign (null), close, reopen. */
export const conversationChangesSchema = changesObject({
  assigneeId: id('usr').nullable().optional(),
  status: z.enum(['open', 'closed'], { message: 'must be open or closed' }).optional(),
});
export type ConversationChanges = z.infer<typeof conversationChangesSchema>;

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const bodyText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.trim().length > 0, { message: 'must not be only spaces', params: { rule: 'empty' }, when: (payload) => payload.issues.length === 0 })
    .refine((value) => !CONTROL_BUT_LINES.test(value), { message: 'must not contain control characters', params: { rule: 'no_control_characters' } });

/** `POST /conversations/{id}/notes` */
export const noteSchema = z.strictObject({ text: bodyText(10_000) });

const recipients = z
  .array(emailAddress)
  .max(50, 'must list at most 50')
  .refine((list) => new Set(list).size === list.length, { message: 'must not repeat an address', params: { rule: 'duplicate' } })
  .meta({ uniqueItems: true });

/**
 * `POST /conversations/{id}/replies`. Without `to`/`cc`: the contact (their Reply-To if they set one), and
 * "reply all" keeps the customer's Cc. Given, they replace those; addresses from outside the conversation
 * must be confirmed in `addRecipients`.
 */
export const replySchema = z.strictObject({
  text: bodyText(100_000),
  html: z.string().max(200_000, 'must be at most 200000 characters').optional(),
  to: recipients.min(1, 'must name at least one recipient').optional(),
  cc: recipients.optional(),
  addRecipients: recipients.optional().meta({ description: 'addresses that are not participants of the conversation, added on purpose' }),
  replyAll: z.boolean().optional().meta({ description: "keep the customer's Cc (less our own addresses); default true" }),
  attachments: z
    .array(id('at'))
    .max(MAX_REPLY_ATTACHMENTS, `must list at most ${MAX_REPLY_ATTACHMENTS}`)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat an id', params: { rule: 'duplicate' } })
    .optional()
    .meta({ description: 'ids from POST /conversations/{id}/attachments, uploaded to their uploadUrl', uniqueItems: true }),
});

/** `POST /conversations/{conversationId}/attachments`: a file to upload for a reply. */
export const attachmentUploadSchema = z.strictObject({
  filename: displayName(200).refine((name) => !/[/\\]/.test(name), { message: 'must not contain / or \\', params: { rule: 'path_separator' } }),
  contentType: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$/, { message: 'must be a media type such as application/pdf' })
    .transform((type) => type.toLowerCase()),
  size: z.number().int('must be a whole number of bytes').min(1, 'must be at least 1').max(SES_MAX_MESSAGE_BYTES, `must be at most ${SES_MAX_MESSAGE_BYTES}`),
});
export type AttachmentUploadInput = z.infer<typeof attachmentUploadSchema>;
export type ReplyInput = z.infer<typeof replySchema>;

/** The `Idempotency-Key` header: a client-chosen token, printable, bounded. */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{8,200}$/, { message: 'must be 8 to 200 printable ASCII characters' });

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
