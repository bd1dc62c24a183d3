import { ApiError, ApiUnreachable } from './api-client';

/** One thing `--wait` follows: a pipeline being provisioned or deleted. */
export interface Poller<R> {
  readonly name: string;
  /** Polls once: a result ends this poller, undefined polls again after the interval. */
  step(): Promise<R | undefined>;
  /** The result when the time is up first. */
  timedOut(): R;
  /** The result when polling itself fails (403, 404, repeated network errors). */
  failed(error: unknown): R;
}

export interface PollingOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Where a transient error is reported while polling goes on. */
  readonly warn: (line: string) => void;
}

/**
 * A wait of an hour should not end on one dropped connection or one throttled
 * request: this many errors in a row (network, 429, 5xx) end a poller.
 */
export const MAX_CONSECUTIVE_ERRORS = 3;

/**
 * Polls every poller once per interval until each has a result or the time
 * is up; the results come in the pollers' order.
 */
export async function pollAll<R>(pollers: ReadonlyArray<Poller<R>>, options: PollingOptions): Promise<R[]> {
  const deadline = options.now() + options.timeoutMs;
  const results = new Map<Poller<R>, R>();
  const errors = new Map<Poller<R>, number>();
  for (;;) {
    for (const poller of pollers) {
      if (results.has(poller)) continue;
      try {
        const result = await poller.step();
        errors.delete(poller);
        if (result !== undefined) results.set(poller, result);
      } catch (error) {
        const count = (errors.get(poller) ?? 0) + 1;
        errors.set(poller, count);
        if (!isTransient(error) || count >= MAX_CONSECUTIVE_ERRORS) {
          results.set(poller, poller.failed(error));
        } else {
          options.warn(`${poller.name}  (poll failed, retrying: ${(error as Error).message})`);
        }
      }
    }
    const pending = pollers.filter((p) => !results.has(p));
    if (pending.length === 0) break;
    const left = deadline - options.now();
    if (left <= 0) {
      for (const poller of pending) results.set(poller, poller.timedOut());
      break;
    }
    await options.sleep(Math.min(options.intervalMs, left));
  }
  return pollers.map((p) => results.get(p)!);
}

function isTransient(error: unknown): boolean {
  if (error instanceof ApiUnreachable) return true;
  return error instanceof ApiError && (error.status === 429 || error.status >= 500);
}
