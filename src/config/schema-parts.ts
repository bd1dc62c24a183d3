/**
 * The building blocks of the pipeline schema: zod types with the messages
 * the API, `mlops validate` and the constructs report. Every check names the
 * value it refuses and what it expects ("must be a whole number from 1 to 10,
 * got 0"); a key that is left out is "required".
 */
// Imported as a namespace in every file: `import { z } from 'zod'` keeps all of zod (its
// locales, JSON Schema reading) in each handler bundle, some 450 KB instead of 90 KB.
import * as z from 'zod';
import type { core } from 'zod';
import { describe, quote } from './problems';

/** A message for an issue, from what zod knows of it (its input and its path). */
type ErrorFn = (issue: core.$ZodRawIssue) => string;

/** Whether an issue is about a key its object lacks (an array's missing element is not "required", but "nothing"). */
function isMissingKey(issue: core.$ZodRawIssue): boolean {
  const path = issue.path ?? [];
  return issue.input === undefined && typeof path[path.length - 1] === 'string';
}

/** "is required" for a missing key, else "must be <what>, got <what the value is>". */
export function expected(what: string): ErrorFn {
  return (issue) => (isMissingKey(issue) ? 'is required' : `must be ${what}, got ${describe(issue.input)}`);
}

/**
 * Runs a check only while the value has no problem yet: a value reports the
 * first thing wrong with it (its type, then its length, then its pattern),
 * not every consequence of it. (zod's `abort` would do the same, but an
 * aborted value also stops the cross-field rules of the objects around it.)
 */
export const ifClean = { when: (payload: core.ParsePayload): boolean => payload.issues.length === 0 };

/**
 * The rules of an object run whatever its fields are like, as long as it is
 * an object: each reads only the fields it can judge.
 */
export const always = { when: (payload: core.ParsePayload): boolean => isRecord(payload.value) };

/** Whether a value is a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number as a message shows it: a finite one as itself, anything else described. */
function shown(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : describe(value);
}

/** A whole number within [min, max]. */
export function wholeNumber(min: number, max: number) {
  const error: ErrorFn = (issue) => (isMissingKey(issue) ? 'is required' : `must be a whole number from ${min} to ${max}, got ${shown(issue.input)}`);
  return z.number({ error }).int({ error, ...ifClean }).min(min, { error, ...ifClean }).max(max, { error, ...ifClean });
}

/** Whether a value is a whole number within [min, max]: what the cross-field rules judge against. */
export function isWholeNumber(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** A finite number. */
export function finiteNumber() {
  return z.number({ error: expected('a number') });
}

/** A finite number of at least `min`. */
export function numberAtLeast(min: number) {
  return finiteNumber().min(min, { error: (issue) => `must be at least ${min}, got ${shown(issue.input)}`, ...ifClean });
}

/** true or false. */
export function flag() {
  return z.boolean({ error: (issue) => (isMissingKey(issue) ? 'is required' : `must be true or false, got ${describe(issue.input)}`) });
}

/** Any string. */
export function text() {
  return z.string({ error: expected('a string') });
}

/** One of a few strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      if (isMissingKey(issue)) return 'is required';
      return typeof issue.input === 'string' ? `${quote(issue.input)} is not one of ${values.join(', ')}` : `must be a string, got ${describe(issue.input)}`;
    },
  });
}

/**
 * An object with exactly these keys: every other key is a problem at its own
 * path (the formatter splits zod's one issue), so `__proto__` and friends
 * never reach the checked value, which zod builds afresh from the known keys.
 */
export function strictObject<Shape extends core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return `is not a known field (expected ${known})`;
      return isMissingKey(issue) ? 'is required' : `must be an object, got ${describe(issue.input)}`;
    },
  });
}

/**
 * An array of `min` to `max` elements, each `item`. Too long an array is
 * not read at all: its size alone is the problem (a sparse array of 2^31
 * holes is refused at once). A hole reads as a missing element.
 */
export function boundedArray<Item extends core.SomeType>(item: Item, min: number, max: number, what: string) {
  const range = min === max ? `${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
  return z.preprocess((value, context) => {
    if (Array.isArray(value) && (value.length < min || value.length > max)) {
      context.addIssue({ code: 'custom', message: `must hold ${range} ${what}, got ${value.length}`, input: value });
    }
    return value;
  }, z.array(item, { error: expected(`an array of ${what}`) }).min(min).max(max));
}

/**
 * The positions of values seen before, each with the position of its first
 * occurrence; `undefined` keys (values that cannot clash) are skipped.
 */
export function repeats(keys: ReadonlyArray<string | undefined>): Array<{ readonly index: number; readonly first: number }> {
  const seen = new Map<string, number>();
  const found: Array<{ index: number; first: number }> = [];
  keys.forEach((key, index) => {
    if (key === undefined) return;
    const first = seen.get(key);
    if (first !== undefined) {
      found.push({ index, first });
    } else {
      seen.set(key, index);
    }
  });
  return found;
}

/**
 * The issue of a value found twice: `before`, then the full path of its first
 * occurrence (the issue's path less its last `up` steps, then `first`), then `after`.
 */
export function repeatIssue(path: PropertyKey[], up: number, first: number, before: string, after = ''): core.$ZodRawIssue {
  return { code: 'custom', path, input: undefined, message: `${before}[${first}]${after}`, params: { already: { up, index: first }, before, after } };
}
