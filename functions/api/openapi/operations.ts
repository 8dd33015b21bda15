/**
 * What each route of the route table takes and answers, for the OpenAPI document: the request schemas are the
 * ones the handlers validate with. Kept apart from routes.ts, which every Lambda bundles: only the document
 * generator (`npm run openapi`) and the tests import this module.
 *
 * Adding a route: one line here, keyed by its route key, then `npm run openapi`.
 */
import * as z from 'zod';
import * as directory from '../../directory/schemas';
import * as inboxes from '../../inboxes/schemas';
import * as tickets from '../../tickets/schemas';
import * as conversations from '../../conversations/schemas';
import * as replies from '../../conversations/reply-schemas';
import * as contacts from '../../contacts/schemas';
import * as domains from '../../domains/schemas';
import * as quarantine from '../../quarantine/schemas';
import * as out from './responses';

export interface Operation {
  readonly summary: string;
  /** The JSON body: the schema the handler checks it with, and a valid example (documented, and tested). */
  readonly body?: { readonly schema: z.ZodType; readonly example: unknown };
  /** The query string, checked by this schema (an object of optional strings). */
  readonly query?: z.ZodType;
  /** @default 200 */
  readonly status?: number;
  readonly response: z.ZodType;
  /** Also answers an HTML page to browsers (and a form post for the body). */
  readonly html?: true;
}

/** A request body, its example type-checked against what the schema accepts. */
const body = <T extends z.ZodType>(schema: T, example: z.input<T>) => ({ schema, example });

