/** Ticket pipelines of an account (tickets table); the default "Support" pipeline needs no item. */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PIPELINE, Pipeline, PipelineCatalog } from '../tickets/pipelines';
import { keys } from './keys';

export class DynamoPipelines implements PipelineCatalog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async pipeline(accountId: string, pipelineId: string): Promise<Pipeline | undefined> {
    const item = (await this.client.send(new GetCommand({ TableName: this.table, Key: keys.pipeline(accountId, pipelineId) }))).Item;
    if (item) return { pipelineId, name: item.name, stages: item.stages };
    return pipelineId === DEFAULT_PIPELINE.pipelineId ? DEFAULT_PIPELINE : undefined;
  }
}
