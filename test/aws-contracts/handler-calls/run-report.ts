import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import type { EvaluatedCall } from './call-evaluation';

/** Where each test file leaves its evaluated calls for the run's report (set by the jest global setup). */
export const HANDLER_CALL_REPORTS_VARIABLE = 'MLOPS_HANDLER_CALL_REPORTS';

/** A statement of a role's policies, as the report names it (`<policy>#<index>`). */
export interface RoleStatement {
  readonly id: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** The statements of every role a file's calls acted as, by `<world> <role logical ID>`. */
export type RoleStatements = { readonly [role: string]: readonly RoleStatement[] };

/** What one test file leaves for the run's report. */
export interface HandlerCallFileReport {
  readonly file: string;
  readonly calls: readonly EvaluatedCall[];
  /** The statements of the roles the calls acted as, for the report of grants nothing used. */
  readonly roles: RoleStatements;
}

/** What the whole run evaluated: calls and authorizations per handler, and grants no call used. */
export interface HandlerCallRunReport {
  readonly files: number;
  readonly handlers: ReadonlyArray<{ readonly handler: string; readonly calls: number; readonly authorizations: number; readonly refused: number }>;
  /** By role: its statements no evaluated call was allowed by. */
  readonly unused: { readonly [role: string]: readonly RoleStatement[] };
}

/** Adds up the reports the test files left in `dir`. */
export function combineHandlerCallReports(dir: string): HandlerCallRunReport {
  const reports: HandlerCallFileReport[] = readdirSync(dir).filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf-8')));
  const byHandler = new Map<string, { calls: number; authorizations: number; refused: number }>();
  const statements = new Map<string, Map<string, RoleStatement>>();
  const used = new Map<string, Set<string>>();
  for (const report of reports) {
    for (const [role, list] of Object.entries(report.roles ?? {})) {
      const known = statements.get(role) ?? new Map<string, RoleStatement>();
      list.forEach((s) => known.set(s.id, s));
      statements.set(role, known);
    }
    for (const call of report.calls) {
      const totals = byHandler.get(call.handler) ?? { calls: 0, authorizations: 0, refused: 0 };
      totals.calls += 1;
      totals.authorizations += call.checked;
      totals.refused += call.denied.length > 0 ? 1 : 0;
      byHandler.set(call.handler, totals);
      const role = `${call.world} ${call.roleLogicalId}`;
      const seen = used.get(role) ?? new Set<string>();
      call.usedStatements.forEach((s) => seen.add(s));
      used.set(role, seen);
    }
  }
  const unused: { [role: string]: RoleStatement[] } = {};
  for (const [role, known] of statements) {
    const list = [...known.values()].filter((s) => !used.get(role)?.has(s.id));
    if (list.length > 0) unused[role] = list;
  }
  return {
    files: reports.length,
    handlers: [...byHandler].map(([handler, totals]) => ({ handler, ...totals })).sort((a, b) => a.handler.localeCompare(b.handler)),
    unused,
  };
}

/** The lines the test command prints for the run. */
export function handlerCallLines(run: HandlerCallRunReport): string[] {
  const calls = run.handlers.reduce((n, h) => n + h.calls, 0);
  const authorizations = run.handlers.reduce((n, h) => n + h.authorizations, 0);
  const refused = run.handlers.reduce((n, h) => n + h.refused, 0);
  const lines = [
    `handler calls evaluated against their roles' policies (iam-simulate): ${calls} calls, ${authorizations} authorizations, `
      + `unauthorized calls: ${refused} (${run.files} test files)`,
    ...run.handlers.map((h) => `  ${h.handler.padEnd(34)} ${String(h.calls).padStart(6)} calls ${String(h.authorizations).padStart(6)} authorizations ${h.refused} refused`),
  ];
  const roles = Object.keys(run.unused).sort();
  if (roles.length > 0) {
    lines.push('grants no evaluated call used (candidates for removal, or paths no test exercises):');
    for (const role of roles) {
      for (const s of run.unused[role]) {
        lines.push(`  ${role} ${s.id}: ${s.actions.join(', ')} on ${s.resources.join(', ')}`);
      }
    }
  }
  return lines;
}
