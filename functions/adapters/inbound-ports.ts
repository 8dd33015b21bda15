import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InboundPorts } from '../inbound/domain/ports';
import type { RawMailInventory } from '../inbound/reconcile';
import { newId } from '../commons/ids';
import { DynamoInboundStore } from './dynamo-inbound-store';
import type { InboundTables } from './inbound-items';
import { S3MailStore } from './s3-mail-store';

/** The raw mail `reconcile` looks at, and its receipts, over real clients. */
export function rawMailInventory(clients: { dynamo: DynamoDBDocumentClient; s3: S3Client }, tables: InboundTables, mailBucket: string, rawMailPrefix: string): RawMailInventory {
  const store = new DynamoInboundStore(clients.dynamo, tables);
  const mail = new S3MailStore(clients.s3, mailBucket);
  return { listRawObjects: () => mail.listRawObjects(rawMailPrefix), hasReceipt: (receiptKey) => store.hasReceipt(receiptKey) };
}

/** The inbound use case's ports over real clients (AWS or the local stack). */
export function inboundPorts(clients: { dynamo: DynamoDBDocumentClient; s3: S3Client }, tables: InboundTables, mailBucket: string): InboundPorts {
  const store = new DynamoInboundStore(clients.dynamo, tables);
  const mail = new S3MailStore(clients.s3, mailBucket);
  return {
    openRaw: (ref) => mail.openRaw(ref),
    attachmentSink: (receiptId) => mail.attachmentSink(receiptId),
    storeBodies: (receiptId, bodies) => mail.storeBodies(receiptId, bodies),
    lookupRoutes: (addresses, receiptKey) => store.lookupRoutes(addresses, receiptKey),
    loadInboxContext: (request) => store.loadInboxContext(request),
    loadParticipation: (conversationIds, emails) => store.loadParticipation(conversationIds, emails),
    markUnreferenced: (objectKeys) => mail.markUnreferenced(objectKeys),
    loadRoutingContext: (request) => store.loadRoutingContext(request),
    nextTurn: (accountId, inboxId) => store.nextTurn(accountId, inboxId),
    commit: (plan) => store.commit(plan),
    finishCommit: (receiptKey, receipt) => store.finishCommit(receiptKey, receipt),
    newId,
  };
}
