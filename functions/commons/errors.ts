/**
 * Typed errors of the use cases behind the API; `apiHandler` (functions/api/http) maps them to HTTP status
 * in one place.
 * Anything else is a bug or an outage: logged with its stack, answered 500 without details.
 */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `template.stageId`; `(body)` for the body as a whole. */
  readonly field: string;
  /** Machine-readable rule, e.g. `required`, `too_long`, `unknown_field`, `no_line_breaks`. */
  readonly rule: string;
  readonly message: string;
}

export abstract class ApiError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly headers: Record<string, string> = {};
}

export class ValidationFailed extends ApiError {
  readonly status = 400;
  readonly code = 'validation_failed';
  constructor(readonly issues: readonly FieldIssue[]) {
    super(issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '));
  }
  static field(field: string, rule: string, message: string): ValidationFailed {
    return new ValidationFailed([{ field, rule, message }]);
  }
}

export class Forbidden extends ApiError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/** Also what a resource of another account gets: indistinguishable from one that does not exist. */
export class NotFound extends ApiError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class Conflict extends ApiError {
  readonly status = 409;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class Gone extends ApiError {
  readonly status = 410;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export class TooManyRequests extends ApiError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

/** The request would build something larger than a limit allows (e.g. a reply over SES's message size). */
export class PayloadTooLarge extends ApiError {
  readonly status = 413;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** A service we depend on (e.g. SES) failed; the request may be retried. */
export class UpstreamFailed extends ApiError {
  readonly status = 502;
  constructor(readonly code: string, message: string) {
    super(message);
  }
}
