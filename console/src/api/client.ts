/** The typed HTTP API client (openapi-fetch over the types generated from openapi.json) and its errors. */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Inbox = Schemas['InboxView'];
export type Channel = Schemas['Channel'];
export type Team = Schemas['Team'];
export type Api = ReturnType<typeof createApi>;

export interface FieldIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** A refusal of the API: its status, code, words, and (400) the offending fields. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }

  static from(status: number, body: unknown): ApiError {
    const refusal = (body as { error?: { code?: string; message?: string; issues?: FieldIssue[] } } | undefined)?.error;
    if (refusal) return new ApiError(status, refusal.code ?? 'error', refusal.message ?? `The API answered ${status}`, refusal.issues ?? []);
    // The authorizer and gateway answer { message } only.
    const message = (body as { message?: string } | undefined)?.message;
    return new ApiError(status, status === 401 ? 'unauthorized' : 'error', message ?? `The API answered ${status}`);
  }

  /** The words for one field (or anything under it, e.g. `fallback` for `fallback.userIds.0`). */
  forField(field: string): string | undefined {
    const found = this.issues.filter((issue) => issue.field === field || issue.field.startsWith(`${field}.`));
    return found.length ? found.map((issue) => issue.message).join('; ') : undefined;
  }
}

export function createApi(baseUrl: string, token: () => string | undefined) {
  const client = createClient<paths>({ baseUrl });
  client.use({
    onRequest({ request }) {
      const bearer = token();
      if (bearer) request.headers.set('authorization', `Bearer ${bearer}`);
      return request;
    },
  });
  return client;
}

/** The data of a successful answer; an ApiError otherwise. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw ApiError.from(response.status, error);
  return data as T;
}

/** The words for a field of a failed mutation, for the `error` prop of its input. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.forField(field) : undefined;
}

/** The words of a failure not tied to one field (or of any failure, when no field names it). */
export function generalError(error: unknown, fields: readonly string[] = []): string | undefined {
  if (!error) return undefined;
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  return fields.some((field) => error.forField(field)) ? undefined : error.message;
}
