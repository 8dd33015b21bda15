/** Paginated listings of the API: the `limit` and `cursor` query fields, and the error of a foreign cursor. */
import * as z from 'zod';
import { ValidationFailed } from './errors';

/** The cursor does not continue this listing: malformed, altered, or from another listing or account. */
export class InvalidCursor extends Error {}

export const DEFAULT_PAGE_SIZE = 25;

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

/** Reads a page; a cursor the store refuses is the client's `400` on `cursor`. */
export async function readPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursor) throw ValidationFailed.field('cursor', 'invalid_cursor', 'is not a cursor of this listing: start again without it');
    throw error;
  }
}
