/**
 * Construct props checked with the fields of the pipeline schema
 * (src/config), so a construct accepts exactly the values the provisioning
 * API and `mlops validate` accept, with the same messages, each at the prop's
 * path. Values known only at deploy time (unresolved tokens) are not checked.
 */
import { Token } from 'aws-cdk-lib';
import type * as z from 'zod';
import { ProblemCollector } from './problem-collector';
import type { RuleProblem } from '../config/environment-rules';
import { pathText, problemsOf } from '../config/problems';

/** Whether the value at `path` inside `value`, or anything on the way to it, is an unresolved token. */
function reachesToken(value: unknown, path: readonly PropertyKey[]): boolean {
  let current = value;
  for (const step of [undefined, ...path]) {
    if (step !== undefined) {
      if (typeof current !== 'object' || current === null) return false;
      current = (current as Record<PropertyKey, unknown>)[step];
    }
    if (current !== undefined && Token.isUnresolved(current)) return true;
  }
  return false;
}

/**
 * Checks a prop (`value`, at `path` such as `environments[0].instanceCount`)
 * with a schema field, adding each problem to `problems`. An unresolved
 * token passes, and so does a problem about a token inside the value.
 * `renames` maps the field's own key names onto the prop's (a request's
 * `maxLatencyMs` is the construct's `maxLatency`).
 */
export function checkProp(
  schema: z.ZodType, value: unknown, path: string, problems: ProblemCollector, renames: Readonly<Record<string, string>> = {},
): void {
  if (value === undefined) {
    return;
  }
  const result = schema.safeParse(value);
  if (result.success) {
    return;
  }
  const issues = result.error.issues
    .filter((issue) => !reachesToken(value, issue.path))
    .map((issue) => ({ ...issue, path: issue.path.map((step) => (typeof step === 'string' ? renames[step] ?? step : step)) }));
  for (const problem of problemsOf(issues, path)) {
    problems.add(problem.path, problem.message);
  }
}

/** Adds the problems a cross-field rule of the schema found in props at `path`. */
export function addRuleProblems(found: readonly RuleProblem[], path: string, problems: ProblemCollector): void {
  for (const problem of found) {
    problems.add(pathText(problem.path, path), problem.message);
  }
}

/** Whether any of a rule's values is an unresolved token: the rule cannot judge them, and is skipped. */
export function anyToken(...values: unknown[]): boolean {
  return values.some((value) => value !== undefined && Token.isUnresolved(value));
}
