/**
 * The DynamoDB tables, keys and indexes, declared once: the CDK `InboxData` construct and the local stack
 * both build their tables from this, so code, cloud and emulator never disagree.
 *
 * Every table uses generic string keys `pk`/`sk`; item types are told apart by key prefixes (see each
 * repository). Only indexes the code actually queries are declared.
 */
export interface IndexDesign {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface TableDesign {
  /** Environment variable that carries the physical table name to the functions. */
  readonly envVar: string;
  readonly partitionKey: 'pk';
  readonly sortKey: 'sk';
  readonly indexes: readonly IndexDesign[];
  /** Attribute holding an epoch-seconds expiry, where items expire. */
  readonly ttlAttribute?: string;
}

/** The index every table lists by: conversations and quarantined mail of an inbox, newest last. */
export const BY_PARENT_INDEX: IndexDesign = { indexName: 'byParent', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };
/** Tickets of one owner (or of nobody), newest last. */
export const BY_OWNER_INDEX: IndexDesign = { indexName: 'byOwner', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' };
/** All tickets of an account, newest last. */
export const BY_ACCOUNT_INDEX: IndexDesign = { indexName: 'byAccount', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' };

/** Conversation views of an inbox by status (All open, Closed), most recent activity first. */
export const BY_STATUS_INDEX: IndexDesign = { indexName: 'byStatus', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' };
/** Open conversations of an inbox by assignee, nobody included (Unassigned, Assigned to me); closed ones are absent. */
export const BY_INBOX_ASSIGNEE_INDEX: IndexDesign = { indexName: 'byInboxAssignee', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' };
/** Open conversations assigned to a user across the account's inboxes (Assigned to me, everywhere). */
export const BY_ASSIGNEE_INDEX: IndexDesign = { indexName: 'byAssignee', partitionKey: 'gsi6pk', sortKey: 'gsi6sk' };
/** Contacts of an account by normalized email (a prefix search), and by normalized name; see contact-items.ts. */
export const CONTACTS_BY_EMAIL_INDEX: IndexDesign = { indexName: 'byEmail', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };
export const CONTACTS_BY_NAME_INDEX: IndexDesign = { indexName: 'byName', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' };
/** Conversations of one contact, newest first (own attribute names: the conversation's other listings keep theirs). */
export const BY_CONTACT_INDEX: IndexDesign = { indexName: 'byContact', partitionKey: 'contactListPk', sortKey: 'contactListSk' };

export const TABLES = {
  /** Accounts, users, teams, inboxes, forwarding-address routes, verification tokens. */
  inboxes: { envVar: 'INBOXES_TABLE', partitionKey: 'pk', sortKey: 'sk', indexes: [], ttlAttribute: 'expiresAt' },
  /** Contacts, one per normalized email within an account. */
  contacts: { envVar: 'CONTACTS_TABLE', partitionKey: 'pk', sortKey: 'sk', indexes: [CONTACTS_BY_EMAIL_INDEX, CONTACTS_BY_NAME_INDEX] },
  /** Conversations, their messages, the Message-ID thread index and one receipt per raw inbound object. */
  conversations: { envVar: 'CONVERSATIONS_TABLE', partitionKey: 'pk', sortKey: 'sk', indexes: [BY_PARENT_INDEX, BY_STATUS_INDEX, BY_INBOX_ASSIGNEE_INDEX, BY_ASSIGNEE_INDEX, BY_CONTACT_INDEX] },
  /** Tickets and pipelines. Tickets list by stage (byParent), by owner, or all of an account. */
  tickets: { envVar: 'TICKETS_TABLE', partitionKey: 'pk', sortKey: 'sk', indexes: [BY_PARENT_INDEX, BY_OWNER_INDEX, BY_ACCOUNT_INDEX] },
} as const satisfies Record<string, TableDesign>;

export type TableKey = keyof typeof TABLES;
