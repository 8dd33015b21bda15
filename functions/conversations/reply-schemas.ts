/**
 * Bodies and headers of the reply routes, apart from schemas.ts: the replies function builds only these at its cold
 * start (zod builds every schema a module declares when the module loads).
 */
import * as z from 'zod';
import { displayName, emailAddress, id } from '../directory/fields';
import { MAX_REPLY_ATTACHMENTS, SES_MAX_MESSAGE_BYTES } from './reply';
import { bodyText } from './text-fields';

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
