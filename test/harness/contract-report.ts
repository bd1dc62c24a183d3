import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

/**
 * What a moto launcher checked against botocore's models over its whole run
 * (GET /_mlops/contract-report; /moto-api/reset leaves it).
 */
export interface ContractReport {
  readonly requestsChecked: number;
  /** Requests checked per operation, e.g. `SageMaker.CreateEndpoint`. */
  readonly operations: Readonly<Record<string, number>>;
  /** Requests refused because AWS would refuse them. */
  readonly violations: number;
  readonly violationSamples: ReadonlyArray<{ readonly operation: string; readonly message: string }>;
  /** Requests no model and operation could be found for, by reason (not checked). */
  readonly unidentified: Readonly<Record<string, number>>;
  /** Patterns left unchecked (not translatable from Java faithfully), with why. */
  readonly uncheckedPatterns: Readonly<Record<string, string>>;
  /** Faults of the checker itself (the request went on to moto unchecked). */
  readonly checkerErrors: readonly string[];
}

/** A server's report, with the violations its test file made on purpose. */
export interface ServerContractReport {
  readonly label: string;
  readonly report: ContractReport;
  readonly expectedViolations: number;
}

/**
 * Where each server's report is left for the run's summary: a directory the
 * global setup creates, inherited by the jest workers through the environment.
 */
export const REPORTS_DIR_VARIABLE = 'MLOPS_CONTRACT_REPORTS_DIR';

const REPORT_TIMEOUT_MS = 10_000;

export async function fetchContractReport(endpoint: string): Promise<ContractReport> {
  const response = await fetch(new URL('/_mlops/contract-report', endpoint), { signal: AbortSignal.timeout(REPORT_TIMEOUT_MS) });
  if (!response.ok) {
    throw new Error(`moto control API /_mlops/contract-report answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as ContractReport;
}

/** The line the test command prints for a server (or for the whole run). */
export function contractLine(report: ContractReport, expectedViolations = 0): string {
  const operations = Object.keys(report.operations).length;
  const onPurpose = expectedViolations > 0 ? ` (and ${expectedViolations} made on purpose by the checker's own tests)` : '';
  return `requests checked against botocore's models: ${report.requestsChecked} (${operations} operations), ` +
    `contract violations: ${report.violations - expectedViolations}${onPurpose}`;
}

/** Why this report fails the run, or undefined when it does not. */
export function contractProblems({ label, report, expectedViolations }: ServerContractReport): string | undefined {
  const problems: string[] = [];
  if (report.violations !== expectedViolations) {
    problems.push(
      `${report.violations} requests broke botocore's model of their service (expected ${expectedViolations}); ` +
      'each also failed the test that made it, unless it came from outside a jest test:\n' +
      report.violationSamples.map((s) => `  - ${s.message}`).join('\n'),
    );
  }
  if (report.checkerErrors.length > 0) {
    problems.push(`the request checker failed ${report.checkerErrors.length} times (those requests went unchecked):\n${report.checkerErrors[0]}`);
  }
  return problems.length > 0 ? `moto launcher (${label}): ${problems.join('\n')}` : undefined;
}

/** Notes that are worth a line but fail nothing: requests and patterns left unchecked. */
export function contractNotes(report: ContractReport): string[] {
  const notes = Object.entries(report.unidentified).map(([reason, n]) => `${n} requests not checked: ${reason}`);
  for (const [pattern, reason] of Object.entries(report.uncheckedPatterns)) {
    notes.push(`pattern ${pattern} not checked: ${reason}`);
  }
  return notes;
}

/** Leaves the report for the run's summary; false outside a jest run, where there is none. */
export function recordForRun(server: ServerContractReport): boolean {
  const dir = process.env[REPORTS_DIR_VARIABLE];
  if (!dir) {
    return false;
  }
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(server));
  return true;
}

/** Every report recorded in the run. */
export function recordedReports(dir: string): ServerContractReport[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf-8')));
}

/** Several servers' reports as one. */
export function combine(servers: readonly ServerContractReport[]): ServerContractReport {
  const operations: Record<string, number> = {};
  const unidentified: Record<string, number> = {};
  const uncheckedPatterns: Record<string, string> = {};
  for (const { report } of servers) {
    for (const [name, n] of Object.entries(report.operations)) operations[name] = (operations[name] ?? 0) + n;
    for (const [reason, n] of Object.entries(report.unidentified)) unidentified[reason] = (unidentified[reason] ?? 0) + n;
    Object.assign(uncheckedPatterns, report.uncheckedPatterns);
  }
  const sum = (f: (s: ServerContractReport) => number) => servers.reduce((total, s) => total + f(s), 0);
  return {
    label: `all ${servers.length} servers of the run`,
    expectedViolations: sum((s) => s.expectedViolations),
    report: {
      requestsChecked: sum((s) => s.report.requestsChecked),
      operations,
      violations: sum((s) => s.report.violations),
      violationSamples: servers.flatMap((s) => s.report.violationSamples),
      unidentified,
      uncheckedPatterns,
      checkerErrors: servers.flatMap((s) => s.report.checkerErrors),
    },
  };
}
