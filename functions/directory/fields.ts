/**
 * Field rules shared by every API schema. Names end up in email headers (the sender name) and in other
 * people's screens, so control characters — CR/LF above all, the header-injection vector — are refused, as
 * are bidi overrides and zero-width characters, which make a name read as something it is not.
 */
import * as z from 'zod';
import { hasUnsafeCharacters } from '../commons/text';

export const displayName = (max = 100) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !hasUnsafeCharacters(value), {
      message: 'must not contain line breaks, control, bidi or zero-width characters',
      params: { rule: 'no_control_characters' },
    });

export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ message: 'must be an email address' }))
  .meta({ format: 'email' }); // the OpenAPI document shows the piped check too

/** Opaque ids of our own (`usr_…`, `team_…`); anything else cannot exist. */
export const id = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_]{1,64}$`), { message: `must be an id starting with ${prefix}_` });

export const idList = (prefix: string, max: number) =>
  z
    .array(id(prefix))
    .max(max, `must list at most ${max}`)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat an id', params: { rule: 'duplicate' } })
    .meta({ uniqueItems: true });

/** At least one field: an empty PATCH is a client bug worth telling. */
export const changesObject = <T extends z.ZodRawShape>(shape: T) =>
  z.strictObject(shape).refine((value) => Object.keys(value).length > 0, {
    message: 'must change at least one field',
    params: { rule: 'empty_change' },
    // Only when the fields themselves were fine: `{ "email": … }` is an unknown field, not an empty change.
    when: (payload) => payload.issues.length === 0,
  }).meta({ minProperties: 1 });

/** Longest signature (characters); it is added to every reply, so it stays short. */
export const MAX_SIGNATURE = 1000;

/**
 * A signature: several lines of plain text (CRLF becomes LF), each free of control, bidi and zero-width
 * characters; empty clears it. Bounded before any line is looked at.
 */
export const signatureText = z
  .string()
  .max(MAX_SIGNATURE, `must be at most ${MAX_SIGNATURE} characters`)
  .transform((value) => value.replace(/\r\n?/g, '\n').replace(/\s+$/, ''))
  .refine((value) => !value.split('\n').some(hasUnsafeCharacters), {
    message: 'lines must not contain control, bidi or zero-width characters',
    params: { rule: 'no_control_characters' },
  });

export const signatureSchema = z.strictObject({ text: signatureText });
