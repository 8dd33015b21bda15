/** Request bodies and query strings of the contact routes: strict (unknown fields are refused). */
import * as z from 'zod';
import { pageFields } from '../commons/page-fields';
import { MAX_NAME_TEXT } from '../commons/text';
import { displayName, id } from '../directory/fields';
import { nameSearchKey } from './search';

/** null clears the owner. */
export const contactOwnerSchema = z.strictObject({ ownerId: id('usr').nullable() });
export type ContactOwnerInput = z.infer<typeof contactOwnerSchema>;

export const contactChangesSchema = z.strictObject({ name: displayName(MAX_NAME_TEXT) });
export type ContactChangesInput = z.infer<typeof contactChangesSchema>;

/** `GET /contacts`: every contact by email, or those whose email or name starts with a prefix (not both). */
export const contactListSchema = z
  .strictObject({
    email: z.string().trim().toLowerCase().min(1, 'must not be empty').max(254, 'must be at most 254 characters').optional(),
    name: z
      .string()
      .max(MAX_NAME_TEXT, `must be at most ${MAX_NAME_TEXT} characters`)
      .transform(nameSearchKey)
      .pipe(z.string().min(1, 'must contain a letter or digit'))
      .optional()
      .meta({ description: 'a prefix of the name, compared without case or accents' }),
    ...pageFields,
  })
  .refine((query) => query.email === undefined || query.name === undefined, {
    path: ['name'],
    message: 'search by email or by name, not both',
    params: { rule: 'one_search' },
  });
export type ContactListInput = z.infer<typeof contactListSchema>;

export const contactConversationsSchema = z.strictObject(pageFields);
export type ContactConversationsInput = z.infer<typeof contactConversationsSchema>;
