/** Request bodies of the wizard's steps: strict (unknown fields are refused), every rule named. */
import * as z from 'zod';
import { displayName, emailAddress, id, idList } from '../directory/fields';
import { templateProblem } from '../tickets/name-template';
import { PRIORITIES } from '../tickets/pipelines';
import { localPart } from './addresses';

export const newInboxSchema = z.strictObject({
  name: displayName(60),
  channel: z.literal('team-email', { message: 'must be "team-email"' }),
  accountType: z.literal('shared', { message: 'must be "shared"' }),
  provider: z.literal('other', { message: 'must be "other" (forwarding from any provider)' }),
});
export type NewInboxInput = z.infer<typeof newInboxSchema>;

export const senderNameSchema = z.strictObject({
  mode: z.enum(['agent-and-company', 'company'], { message: 'must be "agent-and-company" or "company"' }),
  companyName: displayName(80),
});

export const senderAddressSchema = z.discriminatedUnion(
  'mode',
  [z.strictObject({ mode: z.literal('default'), username: localPart }), z.strictObject({ mode: z.literal('custom'), address: emailAddress })],
  { message: 'mode must be "default" or "custom"' },
);
export type SenderAddressInput = z.infer<typeof senderAddressSchema>;

const targets = { userIds: idList('usr', 200).default([]), teamIds: idList('team', 50).default([]) };
const someone = (value: { userIds: string[]; teamIds: string[] }) => value.userIds.length + value.teamIds.length > 0;
const someoneRule = { message: 'must name at least one user or team', params: { rule: 'empty_targets' } };

export const assignmentSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('off') }),
    z.strictObject({ mode: z.literal('specific'), ...targets }).refine(someone, someoneRule),
    z.strictObject({ mode: z.literal('contact-owner'), fallback: z.strictObject(targets).default({ userIds: [], teamIds: [] }) }),
  ],
  { message: 'mode must be "off", "specific" or "contact-owner"' },
);
export type AssignmentInput = z.infer<typeof assignmentSchema>;

const nameTemplate = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .superRefine((value, context) => {
    const problem = templateProblem(value);
    if (problem) context.addIssue({ code: 'custom', params: { rule: 'invalid_template' }, message: problem });
  })
  .pipe(displayName(200));

export const ticketsSchema = z.discriminatedUnion(
  'enabled',
  [
    z.strictObject({ enabled: z.literal(false) }),
    z.strictObject({
      enabled: z.literal(true),
      template: z.strictObject({
        name: nameTemplate,
        pipelineId: z.string().min(1).max(64),
        stageId: z.string().min(1).max(64),
        priority: z.enum(PRIORITIES, { message: `must be one of ${PRIORITIES.join(', ')}` }),
        owner: z.discriminatedUnion('type', [z.strictObject({ type: z.literal('assignee') }), z.strictObject({ type: z.literal('user'), userId: id('usr') })], {
          message: 'type must be "assignee" or "user"',
        }),
      }),
    }),
  ],
  { message: 'enabled must be true or false' },
);
export type TicketsInput = z.infer<typeof ticketsSchema>;

export const MAX_TRUSTED_FORWARDERS = 100;

export const trustedForwardersSchema = z.strictObject({
  addresses: z
    .array(emailAddress)
    .max(MAX_TRUSTED_FORWARDERS, `must list at most ${MAX_TRUSTED_FORWARDERS}`)
    .refine((addresses) => new Set(addresses).size === addresses.length, { message: 'must not repeat an address', params: { rule: 'duplicate' } })
    .meta({ uniqueItems: true }),
  membersTrusted: z.boolean({ message: 'must be true or false' }).default(true),
});
export type TrustedForwardersInput = z.infer<typeof trustedForwardersSchema>;

export const forwardingAddressSchema = z.strictObject({ localPart });

export const replySettingsSchema = z.strictObject({
  quote: z.enum(['none', 'last-message'], { message: 'must be "none" or "last-message"' }),
});

/**
 * The token of a verification link (`GET /verify?token=`, or posted by its button), as documented. The public
 * verification function checks bodies with the same schema in zod/mini (`token-schema.ts`); a test keeps the two equal.
 */
export const verificationTokenSchema = z.strictObject({ token: z.string().max(200) });
