/** Request bodies and query strings of the pipeline and ticket routes: strict, every rule named. */
import * as z from 'zod';
import { changesObject, displayName, id } from '../directory/fields';
import { pageFields } from '../commons/page-fields';
import { PRIORITIES } from './pipelines';

/** Stage ids are chosen by people (they show in URLs and filters): short, lowercase, hyphenated. */
export const stageId = z.string().regex(/^[a-z0-9-]{1,40}$/, { message: 'must be 1 to 40 characters of a-z, 0-9 and -' });
/** The default pipeline's `support` or a generated `pl_…`; anything else cannot exist. */
export const pipelineId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be a pipeline id' });

const stages = z
  .array(z.strictObject({ stageId, name: displayName(60) }))
  .min(1, 'must have at least 1 stage')
  .max(20, 'must have at most 20 stages')
  .superRefine((list, context) => {
    const seen = new Set<string>();
    list.forEach((stage, index) => {
      if (seen.has(stage.stageId)) context.addIssue({ code: 'custom', path: [index, 'stageId'], params: { rule: 'duplicate' }, message: `repeats the stage id ${stage.stageId}` });
      seen.add(stage.stageId);
    });
  })
  .meta({ description: 'stage ids must not repeat' });

export const newPipelineSchema = z.strictObject({ name: displayName(60), stages });
export type NewPipelineInput = z.infer<typeof newPipelineSchema>;

const priority = z.enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` });

/** Ticket names: what a rendered name template may be (see inboxes/schemas.ts). */
export const ticketChangesSchema = changesObject({
  name: displayName(200).optional(),
  pipelineId: pipelineId.optional(),
  stageId: stageId.optional(),
  priority: priority.optional(),
  ownerId: id('usr').nullable().optional(),
});
export type TicketChangesInput = z.infer<typeof ticketChangesSchema>;

/** `GET /tickets` query string; API Gateway passes every value as a string. */
export const ticketListSchema = z
  .strictObject({
    pipelineId: pipelineId.optional(),
    stageId: stageId.optional(),
    ownerId: z.string().regex(/^(none|usr_[A-Za-z0-9_]{1,64})$/, { message: 'must be a user id (usr_…) or "none"' }).optional(),
    ...pageFields,
  })
  .refine((query) => query.stageId === undefined || query.pipelineId !== undefined, {
    path: ['stageId'],
    message: 'needs pipelineId: stage ids are only unique within a pipeline',
    params: { rule: 'requires_pipeline' },
  });
export type TicketListInput = z.infer<typeof ticketListSchema>;
