import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { TABLES, TableKey } from '../../functions/commons/table-design';
import { InboxData } from '../../lib/inbox-data';
import { logicalId, testApp } from './synth';

function build(props: ConstructorParameters<typeof InboxData>[2] = {}) {
  const stack = new Stack(testApp(), 'Data');
  const data = new InboxData(stack, 'Data', props);
  return { data, template: Template.fromStack(stack) };
}

describe('InboxData tables', () => {
  const { data, template } = build();
  const resources = template.toJSON().Resources;

  test('one table per designed table, nothing else', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(TABLES).length);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
  });

  test.each(Object.keys(TABLES) as TableKey[])('%s: keys, indexes, TTL, billing, PITR, retention', (key) => {
    const design = TABLES[key];
    const table = resources[logicalId(data.tables[key])];
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const props = table.Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.Replicas).toEqual([
      expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    ]);
    expect(props.GlobalSecondaryIndexes ?? []).toEqual(
      design.indexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    const ttl = 'ttlAttribute' in design ? design.ttlAttribute : undefined;
    expect(props.TimeToLiveSpecification).toEqual(ttl ? { AttributeName: ttl, Enabled: true } : undefined);
  });

  test('each table has exactly the indexes its design declares, keyed as the code queries them', () => {
    const indexOf = (name: string, partitionKey: string, sortKey: string) =>
      expect.objectContaining({
        IndexName: name,
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
      });
    expect(resources[logicalId(data.tables.conversations)].Properties.GlobalSecondaryIndexes).toEqual([
      indexOf('byParent', 'gsi1pk', 'gsi1sk'),
      indexOf('byStatus', 'gsi4pk', 'gsi4sk'),
      indexOf('byInboxAssignee', 'gsi5pk', 'gsi5sk'),
      indexOf('byAssignee', 'gsi6pk', 'gsi6sk'),
      indexOf('byContact', 'contactListPk', 'contactListSk'),
    ]);
    expect(resources[logicalId(data.tables.contacts)].Properties.GlobalSecondaryIndexes).toEqual([
      indexOf('byEmail', 'gsi1pk', 'gsi1sk'),
      indexOf('byName', 'gsi2pk', 'gsi2sk'),
    ]);
    expect(resources[logicalId(data.tables.tickets)].Properties.GlobalSecondaryIndexes).toEqual([
      indexOf('byParent', 'gsi1pk', 'gsi1sk'),
      indexOf('byOwner', 'gsi2pk', 'gsi2sk'),
      indexOf('byAccount', 'gsi3pk', 'gsi3sk'),
    ]);
    expect(resources[logicalId(data.tables.inboxes)].Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(resources[logicalId(data.tables.inboxes)].Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
  });
});

describe('InboxData mail bucket', () => {
  const { template } = build();

  test('encrypted, private, retained', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
  });

  test('denies every request without TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('raw mail moves to IA after 30 days and expires after 365 by default', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          {
            Id: 'raw-mail',
            Prefix: 'inbound/',
            Status: 'Enabled',
            ExpirationInDays: 365,
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
          },
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
          { Id: 'unreferenced-objects', Status: 'Enabled', TagFilters: [{ Key: 'hosted-inbox-unreferenced', Value: 'true' }], ExpirationInDays: 30 },
        ]),
      },
    });
  });

  test('raw-mail retention is a prop; no transition when retention is too short for one', () => {
    build({ rawMailRetention: Duration.days(20), rawMailPrefix: 'raw/' }).template.hasResourceProperties(
      'AWS::S3::Bucket',
      {
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            { Id: 'raw-mail', Prefix: 'raw/', Status: 'Enabled', ExpirationInDays: 20, Transitions: Match.absent() },
          ]),
        },
      },
    );
  });

  test.each(['', 'inbound', 'bodies/', 'attachments/x/', '/inbound/', 'Inbound/'])(
    'rejects raw-mail prefix %p, which would loop or not be a folder',
    (rawMailPrefix) => {
      expect(() => build({ rawMailPrefix })).toThrow(/rawMailPrefix/);
    },
  );
});
