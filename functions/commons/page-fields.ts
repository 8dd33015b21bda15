/**
 * The `limit` and `cursor` query fields of paginated listings, apart from paging.ts so the code that only reads pages
 * (use cases, the release function) does not load zod.
 */
import * as z from 'zod';

/** `limit` and `cursor` of a query string (API Gateway passes every value as a string). */
export const pageFields = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, { message: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'))
    .optional(),
  cursor: z.string().max(2048, 'is not a cursor of this listing').optional(),
};
