/** Request bodies of the contact routes: strict (unknown fields are refused). */
import { z } from 'zod';
import { id } from '../directory/fields';

/** null clears the owner. */
export const contactOwnerSchema = z.strictObject({ ownerId: id('usr').nullable() });
export type ContactOwnerInput = z.infer<typeof contactOwnerSchema>;
