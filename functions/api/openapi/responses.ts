/**
 * What the API answers, as zod schemas: the response half of the OpenAPI document (requests are documented
 * from the very schemas that validate them). Parts that are also request bodies (sender name, assignment,
 * tickets) are those schemas' output; the rest mirrors the views the use cases return, and
 * test/api/openapi.test.ts checks real answers against the generated document.
 */
import * as z from 'zod';
import { assignmentSchema, replySettingsSchema, senderNameSchema, ticketsSchema } from '../../inboxes/schemas';
import { PRIORITIES } from '../../tickets/pipelines';

const timestamp = z.iso.datetime({ offset: true });
const availability = z.enum(['available', 'away']);

export const fieldIssue = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export const apiError = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(fieldIssue).optional() }).meta({ description: '`issues` name each offending field (400)' }),
});

export const account = z.object({ accountId: z.string(), name: z.string(), subdomain: z.string() });
export const user = z.object({
  userId: z.string(),
  accountId: z.string(),
  email: z.string(),
  name: z.string(),
  availability,
  capacity: z.number().int().nullable().meta({ description: 'most open conversations auto-assignment gives this user; null: no limit' }),
  role: z.enum(['admin', 'agent']).meta({ description: 'admin: settings and users; agent: works conversations and contacts' }),
  openAssigned: z.number().int().optional().meta({ description: 'open conversations assigned to this user across the inboxes: the count of "Assigned to me" everywhere (on reads)' }),
  signature: z.string().optional().meta({ description: 'appended to their replies, above the inbox signature' }),
});
export const team = z.object({ teamId: z.string(), accountId: z.string(), name: z.string(), memberIds: z.array(z.string()) });
export const me = z.object({ user, account });

const forwardingConfirmation = z.object({
  code: z.string().nullable(),
  link: z.string().nullable(),
  requestedBy: z.string().optional(),
  receivedAt: timestamp,
  authenticated: z.boolean().optional(),
});

const senderAddress = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('default'), username: z.string(), address: z.string() }),
  z.object({ mode: z.literal('custom'), address: z.string(), verified: z.boolean(), verifiedAt: timestamp.optional(), verificationSentAt: timestamp.optional() }),
]);

export const attachmentUpload = z.object({
  attachmentId: z.string(),
  uploadUrl: z.string().meta({ description: 'presigned PUT, signed for the declared Content-Type and size' }),
  expiresAt: timestamp,
});

export const inboxView = z.object({
  inboxId: z.string(),
  accountId: z.string(),
  name: z.string(),
  channel: z.literal('team-email'),
  accountType: z.literal('shared'),
  provider: z.literal('other'),
  status: z.enum(['draft', 'connected']),
  forwardingAddress: z.string(),
  senderName: senderNameSchema.optional(),
  senderAddress: senderAddress.optional(),
  senderPreview: z
    .object({ displayName: z.string(), header: z.string().meta({ description: 'the From header exactly as sent' }), canSend: z.boolean() })
    .optional(),
  assignment: assignmentSchema,
  tickets: ticketsSchema,
  teamAddresses: z.array(z.string()),
  trustedForwarders: z.array(z.string()),
  membersTrusted: z.boolean(),
  forwardingConfirmation: forwardingConfirmation.optional(),
  version: z.number().int(),
  createdAt: timestamp,
  connectedAt: timestamp.optional(),
  signature: z.string().optional().meta({ description: 'appended to every reply, below the agent signature' }),
  replySettings: replySettingsSchema.optional(),
  setup: z.object({
    ready: z.boolean(),
    missing: z.array(z.enum(['sender-name', 'sender-address', 'sender-address-verification'])),
    forwardingAddressEditable: z.boolean(),
  }),
});

export const channel = z.object({
  inboxId: z.string(),
  name: z.string(),
  forwardingAddress: z.string(),
  senderAddress: z.string().optional(),
  forwardingConfirmation: forwardingConfirmation.optional().meta({ description: 'link is null unless the confirmation mail authenticated as Google' }),
});

export const pipeline = z.object({ pipelineId: z.string(), name: z.string(), stages: z.array(z.object({ stageId: z.string(), name: z.string() })) });

export const ticket = z.object({
  ticketId: z.string(),
  accountId: z.string(),
  name: z.string(),
  pipelineId: z.string(),
  stageId: z.string(),
  priority: z.enum(PRIORITIES),
  ownerId: z.string().nullable(),
  conversationId: z.string(),
  contactId: z.string(),
  inboxId: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  mergedFromConversationId: z.string().optional().meta({ description: 'its conversation was merged into conversationId' }),
  linkedTicketId: z.string().optional().meta({ description: "the ticket of the conversation its own was merged into" }),
});

export const contact = z.object({
  contactId: z.string(),
  accountId: z.string(),
  email: z.string(),
  name: z.string().optional(),
  ownerId: z.string().nullable(),
  createdAt: timestamp,
  lastMessageAt: timestamp.optional(),
  messageCount: z.number().int().optional(),
  updatedAt: timestamp.optional(),
});

