/**
 * `hosted-inbox unroutable [--since 24h|7d|ISO-TIME] [--limit N] [--stack STACK | --table TABLE]`
 *
 * Mail that reached no inbox (no hosted address matched), platform-wide: for the deployment's operator, not
 * for any account. Newest first, from the `byParent` listing of unroutable receipts (a Query, never a scan).
 * Locally (no --stack/--table) from the local stack `npm start` runs; against a deployment, from the
 * conversations table named by the data stack's `ConversationsTableName` output or by --table. Prints one
 * JSON object. Exit 0 on success; 2 on bad usage; 1 when the records cannot be read.
 */
import { parseArgs } from 'node:util';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listUnroutable } from '../functions/adapters/dynamo-quarantine';

export const UNROUTABLE_USAGE = 'usage: hosted-inbox unroutable [--since 24h|7d|ISO-TIME] [--limit N] [--stack STACK | --table TABLE]';

/** The data stack's output naming the conversations table (lib/stateful-stack.ts). */
export const CONVERSATIONS_TABLE_OUTPUT = 'ConversationsTableName';

export interface UnroutableDeps {
  stackOutputs(stack: string): Promise<Record<string, string>>;
  /** Built after the target is known (locally, once the environment points at the local stack). */
  dynamo(): DynamoDBDocumentClient;
  /** Points the environment at the local stack and answers its conversations table. */
  useLocalStack(): string;
  now(): Date;
  out(text: string): void;
  err(text: string): void;
}

/** `24h`, `7d`, `90m` before `now`, or an ISO time; undefined when it is neither. */
export function sinceOf(value: string, now: Date): string | undefined {
  const relative = value.match(/^(\d{1,5})([mhd])$/);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
}

export async function unroutableCommand(args: string[], deps: UnroutableDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { since: { type: 'string' }, limit: { type: 'string' }, stack: { type: 'string' }, table: { type: 'string' } } }));
  } catch (error) {
    deps.err(`${(error as Error).message}\n${UNROUTABLE_USAGE}\n`);
    return 2;
  }
  const since = sinceOf(values.since ?? '7d', deps.now());
  const limit = Number(values.limit ?? 100);
  const problem = !since ? '--since must be like 24h, 7d or an ISO time' : !Number.isInteger(limit) || limit < 1 || limit > 1000 ? '--limit must be a whole number from 1 to 1000' : values.stack && values.table ? 'give --stack or --table, not both' : undefined;
  if (problem) {
    deps.err(`hosted-inbox unroutable: ${problem}\n${UNROUTABLE_USAGE}\n`);
    return 2;
  }
  try {
    let table = values.table;
    if (values.stack) {
      table = (await deps.stackOutputs(values.stack))[CONVERSATIONS_TABLE_OUTPUT];
      if (!table) throw new Error(`stack ${values.stack} has no ${CONVERSATIONS_TABLE_OUTPUT} output: is it the data stack (HostedInbox-Data)?`);
    }
    table ??= deps.useLocalStack();
    const found = await listUnroutable(deps.dynamo(), table, { since: since!, limit });
    deps.out(`${JSON.stringify({ since, count: found.items.length, more: found.more, unroutable: found.items }, null, 2)}\n`);
    return 0;
  } catch (error) {
    deps.err(`hosted-inbox unroutable: ${(error as Error).name}: ${(error as Error).message}\n`);
    return 1;
  }
}
