/** Local provisioning adds indexes declared since the local data was created (kept `.local/data` tables). */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES } from '../../functions/commons/table-design';
import { provisionLocalResources } from '../../bin/local/provision';
import { uniqueId } from '../support/stack';

it('an existing contacts table without the search indexes gets them; existing tables keep theirs', async () => {
  const TableName = uniqueId('contacts-before-search-');
  process.env.CONTACTS_TABLE = TableName; // read by config() on first use, in this test file only
  const client = new DynamoDBClient({});
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    }),
  );
  await provisionLocalResources();
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema?.map((key) => key.AttributeName)])).toEqual(
    TABLES.contacts.indexes.map((index) => [index.indexName, [index.partitionKey, index.sortKey]]),
  );
  // A second start changes nothing.
  await provisionLocalResources();
  expect((await client.send(new DescribeTableCommand({ TableName }))).Table?.GlobalSecondaryIndexes).toHaveLength(TABLES.contacts.indexes.length);
  client.destroy();
});
