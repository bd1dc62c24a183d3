/** Anything with the SDK v3 middleware stack (every generated client). */
interface Gated {
  readonly middlewareStack: { add(middleware: any, options: { step: 'initialize'; name: string }): void };
}

/**
 * Lines up two handler invocations running at once: each client holds its
 * `held` call until every client has finished its `after` call. Makes a race
 * (both look at the endpoint before either changes it) happen every time.
 */
export function meetAfter(clients: readonly Gated[], after: string, held: string): void {
  let arrived = 0;
  let open!: () => void;
  const everyoneArrived = new Promise<void>((resolve) => (open = resolve));
  for (const client of clients) {
    client.middlewareStack.add((next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => async (args: unknown) => {
      if (context.commandName === held) {
        await everyoneArrived;
      }
      try {
        return await next(args);
      } finally {
        // A lookup that finds nothing throws: it still counts as arrived.
        if (context.commandName === after && ++arrived === clients.length) {
          open();
        }
      }
    }, { step: 'initialize', name: 'meetAfter' });
  }
}
