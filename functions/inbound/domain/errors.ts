/** Typed errors of the inbound pipeline: permanent ones become failed records; others are retried. */

/** The raw bytes are not a message we can read. Permanent: retrying cannot help. */
export class UnparseableMessageError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'UnparseableMessageError';
  }
}
