/** Partial updates of existing items, shared by the repositories that edit records through the API. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/** `SET a = :a, b = :b` for the defined fields of `changes`, plus updatedAt. */
export function setExpression(changes: Record<string, unknown>) {
  const fields = Object.entries({ ...changes, updatedAt: new Date().toISOString() }).filter(([, value]) => value !== undefined);
  return {
    UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
    ExpressionAttributeValues: Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
  };
}

/** Sets `changes` on the item if it exists and returns it as it is now; undefined if there is no such item. */
export async function updateExisting(client: DynamoDBDocumentClient, table: string, key: { pk: string; sk: string }, changes: Record<string, unknown>) {
  try {
    const result = await client.send(
      new UpdateCommand({ TableName: table, Key: key, ...setExpression(changes), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_NEW' }),
    );
    return result.Attributes;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}
