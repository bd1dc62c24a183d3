import { parseArgs } from 'node:util';
import { UsageError } from './cli-errors';

/** One `--option` a command accepts. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** What a string option's value is, for help: `<url>`. */
  readonly valueName?: string;
  readonly description: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly strings: Readonly<Record<string, string | undefined>>;
  readonly flags: Readonly<Record<string, boolean>>;
}

/**
 * `node:util` parseArgs in its lenient mode, then checked here: its strict
 * mode's messages speak of parseArgs itself, these speak of the command.
 */
export function parseCommandLine(args: readonly string[], specs: OptionSpecs): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...args],
    options: parseArgsOptions(specs),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals: string[] = [];
  const strings: Record<string, string | undefined> = {};
  const flags: Record<string, boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
    } else if (token.kind === 'option') {
      const spec = specs[token.name];
      if (!spec) throw new UsageError(`unknown option ${token.rawName}`);
      if (spec.type === 'string') {
        // `--api --json`: parseArgs would take `--json` as the URL.
        const missing = token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-'));
        if (missing) throw new UsageError(`${token.rawName} needs a value (${spec.valueName ?? '<value>'})`);
        strings[token.name] = token.value;
      } else {
        if (token.inlineValue) throw new UsageError(`${token.rawName} takes no value`);
        flags[token.name] = true;
      }
    }
  }
  return { positionals, strings, flags };
}

function parseArgsOptions(specs: OptionSpecs) {
  return Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}) }]));
}

/** The first word that is not an option or an option's value: the subcommand. */
export function findCommand(args: readonly string[], specs: OptionSpecs): { readonly name?: string; readonly rest: string[] } {
  const { tokens } = parseArgs({
    args: [...args],
    options: parseArgsOptions(specs),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const first = tokens.find((t) => t.kind === 'positional');
  if (!first) return { rest: [...args] };
  return { name: first.value, rest: args.filter((_, i) => i !== first.index) };
}

/** A positive number of `unit` from a string option, or the default. */
export function positiveNumber(value: string | undefined, option: string, unit: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || value.trim() === '') {
    throw new UsageError(`${option} must be a positive number of ${unit}, not '${value}'`);
  }
  return n;
}
