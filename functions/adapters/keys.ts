/**
 * Item keys of every table, in one place. Prefixes tell item types apart within a table; `gsi1pk`/`gsi1sk`
 * feed the `byParent` index (an inbox's conversations, its quarantine, failed and unroutable mail).
 */
export const keys = {
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  member: (accountId: string, email: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `MEMBER#${email}` }),
  user: (accountId: string, userId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `USER#${userId}` }),
  inbox: (inboxId: string) => ({ pk: `INBOX#${inboxId}`, sk: 'INBOX' }),
  /** Routes a (normalized, untagged) forwarding address to its inbox; unique across all accounts. */
  address: (address: string) => ({ pk: `ADDRESS#${address}`, sk: 'ADDRESS' }),
  contact: (accountId: string, contactId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: `CONTACT#${contactId}` }),
  conversation: (conversationId: string) => ({ pk: `CONV#${conversationId}`, sk: 'CONV' }),
  message: (conversationId: string, receivedAt: string, messageId: string) => ({
    pk: `CONV#${conversationId}`,
    sk: `MSG#${receivedAt}#${messageId}`,
  }),
  /** The thread index: a Message-ID seen (stored or referenced) in an inbox, and its conversation. */
  thread: (inboxId: string, messageIdHeader: string) => ({ pk: `THREAD#${inboxId}#${messageIdHeader}`, sk: 'THREAD' }),
  /** One per raw inbound object: the idempotency key of the pipeline. */
  receipt: (receiptKey: string) => ({ pk: `RECEIPT#${receiptKey}`, sk: 'RECEIPT' }),
} as const;

export const MESSAGE_SK_PREFIX = 'MSG#';

export const listings = {
  conversations: (inboxId: string) => `INBOX#${inboxId}#CONVERSATIONS`,
  quarantine: (inboxId: string) => `INBOX#${inboxId}#QUARANTINE`,
  unroutable: () => 'INBOUND#UNROUTABLE',
  failed: () => 'INBOUND#FAILED',
} as const;
