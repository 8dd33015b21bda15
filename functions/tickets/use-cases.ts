/**
 * Pipelines and tickets of the caller's account. Input arrives validated by `schemas.ts`; these check what a
 * schema cannot (the pipeline exists, the stage is one of its stages, the owner is a user of the account).
 */
import { FieldIssue, NotFound } from '../commons/errors';
import { ownerIssues } from '../contacts/owner';
import type { DirectoryStore } from '../directory/ports';
import { refuseIssues, Scope } from '../directory/use-cases';
import type { Ticket } from './model';
import { DEFAULT_PIPELINE, Pipeline, PipelineCatalog, PipelineStore } from './pipelines';
import { DEFAULT_PAGE_SIZE, readPage } from '../commons/paging';
import type { TicketChanges, TicketPage, TicketStore } from './ports';
import type { NewPipelineInput, TicketChangesInput, TicketListInput } from './schemas';

export interface TicketContext {
  readonly tickets: TicketStore;
  readonly pipelines: PipelineStore;
  readonly directory: Pick<DirectoryStore, 'user'>;
}

/** The default pipeline first, then the account's own, oldest first. */
export async function listPipelines(store: PipelineStore, scope: Scope): Promise<Pipeline[]> {
  return [DEFAULT_PIPELINE, ...(await store.pipelines(scope.accountId))];
}

export async function getPipeline(store: PipelineCatalog, scope: Scope, pipelineId: string): Promise<Pipeline> {
  const pipeline = await store.pipeline(scope.accountId, pipelineId);
  if (!pipeline) throw new NotFound('pipeline');
  return pipeline;
}

export async function createPipeline(store: PipelineStore, scope: Scope, input: NewPipelineInput, newId: (prefix: string) => string): Promise<Pipeline> {
  const pipeline: Pipeline = { pipelineId: newId('pl'), name: input.name, stages: input.stages };
  await store.createPipeline(scope.accountId, pipeline);
  return pipeline;
}

/**
 * Issues of `pipelineId` (must be a pipeline of the account) and `stageId` (one of its stages), if given;
 * fields named `<at>pipelineId`, `<at>stageId` (e.g. `template.` for an inbox's ticket template).
 */
export async function placementIssues(store: PipelineCatalog, scope: Scope, pipelineId: string, stageId: string | undefined, at = ''): Promise<FieldIssue[]> {
  const pipeline = await store.pipeline(scope.accountId, pipelineId);
  if (!pipeline) return [{ field: `${at}pipelineId`, rule: 'unknown_pipeline', message: `${pipelineId} is not a pipeline of this account` }];
  if (stageId === undefined || pipeline.stages.some((stage) => stage.stageId === stageId)) return [];
  const known = pipeline.stages.map((stage) => stage.stageId).join(', ');
  return [{ field: `${at}stageId`, rule: 'unknown_stage', message: `${stageId} is not a stage of the ${pipeline.name} pipeline (${known})` }];
}

export async function listTickets(context: TicketContext, scope: Scope, query: TicketListInput): Promise<TicketPage> {
  if (query.pipelineId !== undefined) refuseIssues(await placementIssues(context.pipelines, scope, query.pipelineId, query.stageId));
  const filter = { pipelineId: query.pipelineId, stageId: query.stageId, ownerId: query.ownerId === 'none' ? null : query.ownerId };
  return readPage(() => context.tickets.tickets(scope.accountId, filter, { limit: query.limit ?? DEFAULT_PAGE_SIZE, cursor: query.cursor }));
}

export async function getTicket(store: TicketStore, scope: Scope, ticketId: string): Promise<Ticket> {
  const ticket = await store.ticket(scope.accountId, ticketId);
  if (!ticket) throw new NotFound('ticket');
  return ticket;
}

/**
 * Renames, moves (another stage, or another pipeline with one of its stages), reprioritizes or (un)assigns
 * a ticket; its listings follow.
 */
export async function updateTicket(context: TicketContext, scope: Scope, ticketId: string, input: TicketChangesInput): Promise<Ticket> {
  const current = await getTicket(context.tickets, scope, ticketId);
  const { pipelineId, stageId, ...changes } = input;
  let placement: TicketChanges['placement'];
  const issues: FieldIssue[] = [];
  if (pipelineId !== undefined || stageId !== undefined) {
    placement = { pipelineId: pipelineId ?? current.pipelineId, stageId: stageId ?? current.stageId };
    if (stageId === undefined && placement.pipelineId !== current.pipelineId) {
      issues.push({ field: 'stageId', rule: 'required', message: 'is required when the pipeline changes: a stage of the new pipeline' });
    } else {
      issues.push(...(await placementIssues(context.pipelines, scope, placement.pipelineId, placement.stageId)));
    }
  }
  issues.push(...(await ownerIssues(context.directory, scope, 'ownerId', changes.ownerId)));
  refuseIssues(issues);
  const updated = await context.tickets.updateTicket(current, { ...changes, placement });
  if (!updated) throw new NotFound('ticket');
  return updated;
}
