/**
 * Reading an unknown JSON value one field at a time, recording a problem
 * for anything of the wrong type. Only own, known keys are ever read, so
 * `__proto__`, `constructor` and friends in the input are reported as
 * unknown and never reach the checked value.
 */
import { describe, keyPath, ProblemList, quote } from './problem-list';

/** The keys an object may have. */
export interface ObjectShape {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

/** Unknown keys reported one by one; beyond this an object is clearly not a request, and one more problem says how many. */
const MAX_UNKNOWN_KEYS_REPORTED = 20;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object's known fields, or undefined when the value is no object. Every
 * unknown key is a problem at its own path, every missing required key one at its path.
 */
export function readObject(value: unknown, path: string, problems: ProblemList, shape: ObjectShape): Record<string, unknown> | undefined {
  if (!isObject(value)) {
    problems.add(path, `must be an object, got ${describe(value)}`);
    return undefined;
  }
  const known = [...shape.required, ...shape.optional];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  for (const key of unknown.slice(0, MAX_UNKNOWN_KEYS_REPORTED)) {
    problems.add(keyPath(path, key), `is not a known field (expected ${known.join(', ')})`);
  }
  if (unknown.length > MAX_UNKNOWN_KEYS_REPORTED) {
    problems.add(path, `has ${unknown.length - MAX_UNKNOWN_KEYS_REPORTED} more unknown fields`);
  }
  // A plain object holding only known keys: nothing from the input's prototype chain.
  const fields: Record<string, unknown> = {};
  for (const key of known) {
    if (Object.prototype.hasOwnProperty.call(value, key) && value[key] !== undefined) {
      fields[key] = value[key];
    } else if (shape.required.includes(key)) {
      problems.add(keyPath(path, key), 'is required');
    }
  }
  return fields;
}

/** A string, or undefined (with a problem) for anything else. */
export function readString(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be a string, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A boolean, or undefined (with a problem) for anything else. */
export function readBoolean(value: unknown, path: string, problems: ProblemList): boolean | undefined {
  if (typeof value !== 'boolean') {
    problems.add(path, `must be true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

/** A whole number within [min, max], or undefined (with a problem). */
export function readInteger(value: unknown, path: string, problems: ProblemList, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === 'number' && Number.isFinite(value) ? String(value) : describe(value);
    problems.add(path, `must be a whole number from ${min} to ${max}, got ${got}`);
    return undefined;
  }
  return value;
}

/** A finite number of at least `min`, or undefined (with a problem). */
export function readNumber(value: unknown, path: string, problems: ProblemList, min?: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.add(path, `must be a number, got ${describe(value)}`);
    return undefined;
  }
  if (min !== undefined && value < min) {
    problems.add(path, `must be at least ${min}, got ${value}`);
    return undefined;
  }
  return value;
}

/**
 * An array of at most `max` elements (at least `min`), or undefined (with a
 * problem). Too long an array is not read at all: its size alone is the problem.
 */
export function readArray(value: unknown, path: string, problems: ProblemList, min: number, max: number, what: string): unknown[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be an array of ${what}, got ${describe(value)}`);
    return undefined;
  }
  if (value.length < min || value.length > max) {
    const range = min === max ? `${min}` : min === 0 ? `at most ${max}` : `${min} to ${max}`;
    problems.add(path, `must hold ${range} ${what}, got ${value.length}`);
    return undefined;
  }
  // Array.from reads holes of a sparse array as undefined: each is then reported as a missing element.
  return Array.from(value);
}

/** A string that must be one of `allowed`. */
export function readOneOf(value: unknown, path: string, problems: ProblemList, allowed: readonly string[]): string | undefined {
  const text = readString(value, path, problems);
  if (text !== undefined && !allowed.includes(text)) {
    problems.add(path, `${quote(text)} is not one of ${allowed.join(', ')}`);
    return undefined;
  }
  return text;
}
