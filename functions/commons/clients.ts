/**
 * AWS clients, built once per cold start and shared by every invocation. Endpoints come from the SDK's
 * standard environment (`AWS_ENDPOINT_URL_*`), so the same code talks to AWS or to the local stack.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;
let sesClient: SESv2Client | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function s3(): S3Client {
  // Checksums only where S3 requires them: by default the SDK signs a presigned PUT with the CRC32 of an empty
  // body (x-amz-checksum-crc32=AAAAAA==), and S3 then refuses every real file a browser uploads through it.
  s3Client ??= new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
  return s3Client;
}

export function ses(): SESv2Client {
  sesClient ??= new SESv2Client({});
  return sesClient;
}