export const contactConversation = z.object({
  conversationId: z.string(),
  inboxId: z.string(),
  subject: z.string().optional(),
  status: z.string(),
  assigneeId: z.string().nullable().optional(),
  ticketId: z.string().optional(),
  createdAt: timestamp,
  lastMessageAt: timestamp.optional(),
  messageCount: z.number().int().optional(),
});

export const contactWithConversations = contact.extend({
  conversations: z.array(contactConversation).meta({ description: 'newest first, one page' }),
  conversationsCursor: z.string().optional().meta({ description: 'continues with GET /contacts/{contactId}/conversations?cursor=' }),
});

export const sendingDomain = z.object({
  domain: z.string(),
  accountId: z.string(),
  status: z.enum(['pending', 'verified', 'failed', 'temporary-failure', 'not-started']).meta({ description: 'as the email service (SES) reports it' }),
  dkimTokens: z.array(z.string()),
  createdAt: timestamp,
  verifiedAt: timestamp.optional(),
  records: z
    .array(z.object({ purpose: z.enum(['dkim', 'spf', 'dmarc']), type: z.enum(['CNAME', 'TXT']), name: z.string(), value: z.string(), required: z.boolean() }))
    .meta({ description: 'DNS records to publish: three DKIM CNAMEs (required), SPF and DMARC (recommended)' }),
});

export const tokenStatus = z.object({
  status: z.enum(['valid', 'verified', 'invalid', 'expired', 'used', 'superseded']),
  address: z.string().optional().meta({ description: 'for valid and verified tokens' }),
  title: z.string(),
  message: z.string(),
});

export const page = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), cursor: z.string().optional().meta({ description: 'opaque; absent on the last page' }) });

/** Named schemas: `components.schemas` of the document, and the names the typed client uses. */

// The agent workspace (functions/conversations/).
const mailbox = z.object({ email: z.string(), name: z.string() });

export const conversationSummary = z.object({
  conversationId: z.string(),
  inboxId: z.string(),
  subject: z.string(),
  contact: z.object({ contactId: z.string(), email: z.string(), name: z.string().nullable() }),
  lastMessageAt: timestamp,
  snippet: z.string().meta({ description: 'about 200 characters of the newest message, without quoted history' }),
  status: z.enum(['open', 'closed']),
  assigneeId: z.string().nullable(),
  messageCount: z.number().int(),
  ticketId: z.string().nullable(),
});

export const viewCounts = z.object({
  unassigned: z.number().int(),
  mine: z.number().int(),
  open: z.number().int(),
  closed: z.number().int(),
  quarantined: z.number().int().meta({ description: 'quarantined mail held now (not yet released or deleted); kept with every quarantine, release and delete, never counted by reading' }),
});

export const note = z.object({ kind: z.literal('note'), noteId: z.string(), authorId: z.string(), text: z.string(), createdAt: timestamp, at: timestamp });

const contactRef = z.object({ contactId: z.string(), email: z.string(), name: z.string().nullable() });
const attributionDecision = z.object({
  rule: z.string().meta({ description: 'the attribution rule id (functions/inbound/domain/outcome.ts)' }),
  evidence: z.string().meta({ description: 'the header or body line that decided' }),
  candidate: mailbox.optional().meta({ description: 'the forwarded sender the chain set aside (a forward it did not believe): what a one-click re-attribution offers' }),
});
const attributionCorrection = z
  .object({ by: z.string().meta({ description: 'the user who corrected it' }), at: timestamp, previousContact: contactRef, contact: contactRef, trustedForwarder: z.string().optional() })
  .meta({ description: "an agent's correction of the contact (the latest one)" });
const mergeRecord = z.object({ into: z.string(), by: z.string(), at: timestamp });

const delivery = z.object({ status: z.enum(['sent', 'failed']), reason: z.string().optional(), sesMessageId: z.string().optional(), attemptedAt: timestamp });

export const message = z.object({
  kind: z.literal('message'),
  messageId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  at: timestamp,
  from: mailbox,
  to: z.array(mailbox),
  cc: z.array(mailbox),
  replyTo: z.array(mailbox),
  date: z.string().nullable(),
  subject: z.string(),
  newText: z.string().meta({ description: 'without quoted history and signature' }),
  text: z.string(),
  html: z.string().nullable().meta({ description: 'sanitized; remote images blocked unless ?images=remote' }),
  attachments: z.array(z.object({ index: z.number().int(), filename: z.string(), contentType: z.string(), size: z.number().int(), disposition: z.enum(['inline', 'attachment']), url: z.string().nullable().meta({ description: 'presigned, valid for 5 minutes' }) })),
  verdicts: z.record(z.string(), z.string()).nullable(),
  attribution: attributionDecision.nullable(),
  forwardedBy: z.string().nullable(),
  contactId: z.string().nullable().meta({ description: "inbound: the message's contact now" }),
  correction: attributionCorrection.nullable().meta({ description: 'inbound: who moved the message to its contact, when, and from whom; null while the attribution stands' }),
  sentBy: z.string().nullable(),
  delivery: delivery.nullable(),
});

