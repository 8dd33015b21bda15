/** The text of a note or a reply: non-empty, bounded, no control characters but line breaks. */
import * as z from 'zod';

// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
export const bodyText = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => value.trim().length > 0, { message: 'must not be only spaces', params: { rule: 'empty' }, when: (payload) => payload.issues.length === 0 })
    .refine((value) => !CONTROL_BUT_LINES.test(value), { message: 'must not contain control characters', params: { rule: 'no_control_characters' } });
