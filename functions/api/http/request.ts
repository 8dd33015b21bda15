/**
 * Reading an API Gateway (HTTP API, payload v2) request: the caller from the authorizer's claims, the JSON
 * body checked against a strict schema, path parameters. Every failure is a typed error with the field.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from 'zod';
import { CLAIMS } from '../routes';
import { FieldIssue, Forbidden, NotFound, ValidationFailed } from '../../commons/errors';
import { jsonErrorPosition } from '../../commons/json-position';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Who is calling, from the verified token only: never from the body, path or headers. */
export interface Caller {
  readonly accountId: string;
  readonly userId: string;
  readonly email?: string;
}

export function callerOf(event: ApiEvent): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const accountId = claims[CLAIMS.accountId];
  const userId = claims[CLAIMS.userId];
  if (typeof accountId !== 'string' || !accountId || typeof userId !== 'string' || !userId) {
    throw new Forbidden(`the token carries no ${CLAIMS.accountId} and ${CLAIMS.userId} claims`);
  }
  const email = claims[CLAIMS.email];
  return { accountId, userId, email: typeof email === 'string' ? email : undefined };
}

/** A path parameter; ids are opaque, so anything malformed simply does not exist. */
export function pathParam(event: ApiEvent, name: string, what: string): string {
  const value = event.pathParameters?.[name];
  if (!value || value.length > 128) throw new NotFound(what);
  return value;
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: at ? `${at}.${key}` : key, rule: 'unknown_field', message: 'is not a known field' }));
    }
    const rule =
      issue.code === 'invalid_type' && issue.input === undefined ? 'required'
      : issue.code === 'custom' ? String(issue.params?.rule ?? 'invalid')
      : issue.code;
    const { input: _input, ...reported } = issue; // the offending value is never echoed back
    return [{ field: at || '(body)', rule, message: rule === 'required' ? 'is required' : reported.message }];
  });
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  // zod 4 drops `input` from issues unless asked; `zodIssues` needs it to tell missing from mistyped.
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationFailed(zodIssues(result.error));
  return result.data;
}

/** The body as JSON, checked against `schema` (which should be strict: unknown fields are refused). */
export function jsonBody<T>(event: ApiEvent, schema: z.ZodType<T>): T {
  const text = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (!text.trim()) throw ValidationFailed.field('(body)', 'required', 'a JSON body is required');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Never the parser's message: it quotes the body, which may hold a password.
    const position = jsonErrorPosition(text) ?? 0;
    throw ValidationFailed.field('(body)', 'invalid_json', `is not valid JSON (at character ${position})`);
  }
  return parseWith(schema, value);
}
