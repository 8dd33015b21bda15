/**
 * Typed errors of the inbound pipeline and how a failure is judged: a permanent one becomes a `failed`
 * record with its reason (retrying cannot help, and a retry loop would hold the mail forever); a transient
 * one is retried. Judged by name and status only, so the domain imports no SDK.
 */

/** The raw bytes are not a message we can read. Permanent: retrying cannot help. */
export class UnparseableMessageError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'UnparseableMessageError';
  }
}

/** A store refused what we asked of it for a reason no retry changes (a key or an item over a limit). */
export class PermanentStoreError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'PermanentStoreError';
  }
}

export type FailureKind = 'transient' | 'permanent' | 'unknown';

/** Throttling, contention, the service or the network: the same request later will likely succeed. */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'LimitExceededException',
  'TransactionConflictException', 'TransactionInProgressException', 'InternalServerError', 'InternalFailure',
  'ServiceUnavailable', 'ServiceUnavailableException', 'SlowDown', 'RequestTimeout', 'RequestTimeoutException',
  'TimeoutError', 'AbortError', 'NetworkingError', 'CommitConflict', 'UnprocessedKeysError',
  // A deployment mistake (grants, a missing table) is fixed by people, after which the retry succeeds.
  'AccessDenied', 'AccessDeniedException', 'UnrecognizedClientException', 'ExpiredTokenException', 'ResourceNotFoundException',
  'CredentialsProviderError', 'NoSuchBucket',
]);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

interface ServiceError {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

export function failureKind(error: unknown): FailureKind {
  if (error instanceof UnparseableMessageError || error instanceof PermanentStoreError) return 'permanent';
  if (!error || typeof error !== 'object') return 'unknown';
  const { name, code, $retryable, $metadata } = error as ServiceError;
  if ($retryable || (name && TRANSIENT_NAMES.has(name)) || (code && TRANSIENT_CODES.has(code))) return 'transient';
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return 'transient';
  // The service answered and refused the request itself (ValidationException, KeyTooLongError, …).
  if (status !== undefined && status >= 400) return 'permanent';
  return 'unknown';
}

/** One line naming the error, never longer than a reason field should be. */
export function failureReason(error: unknown): string {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  const line = `${name}: ${message}`.replace(/\s+/g, ' ');
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
