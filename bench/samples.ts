/**
 * Timing helpers: every timing in the bench is the median of several runs, so
 * one slow run (a GC pause, another process on the machine) does not decide it.
 */

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of no values');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `measure` `count` times, one after another (never overlapping, so runs do not compete for the CPU). */
export async function repeat<T>(count: number, measure: (run: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 0; run < count; run++) {
    results.push(await measure(run));
  }
  return results;
}

/** How long `action` takes, in milliseconds. */
export async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return msSince(start);
}

/** A value rounded to `digits` decimals, for results.json (raw samples keep 0.01 ms). */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
