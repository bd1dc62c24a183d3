/** What a bounded run did: each task's result in task order, and the most tasks that were ever in flight at once. */
export interface BoundedRun<T> {
  readonly results: T[];
  readonly peakInFlight: number;
}

/**
 * Runs the tasks with at most `limit` in flight: a new one starts as soon as
 * one finishes, as a client with a connection pool of that size would send
 * them. A task that throws fails the run (after the others have settled), so
 * a harness error is never counted as an answer.
 */
export async function runBounded<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<BoundedRun<T>> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`limit must be a positive integer (was ${limit})`);
  }
  const results = new Array<T>(tasks.length);
  let next = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      inFlight++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      try {
        results[index] = await tasks[index]();
      } finally {
        inFlight--;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    throw failed.reason;
  }
  return { results, peakInFlight };
}