const users = z.object({ users: z.array(out.user) });
const teams = z.object({ teams: z.array(out.team) });
const inboxList = z.object({ inboxes: z.array(out.inboxView) });
const channels = z.object({ channels: z.array(out.channel) });
const pipelines = z.object({ pipelines: z.array(out.pipeline) });
const openApi = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) });

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  'GET /me': { summary: 'The caller and their account', response: out.me },
  'GET /account': { summary: "The caller's account", response: out.account },
  'PATCH /account': { summary: 'Rename the account', body: body(directory.renameAccountSchema, { name: 'Acme' }), response: out.account },
  'GET /users': { summary: 'Users of the account', response: users },
  'POST /users': { summary: 'Add a user', body: body(directory.newUserSchema, { email: 'sam@acme.example', name: 'Sam Agent', capacity: 20 }), status: 201, response: out.user },
  'GET /users/{userId}': { summary: 'A user', response: out.user },
  'PATCH /users/{userId}': { summary: "Change a user's name, availability or capacity", body: body(directory.userChangesSchema, { availability: 'away', capacity: null }), response: out.user },
  'PUT /users/{userId}/availability': { summary: 'Set a user available or away', body: body(directory.availabilitySchema, { availability: 'available' }), response: out.user },
  'PUT /me/signature': { summary: "Set the calling user's signature (empty removes it); appended to their replies", body: body(directory.signatureSchema, { text: 'Sam Agent\nAcme Support' }), response: out.user },
  'GET /teams': { summary: 'Teams of the account', response: teams },
  'POST /teams': { summary: 'Add a team', body: body(directory.newTeamSchema, { name: 'Tier 2', memberIds: ['usr_7f3k2'] }), status: 201, response: out.team },
  'GET /teams/{teamId}': { summary: 'A team', response: out.team },
  'PATCH /teams/{teamId}': { summary: "Rename a team or change its members", body: body(directory.teamChangesSchema, { memberIds: ['usr_7f3k2', 'usr_9q1x4'] }), response: out.team },

  'GET /channels': { summary: 'Connected inboxes, with the forwarding address and Gmail confirmation', response: channels },
  'GET /inboxes': { summary: 'Inboxes of the account, drafts included', response: inboxList },
  'POST /inboxes': { summary: 'Connect a team email: start a draft inbox', body: body(inboxes.newInboxSchema, { name: 'Support', channel: 'team-email', accountType: 'shared', provider: 'other' }), status: 201, response: out.inboxView },
  'GET /inboxes/{inboxId}': { summary: 'An inbox with its settings, From preview and what setup still needs', response: out.inboxView },
  'PUT /inboxes/{inboxId}/sender-name': { summary: 'Wizard: the sender name', body: body(inboxes.senderNameSchema, { mode: 'agent-and-company', companyName: 'Acme' }), response: out.inboxView },
  'PUT /inboxes/{inboxId}/sender-address': { summary: 'Wizard: the default or a custom sender address', body: body(inboxes.senderAddressSchema, { mode: 'custom', address: 'help@acme.example' }), response: out.inboxView },
  'POST /inboxes/{inboxId}/sender-address/verification': { summary: 'Wizard: email a verification link to the custom address', status: 202, response: out.inboxView },
  'PUT /inboxes/{inboxId}/assignment': { summary: 'Wizard: auto-assignment', body: body(inboxes.assignmentSchema, { mode: 'contact-owner', fallback: { userIds: ['usr_7f3k2'], teamIds: ['team_2b8d1'] } }), response: out.inboxView },
  'PUT /inboxes/{inboxId}/tickets': { summary: 'Wizard: tickets for new conversations', body: body(inboxes.ticketsSchema, { enabled: true, template: { name: '{{subject}} ({{contact.email}})', pipelineId: 'support', stageId: 'new', priority: 'medium', owner: { type: 'assignee' } } }), response: out.inboxView },
  'PUT /inboxes/{inboxId}/forwarding-address': { summary: 'Wizard: customize the forwarding address (drafts only)', body: body(inboxes.forwardingAddressSchema, { localPart: 'support' }), response: out.inboxView },
  'POST /inboxes/{inboxId}/connect': { summary: 'Wizard: finish, the inbox goes live', response: out.inboxView },
  'PUT /inboxes/{inboxId}/trusted-forwarders': { summary: 'Addresses whose forwards may name their inner sender, and whether members of the account are trusted', body: body(inboxes.trustedForwardersSchema, { addresses: ['sam@acme.example'], membersTrusted: true }), response: out.inboxView },
  'PUT /inboxes/{inboxId}/signature': { summary: "The inbox's signature (empty removes it), below the agent's on every reply", body: body(directory.signatureSchema, { text: 'Acme Support\nhttps://acme.example/help' }), response: out.inboxView },
  'PUT /inboxes/{inboxId}/reply-settings': { summary: 'Whether replies quote the last inbound message below their text', body: body(inboxes.replySettingsSchema, { quote: 'last-message' }), response: out.inboxView },

  'GET /pipelines': { summary: 'Ticket pipelines, the default one first', response: pipelines },
  'POST /pipelines': { summary: 'Add a pipeline', body: body(tickets.newPipelineSchema, { name: 'Billing', stages: [{ stageId: 'new', name: 'New' }, { stageId: 'done', name: 'Done' }] }), status: 201, response: out.pipeline },
  'GET /pipelines/{pipelineId}': { summary: 'A pipeline', response: out.pipeline },
  'GET /tickets': { summary: 'Tickets, newest first, by pipeline, stage or owner', query: tickets.ticketListSchema, response: out.page('tickets', out.ticket) },
  'GET /tickets/{ticketId}': { summary: 'A ticket', response: out.ticket },
  'PATCH /tickets/{ticketId}': { summary: 'Rename, move, reprioritize or (un)assign a ticket', body: body(tickets.ticketChangesSchema, { stageId: 'waiting-on-us', ownerId: null }), response: out.ticket },
  'GET /contacts/{contactId}': { summary: 'A contact with its newest conversations', response: out.contactWithConversations },
  'PUT /contacts/{contactId}/owner': { summary: "Set or clear a contact's owner", body: body(contacts.contactOwnerSchema, { ownerId: 'usr_7f3k2' }), response: out.contact },
  'GET /contacts': { summary: 'Contacts by email, or searched by email or name prefix', query: contacts.contactListSchema, response: out.page('contacts', out.contact) },
  'PATCH /contacts/{contactId}': { summary: "Edit a contact's name", body: body(contacts.contactChangesSchema, { name: 'Rosa Díaz' }), response: out.contact },
  'GET /contacts/{contactId}/conversations': { summary: "A contact's conversations, newest first", query: contacts.contactConversationsSchema, response: out.page('conversations', out.contactConversation) },
  'POST /sending-domains': { summary: "Connect the account's own domain for sending (201; 200 when already connected)", body: body(domains.newSendingDomainSchema, { domain: 'acme.example' }), status: 201, response: out.sendingDomain },
  'GET /sending-domains': { summary: "The account's sending domains", response: z.object({ domains: z.array(out.sendingDomain) }) },
  'GET /sending-domains/{domain}': { summary: 'A sending domain, with the status the email service reports now', response: out.sendingDomain },

  'GET /inboxes/{inboxId}/conversations': { summary: 'A view of an inbox (unassigned, mine, open, closed), most recent activity first', query: conversations.inboxViewSchema, response: out.page('conversations', out.conversationSummary) },
  'GET /inboxes/{inboxId}/conversation-counts': { summary: "How many conversations each of the inbox's views holds, and how much quarantined mail it holds", response: out.viewCounts },
  'GET /conversations': { summary: 'Open conversations assigned to me, across the inboxes of the account', query: conversations.myConversationsSchema, response: out.page('conversations', out.conversationSummary) },
  'GET /conversations/{conversationId}': { summary: 'A conversation with its messages (new text, sanitized HTML, attachment links) and notes, oldest first', query: conversations.conversationReadSchema, response: out.conversationDetail },
  'PATCH /conversations/{conversationId}': { summary: 'Assign, unassign, close or reopen a conversation', body: body(conversations.conversationChangesSchema, { assigneeId: 'usr_7f3k2', status: 'open' }), response: out.conversationSummary },
  'POST /conversations/{conversationId}/notes': { summary: 'Add an internal note (never emailed)', body: body(conversations.noteSchema, { text: 'Customer called, refund approved.' }), status: 201, response: out.note },

  'POST /conversations/{conversationId}/replies': { summary: 'Reply by email (header Idempotency-Key: a repeat sends once and answers the first result; 502 email_not_sent stores the reply as failed)', body: body(replies.replySchema, { text: 'Your order ships today.', cc: ['sam@customer.example'] }), status: 201, response: out.message },
  'POST /conversations/{conversationId}/replies/{messageId}/retry': { summary: 'Send a failed reply again', status: 201, response: out.message },
  'POST /conversations/{conversationId}/attachments': { summary: 'A file for a reply: PUT it to uploadUrl (with its Content-Type) before expiresAt, then name attachmentId in the reply', body: body(replies.attachmentUploadSchema, { filename: 'invoice.pdf', contentType: 'application/pdf', size: 48213 }), status: 201, response: out.attachmentUpload },
  'POST /messages/{messageId}/attribution': { summary: "Move an inbound message to another contact (created if new); the conversation follows when the message started it. trustForwarder (admins) also trusts the message's forwarder. Idempotent", body: body(conversations.attributionSchema, { email: 'jane@customer.example', name: 'Jane Customer', trustForwarder: false }), response: out.messageAttribution },
  'POST /conversations/{conversationId}/merge': { summary: 'Merge into another conversation of the same inbox: messages, notes and threading move there, this one becomes a pointer. Idempotent; complete: false means send it again', body: body(conversations.mergeSchema, { intoConversationId: 'cv_0f3a9c' }), response: out.mergeResult },

  'GET /inboxes/{inboxId}/quarantine': { summary: 'Quarantined mail of an inbox, newest first, with the rule and header line that held it', query: quarantine.quarantinePageSchema, response: out.page('items', out.quarantineItem) },
  'POST /inboxes/{inboxId}/quarantine/{itemId}/release': { summary: 'Release quarantined mail: run it through the chain as a normal message, bypassing the rule that held it, exactly once (a repeat answers the first result)', response: out.releaseResult },
  'DELETE /inboxes/{inboxId}/quarantine/{itemId}': { summary: 'Delete quarantined mail from the list (the raw message stays in the bucket until its lifecycle)', status: 204, response: z.null() },
  'GET /inboxes/{inboxId}/failed': { summary: 'Mail that failed for this inbox, newest first, with the reason', query: quarantine.quarantinePageSchema, response: out.page('items', out.failedItem) },
  'GET /inboxes/{inboxId}/health': { summary: 'Last arrival, counts per classification over 24 hours and 7 days, SPF/DKIM/DMARC pass rates, Gmail confirmation', response: out.inboxHealth },

  'GET /verify': { summary: 'The link in a verification email: shows a button, uses nothing', query: inboxes.verificationTokenSchema, response: out.tokenStatus, html: true },
  'POST /verify': { summary: 'Verify the sender address (the button)', body: body(inboxes.verificationTokenSchema, { token: 'Zm9vYmFyYmF6' }), response: out.tokenStatus, html: true },
  'GET /openapi.json': { summary: 'This document', response: openApi },
};
