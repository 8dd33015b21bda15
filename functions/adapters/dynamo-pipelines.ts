/** Ticket pipelines of an account (tickets table); the default "Support" pipeline needs no item. */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PIPELINE, Pipeline, PipelineStore } from '../tickets/pipelines';
import { listAccountItems } from './account-items';
import { ACCOUNT_ITEMS, keys } from './keys';

/** Sort-key prefix of pipeline items in the account's partition (shared with its tickets). */

const pipelineFrom = (item: Record<string, unknown>): Pipeline => ({
  pipelineId: String(item.pipelineId),
  name: String(item.name),
  stages: item.stages as Pipeline['stages'],
});

export class DynamoPipelines implements PipelineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async pipeline(accountId: string, pipelineId: string): Promise<Pipeline | undefined> {
    if (pipelineId === DEFAULT_PIPELINE.pipelineId) return DEFAULT_PIPELINE;
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.pipeline(accountId, pipelineId) }))).Item;
    return item && pipelineFrom({ ...item, pipelineId });
  }

  async pipelines(accountId: string): Promise<Pipeline[]> {
    const items = await listAccountItems(this.client, this.table, accountId, ACCOUNT_ITEMS.pipeline);
    return items.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt))).map(pipelineFrom);
  }

  async createPipeline(accountId: string, pipeline: Pipeline): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.pipeline(accountId, pipeline.pipelineId), ...pipeline, accountId, createdAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }
}
