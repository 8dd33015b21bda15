/**
 * Peak RSS while ingesting a message at SES's 40 MB limit: written to a temp file in chunks, streamed to
 * S3, then ingested by the real handler in a child process (bundled like the Lambda, run with plain node).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bundleLikeLambda } from '../support/lambda-bundle';
import { Upload } from '@aws-sdk/lib-storage';

const CRLF = '\r\n';
/** Decoded sizes; base64 with CRLF every 76 characters makes ~41.6 MB of message, under SES's 40 MiB. */
export const ATTACHMENT_MIB = [12, 8, 5, 4];

export interface LargeMessage {
  readonly path: string;
  readonly sizeBytes: number;
  readonly attachments: ReadonlyArray<{ filename: string; size: number; sha256: string }>;
}

/** Writes the message without ever holding more than one 57 kB slice of attachment in memory. */
export function writeLargeMessage(dir: string, to: string): LargeMessage {
  const path = join(dir, 'large.eml');
  const fd = openSync(path, 'w');
  const write = (text: string) => writeSync(fd, text);
  const boundary = 'bench-large-boundary';
  write(
    [
      'From: Ivana Horvat <ivana.horvat@primjer.hr>',
      `To: ${to}`,
      'Subject: Scans of the signed contracts',
      'Date: Tue, 4 Mar 2025 13:30:01 +0100',
      `Message-ID: <bench-large-${Date.now()}@mail.primjer.hr>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset="UTF-8"',
      '',
      'Hello, the signed contracts are attached (big scans, sorry).',
      '',
    ].join(CRLF),
  );
  const attachments = ATTACHMENT_MIB.map((mib, index) => {
    const filename = `contract-${index + 1}.pdf`;
    write([`--${boundary}`, `Content-Type: application/pdf; name="${filename}"`, `Content-Disposition: attachment; filename="${filename}"`, 'Content-Transfer-Encoding: base64', '', ''].join(CRLF));
    const size = mib * 1024 * 1024;
    const hash = createHash('sha256');
    // 57 000 bytes = exactly 1 000 base64 lines of 76 characters, so slices join without re-wrapping.
    for (let written = 0; written < size; written += 57_000) {
      const slice = randomBytes(Math.min(57_000, size - written));
      hash.update(slice);
      write(`${slice.toString('base64').replace(/.{76}/g, `$&${CRLF}`).replace(/\r\n$/, '')}${CRLF}`);
    }
    return { filename, size, sha256: hash.digest('hex') };
  });
  write(`--${boundary}--${CRLF}`);
  closeSync(fd);
  return { path, sizeBytes: statSync(path).size, attachments };
}

/** Multipart upload from the file stream, as SES's S3 action would leave it. */
export async function uploadFile(client: S3Client, bucket: string, key: string, path: string): Promise<void> {
  await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(path) } }).done();
}

export interface ChildFigures {
  readonly peakRss: number;
  readonly maxRss: number;
  readonly rssLoaded: number;
  readonly ms: number;
}

/** Bundles ingest-once.ts as the Lambda is bundled (ESM, minified) and runs it with the current environment. */
export async function ingestInChild(event: unknown): Promise<ChildFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'hosted-inbox-bench-'));
  try {
    const outfile = join(dir, 'ingest-once.mjs');
    bundleLikeLambda(join(__dirname, 'ingest-once.ts'), outfile);
    const child = spawn(process.execPath, [outfile, JSON.stringify(event)], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const timeout = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timeout);
    if (code !== 0) throw new Error(`ingest child exited with ${code}`);
    return JSON.parse(stdout.trim().split('\n').pop()!);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every attachment stored with the generated size and hash, and its S3 object that size. */
export async function verifyStored(client: S3Client, bucket: string, expected: LargeMessage['attachments'], stored: ReadonlyArray<Record<string, unknown>>): Promise<string[]> {
  const problems: string[] = [];
  if (stored.length !== expected.length) problems.push(`${stored.length} attachments stored, ${expected.length} sent`);
  for (const want of expected) {
    const got = stored.find((attachment) => attachment.filename === want.filename);
    if (!got) {
      problems.push(`${want.filename} missing`);
      continue;
    }
    if (got.size !== want.size || got.sha256 !== want.sha256) problems.push(`${want.filename}: recorded ${got.size} bytes / ${got.sha256}, sent ${want.size} / ${want.sha256}`);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: String(got.storageKey) }));
    if (head.ContentLength !== want.size) problems.push(`${want.filename}: S3 object is ${head.ContentLength} bytes, sent ${want.size}`);
  }
  return problems;
}
