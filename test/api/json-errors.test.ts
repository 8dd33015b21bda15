/** A malformed JSON body (issue 11 #11): the error names the position and never quotes the body. */
import * as z from 'zod';
import { jsonBody, ApiEvent } from '../../functions/api/http/request';
import { jsonErrorPosition } from '../../functions/commons/json-position';

const errorOf = (body: string) => {
  try {
    jsonBody({ body, isBase64Encoded: false } as ApiEvent, z.object({}).passthrough());
  } catch (error) {
    return error as { issues?: Array<{ field: string; rule: string; message: string }>; message: string };
  }
  throw new Error('parsed');
};

describe('malformed JSON bodies', () => {
  it.each([
    ['{"email":"a@b.example","password":hunter2}', 34],
    ['{"password":"hunter2",}', 22],
    ['{"password":"hunter2"', 21],
    ['{"password" "hunter2"}', 12],
    ["{'password':'hunter2'}", 1],
    ['hunter2', 0],
    ['{"a":[1,2,]}', 10],
    ['{"a":1} hunter2', 8],
  ])('%s: says where (%i), never what', (body, position) => {
    expect(() => JSON.parse(body)).toThrow();
    const error = errorOf(body);
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(error.issues).toEqual([{ field: '(body)', rule: 'invalid_json', message: `is not valid JSON (at character ${position})` }]);
  });

  it('agrees with JSON.parse on what is valid, including deep nesting without recursion', () => {
    for (const text of ['{}', '[]', ' {"a":[1,{"b":null},"x\\u00e9"],"c":-1.5e3} ', 'true', '"s"', '[[[]]]']) {
      expect([text, jsonErrorPosition(text)]).toEqual([text, undefined]);
      expect(() => JSON.parse(text)).not.toThrow();
    }
    expect(jsonErrorPosition('['.repeat(1_000_000))).toBe(1_000_000);
  });
});
