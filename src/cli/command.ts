import { ApiClient } from './api-client';
import { OptionSpecs, ParsedArgs } from './args';
import { CliIo } from './cli-io';

/** What a subcommand gets to run with. */
export interface CommandContext {
  readonly io: CliIo;
  readonly args: ParsedArgs;
  /** `--json`: the API's JSON on stdout, people's messages on stderr. */
  readonly json: boolean;
  /** A client for `--api` in `--region` (only for commands with `usesApi`). */
  readonly api: () => ApiClient;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** One `mlops <name>` subcommand. */
export interface Command {
  readonly name: string;
  /** One line, for `mlops --help`. */
  readonly summary: string;
  /** `mlops status <name> --api <url>` */
  readonly usage: string;
  /** Paragraphs for `mlops <name> --help`. */
  readonly description: string;
  /** The names of the positional arguments, all required. */
  readonly positionals: readonly string[];
  /** Options of this command only; `--json`, `--help` (and `--api`, `--region` with `usesApi`) are added. */
  readonly options: OptionSpecs;
  readonly usesApi: boolean;
  run(context: CommandContext): Promise<number>;
}

export const GLOBAL_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'machine-readable output on stdout (messages stay on stderr)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export const API_OPTIONS: OptionSpecs = {
  api: { type: 'string', valueName: '<url>', description: 'the provisioning API\'s URL (default: $MLOPS_API_URL)' },
  region: {
    type: 'string',
    valueName: '<region>',
    description: 'the API\'s region, for signing (default: from an execute-api URL, else $AWS_REGION or $AWS_DEFAULT_REGION)',
  },
};

/** Every option a command accepts. */
export function optionsOf(command: Command): OptionSpecs {
  return { ...command.options, ...(command.usesApi ? API_OPTIONS : {}), ...GLOBAL_OPTIONS };
}