export const conversationDetail = conversationSummary.extend({
  createdAt: timestamp,
  mergedInto: z.string().nullable().meta({ description: 'set when this conversation was merged into another: it is then only a pointer' }),
  merge: mergeRecord.nullable(),
  entries: z.array(z.discriminatedUnion('kind', [message, note])),
});

export const messageAttribution = z.object({
  messageId: z.string(),
  conversationId: z.string(),
  contact: contactRef.meta({ description: "the message's contact now" }),
  attribution: attributionDecision.nullable().meta({ description: "the inbound chain's decision, as made" }),
  forwardedBy: z.string().nullable(),
  correction: attributionCorrection.nullable(),
  conversationContact: contactRef.meta({ description: "the conversation's contact (it moves with the message that started the conversation)" }),
  trustedForwarders: z.array(z.string()).optional().meta({ description: 'with trustForwarder: the inbox trusted forwarders after the call' }),
});

export const mergeResult = z.object({
  conversationId: z.string(),
  mergedInto: z.string(),
  merge: mergeRecord,
  complete: z.boolean().meta({ description: 'false: items remain to move; send the same request again' }),
  target: conversationSummary.meta({ description: 'where the messages are: intoConversationId, or the end of its chain when it was merged on meanwhile' }),
});

// An inbox's quarantine, failed mail and health (functions/quarantine/).
export const quarantineItem = z.object({
  itemId: z.string(),
  receivedAt: timestamp,
  from: mailbox.nullable().meta({ description: 'the From header of the held message' }),
  subject: z.string(),
  classification: z.string().meta({ description: 'auto-reply, bounce, loop, forwarding-confirmation, spam, virus or no-sender' }),
  rule: z.string().meta({ description: 'the rule id that held it (functions/inbound/domain/outcome.ts)' }),
  evidence: z.string().meta({ description: 'the header line (or verdict) that decided' }),
  releasable: z.boolean().meta({ description: 'false for virus, loop and no-sender: those cannot be released' }),
  releaseStarted: z
    .object({ releasedBy: z.string(), releasedAt: timestamp })
    .nullable()
    .meta({ description: 'a release that started and did not finish (it failed midway): releasing again finishes it; null otherwise' }),
});

export const releaseResult = z.object({
  outcome: z.enum(['stored', 'quarantined', 'duplicate', 'failed']).meta({ description: 'what the run through the chain ended as (quarantined: another rule held it)' }),
  conversationId: z.string().optional(),
  messageId: z.string().optional(),
  itemId: z.string().optional().meta({ description: 'held again by another rule: the new quarantined item' }),
  reason: z.string().optional(),
  releasedBy: z.string(),
  releasedAt: timestamp,
});

export const failedItem = z.object({ receivedAt: timestamp, reason: z.string(), from: mailbox.nullable(), subject: z.string().nullable() });

const authenticationRate = z.object({ judged: z.number().int(), passed: z.number().int(), passRate: z.number().nullable().meta({ description: 'passed ÷ judged; null when nothing was judged' }) });
const healthWindow = z.object({
  received: z.number().int().meta({ description: 'stored + quarantined + duplicate + failed' }),
  stored: z.number().int(),
  quarantined: z.number().int(),
  duplicate: z.number().int(),
  failed: z.number().int(),
  released: z.number().int(),
  quarantinedByRule: z.record(z.string(), z.number().int()),
  authentication: z.object({ spf: authenticationRate, dkim: authenticationRate, dmarc: authenticationRate }),
});

export const inboxHealth = z.object({
  inboxId: z.string(),
  at: timestamp,
  lastReceivedAt: timestamp.nullable(),
  last24Hours: healthWindow,
  last7Days: healthWindow,
  forwardingConfirmation: z
    .object({ code: z.string().nullable(), link: z.string().nullable(), receivedAt: timestamp, authenticated: z.boolean(), requestedBy: z.string().optional() })
    .nullable()
    .meta({ description: 'link is null unless the confirmation mail passed DMARC as Google' }),
});

export const RESPONSE_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  Error: apiError,
  Account: account,
  User: user,
  Team: team,
  Me: me,
  InboxView: inboxView,
  AttachmentUpload: attachmentUpload,
  Channel: channel,
  Pipeline: pipeline,
  Ticket: ticket,
  Contact: contact,
  ContactConversation: contactConversation,
  ContactWithConversations: contactWithConversations,
  TokenStatus: tokenStatus,
  ConversationSummary: conversationSummary,
  Message: message,
  Note: note,
  MessageAttribution: messageAttribution,
  MergeResult: mergeResult,
  SendingDomain: sendingDomain,
  QuarantineItem: quarantineItem,
  ReleaseResult: releaseResult,
  FailedItem: failedItem,
  InboxHealth: inboxHealth,
};
