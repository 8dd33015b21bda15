import { randomBytes } from 'node:crypto';

/** Random ids (`cv_` + 128 bits in hex): unguessable, so a conversation id can serve as a reply token. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('hex')}`;
}
