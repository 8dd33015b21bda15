/**
 * Plays SES inbound locally: accepts mail over SMTP, stores the raw bytes in S3 under the key SES would
 * use (`<prefix><SES message id>`, with the Return-Path and Received headers SES prepends), then invokes
 * the same inbound handler with an SES-receipt-shaped event. Replies 250 only once the handler is done,
 * so the sender knows the message is in; a handler failure is a 451 (try again), as SES would retry.
 *
 * It judges no SPF, DKIM, DMARC, spam or virus: it removes the verdict headers the sender wrote (anyone can
 * write `Authentication-Results: amazonses.com; dmarc=pass`) and says so in its own receipt line, above
 * which — as above SES's `X-SES-RECEIPT` — nothing claims a verdict.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SMTPServer, SMTPServerAddress } from 'smtp-server';

/** SES inbound's limit. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

/** Headers that carry (or claim) a verdict: only SES, above its receipt line, may write them. */
const VERDICT_HEADER = /^(x-ses-[\w-]+|authentication-results|arc-authentication-results|received-spf|x-hosted-inbox-local-receipt)\s*:/i;
/** The listener's receipt line: the end of what it prepends, as X-SES-RECEIPT ends SES's block. */
export const LOCAL_RECEIPT_HEADER = 'X-Hosted-Inbox-Local-Receipt';
/** Header bytes searched for verdict headers; a longer header block passes through (the receipt line still guards). */
const MAX_STRIPPED_HEADER_BYTES = 1024 * 1024;

/**
 * The message with the sender's verdict headers (and their folded continuation lines) removed from its
 * header block. Linear: the block is split into lines once.
 */
export async function* withoutVerdictHeaders(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let head = Buffer.alloc(0);
  let inBody = false;
  for await (const chunk of chunks) {
    if (inBody) {
      yield chunk;
      continue;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (end < 0 && head.length < MAX_STRIPPED_HEADER_BYTES) continue;
    inBody = true;
    const cut = end < 0 ? head.length : end;
    yield stripVerdictLines(head.subarray(0, cut));
    if (cut < head.length) yield head.subarray(cut);
  }
  if (!inBody && head.length) yield stripVerdictLines(head);
}

function headerEnd(buffer: Buffer): number {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf)) return crlf + 2;
  return lf >= 0 ? lf + 1 : -1;
}

function stripVerdictLines(block: Buffer): Buffer {
  const lines = block.toString('latin1').split(/(?<=\n)/);
  let dropping = false;
  const kept = lines.filter((line) => {
    if (/^[ \t]/.test(line)) return !dropping; // a continuation belongs to the header above it
    dropping = VERDICT_HEADER.test(line);
    return !dropping;
  });
  return Buffer.from(kept.join(''), 'latin1');
}

export interface SmtpInboundOptions {
  readonly port: number;
  readonly host?: string;
  readonly bucket: string;
  readonly rawMailPrefix: string;
  readonly s3: S3Client;
  /** The inbound Lambda handler (or anything taking its event). */
  readonly handler: (event: unknown) => Promise<unknown>;
  readonly onError?: (error: unknown) => void;
}

export interface SmtpInbound {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startSmtpInbound(options: SmtpInboundOptions): Promise<SmtpInbound> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MESSAGE_BYTES,
    banner: 'hosted-inbox local SES inbound',
    logger: false,
    onData(stream, session, callback) {
      const messageId = sesLikeMessageId();
      const key = `${options.rawMailPrefix}${messageId}`;
      const mailFrom = addressOf(session.envelope.mailFrom);
      const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      const receivedAt = new Date();
      const prepended = [
        `Return-Path: <${mailFrom}>`,
        `Received: from ${session.clientHostname || 'localhost'} (${session.remoteAddress}) by hosted-inbox-local with SMTP id ${messageId} for ${recipients[0]}; ${receivedAt.toUTCString()}`,
        `${LOCAL_RECEIPT_HEADER}: not judged (local SMTP listener: no SPF, DKIM, DMARC, spam or virus verdicts; the sender's verdict headers were removed)`,
        '',
      ].join('\r\n');
      const body = Readable.from((async function* () {
        yield Buffer.from(prepended);
        yield* withoutVerdictHeaders(stream as AsyncIterable<Buffer>);
      })());
      const deliver = async () => {
        await new Upload({ client: options.s3, params: { Bucket: options.bucket, Key: key, Body: body } }).done();
        if (stream.sizeExceeded) {
          await options.s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key }));
          return Object.assign(new Error(`Message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 });
        }
        await options.handler(sesReceiptEvent({ messageId, mailFrom, recipients, receivedAt }));
        return undefined;
      };
      deliver().then(
        (rejection) => callback(rejection ?? null, `Ok ${messageId}`),
        (error) => {
          options.onError?.(error);
          callback(Object.assign(new Error('Temporary failure, try again'), { responseCode: 451 }));
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { port, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The event SES's Lambda action sends (what the handler sees in AWS), with scanning not applied. */
export function sesReceiptEvent(input: { messageId: string; mailFrom: string; recipients: readonly string[]; receivedAt: Date }) {
  const timestamp = input.receivedAt.toISOString();
  const disabled = { status: 'DISABLED' };
  return {
    Records: [
      {
        eventSource: 'aws:ses',
        eventVersion: '1.0',
        ses: {
          mail: { timestamp, source: input.mailFrom, messageId: input.messageId, destination: [...input.recipients], headersTruncated: false },
          receipt: {
            timestamp,
            processingTimeMillis: 0,
            recipients: [...input.recipients],
            spamVerdict: disabled,
            virusVerdict: disabled,
            spfVerdict: disabled,
            dkimVerdict: disabled,
            dmarcVerdict: disabled,
            action: { type: 'Lambda', functionArn: 'arn:aws:lambda:local:000000000000:function:inbound', invocationType: 'Event' },
          },
        },
      },
    ],
  };
}

/** SES message ids are 20+ lower-case alphanumerics. */
function sesLikeMessageId(): string {
  return randomBytes(20).toString('hex');
}

function addressOf(address: SMTPServerAddress | false): string {
  return address ? address.address : '';
}
