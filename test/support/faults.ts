/** Fault injection on a real SDK client: a named middleware, in place only while `run` runs. */
export async function withMiddleware<T>(client: { middlewareStack: { add(middleware: never, options: object): void; remove(name: string): boolean } }, name: string, middleware: unknown, run: () => Promise<T>): Promise<T> {
  client.middlewareStack.add(middleware as never, { step: 'initialize', name });
  try {
    return await run();
  } finally {
    client.middlewareStack.remove(name);
  }
}
