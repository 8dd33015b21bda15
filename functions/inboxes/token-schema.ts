/**
 * The verification token body (`schemas.ts`'s verificationTokenSchema) in zod/mini, for the public verification
 * function: it needs only this schema, and full zod would be half of its bundle (≈ 450 KB against ≈ 14 KB).
 * test/api/token-schema.test.ts checks that both give the same JSON Schema and the same verdicts.
 */
import * as z from 'zod/mini';

export const postedTokenSchema = z.strictObject({ token: z.string().check(z.maxLength(200)) });
