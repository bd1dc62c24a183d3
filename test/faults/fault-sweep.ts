import type { FaultKind, FaultPlan } from './fault-injector';

/**
 * Runs one case per call of a clean run, the fault at that call, all at once
 * (each case works on resources of its own), and collects what went wrong,
 * each problem naming the fault and the call it hit.
 */
export async function sweep(kind: FaultKind, calls: readonly string[], check: (plan: FaultPlan) => Promise<string | undefined>): Promise<string[]> {
  const results = await Promise.all(calls.map(async (command, i) => {
    const problem = await check({ at: i + 1, kind });
    return problem && `${kind} at call ${i + 1} (${command}): ${problem}`;
  }));
  return results.filter((p): p is string => p !== undefined);
}
