/** Creates the tables (from the shared table design) and the mail bucket on the local AWS stack. */
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { config } from '../../functions/commons/env';
import { TABLES, TableKey } from '../../functions/commons/table-design';

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
};

export async function provisionLocalResources(): Promise<void> {
  const { tables, mailBucket } = config();
  const dynamodb = new DynamoDBClient({});
  const existing = new Set((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const key of Object.keys(TABLES) as TableKey[]) {
    const design = TABLES[key];
    const TableName = tables[key];
    if (existing.has(TableName)) continue;
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
  s3.destroy();
}
