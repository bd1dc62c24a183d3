/**
 * How the demo prints: time-stamped progress lines, one line per pipeline
 * step with its outcome and duration, and plain aligned tables. Every line
 * the demo writes goes through here, so the output keeps one shape.
 */

const started = Date.now();

/** Width of the environment and stage columns of step lines, so outcomes line up. */
const ENVIRONMENT_WIDTH = 8;
const STAGE_WIDTH = 7;
/** Detail lines start under the message of a step line. */
const DETAIL_INDENT = ' '.repeat(ENVIRONMENT_WIDTH + STAGE_WIDTH + 16);

/** Prints a line prefixed with the seconds since the demo started. */
export function log(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[${seconds}s] ${line}`);
}

/** Prints a line that belongs to the step line above it. */
export function detail(line: string): void {
  log(`${DETAIL_INDENT}${line}`);
}

/** What a step line reports: `...` while it runs, then its outcome. */
export type StepStatus = '...' | 'ok' | 'FAILED';

/** One step of a pipeline execution: environment, stage, outcome, duration, message. */
export function step(environment: string, stage: string, status: StepStatus, message: string, elapsedMs?: number): void {
  const elapsed = elapsedMs === undefined ? '' : `${(elapsedMs / 1000).toFixed(1)}s`;
  log(`${environment.padEnd(ENVIRONMENT_WIDTH)} ${stage.padEnd(STAGE_WIDTH)} ${status.padEnd(6)} ${elapsed.padStart(5)}  ${message}`);
}

/** Prints rows as a table; the first row is the header. */
export function table(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const [index, row] of rows.entries()) {
    console.log('  ' + row.map((cell, i) => (cell ?? '').padEnd(widths[i])).join('  ').trimEnd());
    if (index === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
