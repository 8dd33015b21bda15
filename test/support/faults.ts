/** Fault injection on a real SDK client: a named middleware, in place only while `run` runs. */
export async function withMiddleware<T>(client: { middlewareStack: { add(middleware: never, options: object): void; remove(name: string): boolean } }, name: string, middleware: unknown, run: () => Promise<T>): Promise<T> {
  client.middlewareStack.add(middleware as never, { step: 'initialize', name });
  try {
    return await run();
  } finally {
    client.middlewareStack.remove(name);
  }
}

/**
 * Runs `run` while DynamoDB refuses the first transaction for good (an item over its size limit), as it
 * would a real oversized message: the inbound chain then records the message `failed` for its inbox.
 */
export function refusingFirstTransaction<T>(client: Parameters<typeof withMiddleware>[0], run: () => Promise<T>): Promise<T> {
  let refused = false;
  const fault = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
    if (context.commandName === 'TransactWriteItemsCommand' && !refused) {
      refused = true;
      throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    }
    return next(args);
  };
  return withMiddleware(client, 'refuseFirstTransaction', fault, run);
}
