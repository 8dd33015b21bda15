/**
 * Counts sequential round trips: an SDK middleware records each command's start and end; calls that overlap
 * in time ran in parallel and count as one level, so the number of levels is the latency the chain pays.
 */
import { performance } from 'node:perf_hooks';
import type { MiddlewareStack } from '@smithy/types';

export interface Call {
  readonly command: string;
  readonly start: number;
  readonly end: number;
}

const RECORDER = 'benchRoundTrips';

/**
 * Appends every command sent through `client` to `calls` (at the initialize step: retries included), from now on
 * instead of any earlier recording on the same client (the bench's steps share the module-scope clients).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any SDK v3 client
export function recordCalls(client: { middlewareStack: MiddlewareStack<any, any> }, calls: Call[]): void {
  client.middlewareStack.remove(RECORDER);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const start = performance.now();
      try {
        return await next(args);
      } finally {
        calls.push({ command: (context.commandName ?? 'unknown').replace(/Command$/, ''), start, end: performance.now() });
      }
    },
    { step: 'initialize', name: RECORDER },
  );
}

/** Groups calls into levels: a call that starts before the current level's last end overlaps it. */
export function sequentialLevels(calls: readonly Call[]): string[][] {
  const levels: string[][] = [];
  let levelEnd = -Infinity;
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    if (call.start < levelEnd) levels[levels.length - 1].push(call.command);
    else levels.push([call.command]);
    levelEnd = Math.max(levelEnd, call.end);
  }
  return levels;
}
