/**
 * Problems as the API, the config trigger and `mlops validate` report them:
 * `{path, message}`, the path written `environments[1].instanceType` (`''`
 * for the document itself). Turns the schema's zod issues into that list.
 */
import type { core } from 'zod';

/** One thing wrong with a request: where (`environments[1].instanceType`) and what. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** A checked value, or every problem found in it. */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: Problem[] };

/** The longest quoted value repeated in a message: a megabyte of input must not become a megabyte of message. */
const QUOTE_MAX = 60;

/** A value as a message quotes it: JSON, shortened when long. */
export function quote(value: string): string {
  const shown = value.length > QUOTE_MAX ? `${value.slice(0, QUOTE_MAX)}…` : value;
  return JSON.stringify(shown);
}

/** What a value is, for "must be a string, got a number" messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return Number.isFinite(value) ? 'a number' : `${String(value)} (not a JSON number)`;
    case 'boolean': return 'a boolean';
    case 'object': return 'an object';
    case 'undefined': return 'nothing';
    default: return `a ${typeof value} (not JSON)`;
  }
}

/** `['environments', 1, 'name']` after `prefix` as `prefix.environments[1].name`. */
export function pathText(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>((text, step) => {
    if (typeof step === 'number') return `${text}[${step}]`;
    return text === '' ? String(step) : `${text}.${String(step)}`;
  }, prefix);
}

/**
 * What a rule that finds a value twice puts in its issue's params. The
 * message names the first occurrence by its full path, which only the
 * formatter knows (it adds the caller's prefix): the issue's own path, less
 * its last `up` steps, then `index`; the message is `before`, that path, `after`.
 */
export interface AlreadyAtParams {
  readonly already: { readonly up: number; readonly index: number };
  readonly before: string;
  readonly after: string;
}

/** Unknown keys reported one by one; beyond this an object is clearly not a request, and one more problem says how many. */
const MAX_UNKNOWN_KEYS_REPORTED = 20;

/**
 * The problems of a failed parse, in the schema's order, each path after
 * `prefix` (`''` for a request body, `pipelines[3]` in a config file, a
 * construct prop's path). An object's unknown keys are one issue in zod: here
 * each is a problem at its own path, the first 20 of them, then a count.
 */
export function problemsOf(issues: readonly core.$ZodIssue[], prefix = ''): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = pathText(issue.path, prefix);
    if (issue.code === 'unrecognized_keys') {
      const listed = issue.keys.slice(0, MAX_UNKNOWN_KEYS_REPORTED).map((key) => ({ path: pathText([key], path), message: issue.message }));
      const more = issue.keys.length - listed.length;
      return more > 0 ? [...listed, { path, message: `has ${more} more unknown fields` }] : listed;
    }
    const params = issue.code === 'custom' ? (issue.params as AlreadyAtParams | undefined) : undefined;
    if (params?.already) {
      const first = [...issue.path.slice(0, issue.path.length - params.already.up), params.already.index];
      return [{ path, message: `${params.before}${pathText(first, prefix)}${params.after}` }];
    }
    return [{ path, message: issue.message }];
  });
}
