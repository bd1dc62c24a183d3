/**
 * The small JSON-path subset integration tests use: `$`, `.key`, `['key']`
 * (or `["key"]`) and `[index]`. Plain functions with no aws-cdk-lib, shared by
 * the construct (which checks paths at synth time) and the test handler.
 */

/** One step of a parsed path: an object key or an array index. */
export interface PathStep {
  readonly key?: string;
  readonly index?: number;
}

/** Thrown for a path outside the supported subset, saying where it goes wrong. */
export class JsonPathSyntaxError extends Error {
  constructor(path: string, reason: string) {
    super(`${JSON.stringify(path)} ${reason}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parses a path such as `$.predictions[0]['score']` into its steps. */
export function parseJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$')) {
    throw new JsonPathSyntaxError(path, 'is not a JSON path starting with "$"');
  }
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const rest = path.slice(i);
    if (rest.startsWith('.')) {
      const match = IDENTIFIER.exec(rest.slice(1));
      if (!match) {
        throw new JsonPathSyntaxError(path, `has no key after "." at position ${i}`);
      }
      steps.push({ key: match[0] });
      i += 1 + match[0].length;
      continue;
    }
    const index = /^\[(\d+)\]/.exec(rest);
    if (index) {
      steps.push({ index: Number(index[1]) });
      i += index[0].length;
      continue;
    }
    const quoted = /^\[(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\]/.exec(rest);
    if (quoted) {
      const raw = quoted[1] ?? quoted[2];
      steps.push({ key: raw.replace(/\\(.)/g, '$1') });
      i += quoted[0].length;
      continue;
    }
    throw new JsonPathSyntaxError(path, `has an unsupported step at position ${i} (use .key, ['key'] or [index])`);
  }
  return steps;
}

/** What a path finds in a document: the value, or why there is none. */
export interface PathResult {
  readonly found: boolean;
  readonly value?: unknown;
}

/** Follows parsed steps through a JSON document. */
export function evaluateJsonPath(document: unknown, steps: readonly PathStep[]): PathResult {
  let current: unknown = document;
  for (const step of steps) {
    if (step.index !== undefined) {
      if (!Array.isArray(current) || step.index >= current.length) {
        return { found: false };
      }
      current = current[step.index];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)
        || !Object.prototype.hasOwnProperty.call(current, step.key!)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[step.key!];
    }
  }
  return { found: true, value: current };
}
