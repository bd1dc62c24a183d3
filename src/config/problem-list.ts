import { Problem } from './pipeline-request';

/**
 * The problems found so far while checking one document, each at a path
 * such as `environments[1].instanceType` (`''` is the document itself).
 */
export class ProblemList {
  public readonly items: Problem[] = [];

  /** Records one problem. */
  public add(path: string, message: string): void {
    this.items.push({ path, message });
  }

  /** The number recorded so far: callers compare it to skip checks that depend on earlier ones. */
  public get count(): number {
    return this.items.length;
  }
}

/** The path of a key inside the value at `path`. */
export function keyPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The path of an element of the array at `path`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

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
