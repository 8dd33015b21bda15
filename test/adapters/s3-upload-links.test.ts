/**
 * The presigned PUT a browser uploads a reply's file with. Locally the environment turns request checksums off
 * for s3rver; in AWS nothing does, so the client itself must: a link signed with the SDK's default checksum
 * carries the CRC32 of an empty body, and S3 refuses every real file put through it.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3OutboundFiles as OutboundFiles } from '../../functions/adapters/s3-mail-files';

const CHECKSUM_PARAMS = ['x-amz-checksum-crc32', 'x-amz-sdk-checksum-algorithm'];
const checksumParamsOf = (url: string) => CHECKSUM_PARAMS.filter((name) => new URL(url).searchParams.has(name));

/** Runs `run` with the modules loaded afresh and the environment as Lambda has it: no checksum settings. */
async function asInLambda<T>(run: (modules: { s3: () => S3Client; S3OutboundFiles: typeof OutboundFiles }) => Promise<T>): Promise<T> {
  const saved = { request: process.env.AWS_REQUEST_CHECKSUM_CALCULATION, response: process.env.AWS_RESPONSE_CHECKSUM_VALIDATION };
  delete process.env.AWS_REQUEST_CHECKSUM_CALCULATION;
  delete process.env.AWS_RESPONSE_CHECKSUM_VALIDATION;
  try {
    let modules!: Parameters<typeof run>[0];
    jest.isolateModules(() => {
      modules = { s3: require('../../functions/commons/clients').s3, S3OutboundFiles: require('../../functions/adapters/s3-mail-files').S3OutboundFiles };
    });
    return await run(modules);
  } finally {
    process.env.AWS_REQUEST_CHECKSUM_CALCULATION = saved.request;
    process.env.AWS_RESPONSE_CHECKSUM_VALIDATION = saved.response;
  }
}

const uploadCommand = () => new PutObjectCommand({ Bucket: 'mail', Key: 'outbound/cv_1/at_1', ContentType: 'application/pdf', ContentLength: 70_000 });

it('signs upload links without a checksum of the body, as a browser cannot send the right one', async () => {
  const url = await asInLambda(({ s3 }) => getSignedUrl(s3(), uploadCommand(), { expiresIn: 300 }));
  expect(checksumParamsOf(url)).toEqual([]);
  // Still bound to the length the reply described.
  expect(new URL(url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
});

it('would sign the empty body’s checksum with the SDK’s default client (the defect this guards against)', async () => {
  const url = await asInLambda(() => getSignedUrl(new S3Client({}), uploadCommand(), { expiresIn: 300 }));
  expect(checksumParamsOf(url)).toEqual(CHECKSUM_PARAMS);
});
