/** Which failures are recorded and which retried (issue 11 #1), and Outlook's Thread-Index root (#16). */
import { failureKind, failureReason, PermanentStoreError, UnparseableMessageError } from '../../functions/inbound/domain/errors';
import { threadIndexRoot, threadKeys } from '../../functions/inbound/domain/steps/thread';

const serviceError = (name: string, status: number, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('failureKind', () => {
  it.each([
    ['ValidationException (key or item over a limit)', 'permanent', serviceError('ValidationException', 400)],
    ['S3 KeyTooLongError', 'permanent', serviceError('KeyTooLongError', 400)],
    ['a cancelled transaction refused for size', 'permanent', new PermanentStoreError('ValidationError')],
    ['an unreadable message', 'permanent', new UnparseableMessageError('bad MIME')],
    ['throttling, although a 400', 'transient', serviceError('ThrottlingException', 400)],
    ['contention', 'transient', serviceError('TransactionConflictException', 400)],
    ['a 5xx', 'transient', serviceError('InternalServerError', 500)],
    ['a retryable SDK error', 'transient', Object.assign(new Error('x'), { $retryable: {} })],
    ['a reset connection', 'transient', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['missing grants (fixed by a deploy, then retried)', 'transient', serviceError('AccessDeniedException', 400)],
    ['a bug', 'unknown', new TypeError('x is undefined')],
  ])('%s: %s', (_name, kind, error) => {
    expect(failureKind(error)).toBe(kind);
  });

  it('names the error in one bounded line', () => {
    expect(failureReason(serviceError('ValidationException', 400))).toBe('ValidationException: ValidationException');
    expect(failureReason(new Error(`a\n${'b'.repeat(2000)}`)).length).toBe(500);
  });
});

describe('Thread-Index', () => {
  it('takes the 22-byte root of a reply, and refuses what is not one', () => {
    const root = Buffer.alloc(22, 7);
    const reply = Buffer.concat([root, Buffer.alloc(5, 1), Buffer.alloc(5, 2)]).toString('base64');
    expect(threadIndexRoot(reply)).toBe(root.toString('base64'));
    expect(threadIndexRoot(root.toString('base64'))).toBe(root.toString('base64'));
    expect(threadIndexRoot(Buffer.alloc(23).toString('base64'))).toBeUndefined();
    expect(threadIndexRoot('not base64!')).toBeUndefined();
    expect(threadIndexRoot('A'.repeat(5000))).toBeUndefined();
  });

  it('looks up every In-Reply-To id and up to 100 References, newest first', () => {
    const references = Array.from({ length: 150 }, (_, index) => `r${index}@x.example`);
    const keys = threadKeys({ messageId: 'own@x.example', inReplyToIds: ['a@x.example', 'b@x.example'], references });
    expect(keys.inReplyTo).toEqual(['a@x.example', 'b@x.example']);
    expect(keys.referenced.slice(0, 3)).toEqual(['b@x.example', 'a@x.example', 'r149@x.example']);
    expect(keys.referenced).toHaveLength(100);
  });
});
