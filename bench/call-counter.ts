/** How many calls of each operation the counted clients made (`DescribeEndpointCommand`: 3). */
export type CallCounts = Record<string, number>;

/** Any SDK v3 client (they all have the middleware stack). */
interface Countable {
  readonly middlewareStack: { add(middleware: any, options: { step: 'initialize'; name: string }): void };
}

/**
 * Counts every operation the clients send, with an SDK middleware at the
 * initialize step: once per call the code makes, whatever the SDK's own
 * retries do below it. `take()` returns the counts so far and starts again.
 */
export class CallCounter {
  private counts: CallCounts = {};

  constructor(...clients: Countable[]) {
    for (const client of clients) {
      const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
        const name = context.commandName ?? 'unknown';
        this.counts[name] = (this.counts[name] ?? 0) + 1;
        return next(args);
      };
      client.middlewareStack.add(middleware, { step: 'initialize', name: 'benchCallCounter' });
    }
  }

  public take(): CallCounts {
    const counts = this.counts;
    this.counts = {};
    return counts;
  }
}
