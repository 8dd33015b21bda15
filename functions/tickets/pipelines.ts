/** Ticket pipelines: ordered stages. Every account has the default "Support" pipeline; more can be added. */
export interface Stage {
  readonly stageId: string;
  readonly name: string;
}

export interface Pipeline {
  readonly pipelineId: string;
  readonly name: string;
  readonly stages: readonly Stage[];
}

export const DEFAULT_PIPELINE: Pipeline = {
  pipelineId: 'support',
  name: 'Support',
  stages: [
    { stageId: 'new', name: 'New' },
    { stageId: 'waiting-on-contact', name: 'Waiting on contact' },
    { stageId: 'waiting-on-us', name: 'Waiting on us' },
    { stageId: 'closed', name: 'Closed' },
  ],
};

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface PipelineCatalog {
  /** The account's pipeline with this id (the default one included), or undefined. */
  pipeline(accountId: string, pipelineId: string): Promise<Pipeline | undefined>;
}

/** The catalog, plus what the pipelines API needs. */
export interface PipelineStore extends PipelineCatalog {
  /** The account's own pipelines, oldest first (the default one is not stored). */
  pipelines(accountId: string): Promise<Pipeline[]>;
  createPipeline(accountId: string, pipeline: Pipeline): Promise<void>;
}
