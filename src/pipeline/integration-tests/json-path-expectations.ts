import { Token } from 'aws-cdk-lib';
import type { JsonPathExpectation } from './integration-tests';
import { JsonPathSyntaxError, parseJsonPath } from '../../contract/json-path';
import type { JsonPathSpec } from '../../contract/test-settings';
import { ProblemCollector } from '../../common/problem-collector';

/**
 * Checks one JSON path expectation (of a test request or of a batch
 * environment's output lines) and turns it into what the handlers read.
 */
export function toJsonPathSpec(expectation: JsonPathExpectation, at: string, problems: ProblemCollector): JsonPathSpec {
  try {
    parseJsonPath(expectation.path);
  } catch (e) {
    if (!(e instanceof JsonPathSyntaxError)) throw e;
    problems.add(`${at}.path`, e.message);
  }
  if (expectation.equalsJson !== undefined) {
    try {
      JSON.parse(expectation.equalsJson);
    } catch {
      problems.add(`${at}.equalsJson`, `${JSON.stringify(expectation.equalsJson)} is not JSON text (write '"text"' for a string)`);
    }
  }
  const { min, max } = expectation;
  for (const [field, value] of [['min', min], ['max', max]] as const) {
    problems.check(value === undefined || Token.isUnresolved(value) || Number.isFinite(value), `${at}.${field}`, `must be a finite number, got ${value}`);
  }
  if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max)) {
    problems.check(min <= max, `${at}.min`, `${min} is more than max ${max}`);
  }
  problems.check(expectation.equalsJson === undefined || (min === undefined && max === undefined), at, 'set either equalsJson or min/max, not both');
  return { path: expectation.path, equals: expectation.equalsJson, min, max };
}
