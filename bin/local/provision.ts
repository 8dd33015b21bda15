/** Creates the tables (from the shared table design) and the mail bucket on the local AWS stack. */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from '../../functions/commons/env';
import { TableDesign, TABLES, TableKey } from '../../functions/commons/table-design';

/** Resource names the local stack uses; set them in the environment before `config()` is first read. */
export const LOCAL_RESOURCE_ENV: Record<string, string> = {
  INBOXES_TABLE: 'hosted-inbox-inboxes',
  CONTACTS_TABLE: 'hosted-inbox-contacts',
  CONVERSATIONS_TABLE: 'hosted-inbox-conversations',
  TICKETS_TABLE: 'hosted-inbox-tickets',
  MAIL_BUCKET: 'hosted-inbox-mail',
  RAW_MAIL_PREFIX: 'inbound/',
  INBOX_DOMAIN: 'inbox.localhost',
  // The SMTP listener judges no SPF/DKIM: the local stack chooses to trust such mail (never so in AWS).
  TRUST_UNJUDGED_MAIL: 'true',
  // aws-ses-v2-local has no identity API (calls to it never answer): sending domains use the local adapter.
  SENDING_IDENTITIES: 'local',
};

/**
 * Indexes added to the table design since the local data was created (GSIs are added additively; items
 * written before carry no keys for them until they are written again).
 */
async function addMissingIndexes(dynamodb: DynamoDBClient, TableName: string, design: TableDesign): Promise<void> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of design.indexes.filter((declared) => !present.has(declared.indexName))) {
    await dynamodb.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [index.partitionKey, index.sortKey].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.indexName, KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }, { AttributeName: index.sortKey, KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
  }
}

export async function provisionLocalResources(): Promise<void> {
  const { tables, mailBucket } = config();
  const dynamodb = new DynamoDBClient({});
  const existing = new Set((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const design = TABLES[key];
    const TableName = tables[key];
    if (existing.has(TableName)) {
      await addMissingIndexes(dynamodb, TableName, design);
      continue;
    }
    const indexAttributes = design.indexes.flatMap((index) => [index.partitionKey, index.sortKey]);
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: design.partitionKey, KeyType: 'HASH' },
          { AttributeName: design.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [design.partitionKey, design.sortKey, ...indexAttributes].map((name) => ({
          AttributeName: name,
          AttributeType: 'S',
        })),
        GlobalSecondaryIndexes: design.indexes.length
          ? design.indexes.map((index) => ({
              IndexName: index.indexName,
              KeySchema: [
                { AttributeName: index.partitionKey, KeyType: 'HASH' },
                { AttributeName: index.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            }))
          : undefined,
      }),
    );
    if ('ttlAttribute' in design && design.ttlAttribute) {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: design.ttlAttribute, Enabled: true },
        }),
      );
    }
  }
  dynamodb.destroy();
  const s3 = new S3Client({});
  const bucketExists = await s3.send(new HeadBucketCommand({ Bucket: mailBucket })).then(
    () => true,
    () => false,
  );
  if (!bucketExists) await s3.send(new CreateBucketCommand({ Bucket: mailBucket }));
  // The console PUTs reply attachments to presigned URLs from the browser: a cross-origin request. The
  // signature, not CORS, is what guards the bucket; locally any origin may send it (ports vary).
  await s3.send(new PutBucketCorsCommand({ Bucket: mailBucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PUT'], AllowedHeaders: ['*'], MaxAgeSeconds: 600 }] } }));
  s3.destroy();
}
