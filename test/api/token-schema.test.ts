import * as z from 'zod';
import { verificationTokenSchema } from '../../functions/inboxes/schemas';
import { postedTokenSchema } from '../../functions/inboxes/token-schema';

describe('the zod/mini token schema of the verification function', () => {
  test('is the documented schema: same JSON Schema', () => {
    expect(z.toJSONSchema(postedTokenSchema)).toEqual(z.toJSONSchema(verificationTokenSchema));
  });

  test.each([
    { token: 'A'.repeat(43) },
    { token: '' },
    { token: 'x'.repeat(200) },
    { token: 'x'.repeat(201) },
    { token: 'A'.repeat(43), extra: true },
    { token: 42 },
    {},
    [],
    null,
    'token',
  ])('same verdict on %p', (body) => {
    expect(postedTokenSchema.safeParse(body).success).toBe(verificationTokenSchema.safeParse(body).success);
  });
});
