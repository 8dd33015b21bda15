/** Paginated listings of the API: the page size, and the error of a foreign cursor (the query fields: page-fields.ts). */
import { ValidationFailed } from './errors';

/** The cursor does not continue this listing: malformed, altered, or from another listing or account. */
export class InvalidCursor extends Error {}

export const DEFAULT_PAGE_SIZE = 25;

/** Reads a page; a cursor the store refuses is the client's `400` on `cursor`. */
export async function readPage<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursor) throw ValidationFailed.field('cursor', 'invalid_cursor', 'is not a cursor of this listing: start again without it');
    throw error;
  }
}
