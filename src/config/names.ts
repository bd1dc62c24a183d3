/** Pipeline and environment names, from which stack, bucket, endpoint and API names are derived. */
import { NAME_PATTERN } from './limits';
import { describe, ProblemList, quote } from './problem-list';

/** Checks a name against {@link NAME_PATTERN} and a maximum length. */
export function checkName(value: unknown, path: string, problems: ProblemList, max: number): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be a name (a string), got ${describe(value)}`);
    return undefined;
  }
  const before = problems.count;
  if (value.length === 0 || value.length > max) {
    problems.add(path, `must be 1 to ${max} characters, got ${value.length}`);
  }
  // Length first: the pattern then never runs over a huge string.
  if (value.length > 0 && value.length <= max && !NAME_PATTERN.test(value)) {
    problems.add(path, `${quote(value)} may hold lower-case letters, digits and single hyphens only, starting and ending with a letter or digit`);
  }
  return problems.count === before ? value : undefined;
}
