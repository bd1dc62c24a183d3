/**
 * The table the demo ends with: for each release and environment, the
 * outcome of every stage and what the environment serves (or, for a batch
 * environment, where its output is), shares and checks for drift afterwards
 * (read back from the emulator, not from the demo's own record).
 */
import { ReleaseResult, STAGES } from './release-results';
import { table } from './report';

export function printSummary(results: readonly ReleaseResult[]): void {
  console.log('');
  console.log('Summary (ok / FAILED / not run: an earlier step failed / -: the environment has no such stage)');
  const rows = [['release', 'environment', ...STAGES, 'serves', 'shared at', 'drift check']];
  for (const result of results) {
    for (const state of result.environments) {
      const outcomes = STAGES.map((stage) => {
        const found = result.steps.find((s) => s.environment === state.environment && s.stage === stage);
        if (!found) return '-';
        return found.outcome === 'failed' ? 'FAILED' : found.outcome;
      });
      const shared = state.sharedAt && state.sharedConfig === state.serving ? state.sharedAt : sharedElsewhere(state.sharedAt, state.sharedConfig);
      rows.push([String(result.release), state.environment, ...outcomes, state.serving, state.batch ? '-' : shared, state.driftCheck ?? '-']);
    }
  }
  table(rows);
  for (const result of results) {
    for (const failed of result.steps.filter((s) => s.outcome === 'failed')) {
      console.log(`  release ${result.release}, ${failed.environment} ${failed.stage} failed: ${failed.message}`);
    }
  }
}

/** The record names another config than the one serving (e.g. after a rollback): say which. */
function sharedElsewhere(sharedAt: string | undefined, config: string | undefined): string {
  return sharedAt ? `${sharedAt} (${config})` : 'never';
}
