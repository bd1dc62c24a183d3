import { ApiClient } from './api-client';
import { resolveApiTarget } from './api-target';
import { findCommand, parseCommandLine } from './args';
import { EXIT_OK, EXIT_USAGE, UsageError } from './cli-errors';
import { CliIo } from './cli-io';
import { Command, GLOBAL_OPTIONS, API_OPTIONS, optionsOf } from './command';
import { deleteCommand } from './commands/delete';
import { listCommand } from './commands/list';
import { provisionCommand } from './commands/provision';
import { statusCommand } from './commands/status';
import { validateCommand } from './commands/validate';
import { credentialsFor } from './credentials';
import { commandHelp, globalHelp } from './help';
import { reportError } from './report-error';

/** Every subcommand, in the order `mlops --help` lists them. */
export const COMMANDS: readonly Command[] = [validateCommand, provisionCommand, statusCommand, listCommand, deleteCommand];

/**
 * Runs `mlops <args>` and resolves with the process exit code: 0 success,
 * 1 failure, 2 usage error. Never throws; never exits the process.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const json = args.includes('--json');
  let command: Command | undefined;
  try {
    // Options may come before the command (`mlops --json list`): find the command among all options any command takes.
    const allOptions = Object.assign({}, GLOBAL_OPTIONS, API_OPTIONS, ...COMMANDS.map((c) => c.options));
    const found = findCommand(args, allOptions);
    if (found.name === 'help') {
      // `mlops help [command]`
      const target = found.rest.find((a) => !a.startsWith('-'));
      return showHelp(io, target);
    }
    if (found.name === undefined) {
      const global = parseCommandLine(found.rest, GLOBAL_OPTIONS);
      if (global.flags.help) return showHelp(io);
      io.stderr.write(globalHelp(COMMANDS));
      return EXIT_USAGE;
    }
    command = COMMANDS.find((c) => c.name === found.name);
    if (!command) throw new UsageError(`unknown command '${found.name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    const parsed = parseCommandLine(found.rest, optionsOf(command));
    if (parsed.flags.help) return showHelp(io, command.name);
    const expected = command.positionals;
    if (parsed.positionals.length < expected.length) {
      throw new UsageError(`missing <${expected[parsed.positionals.length]}>: ${command.usage}`);
    }
    if (parsed.positionals.length > expected.length) {
      throw new UsageError(`unexpected argument '${parsed.positionals[expected.length]}'`);
    }
    let client: ApiClient | undefined;
    const api = () => {
      client ??= new ApiClient({
        target: resolveApiTarget({ api: parsed.strings.api, region: parsed.strings.region }, io.env),
        credentials: credentialsFor(io),
        fetch: io.fetch ?? fetch,
      });
      return client;
    };
    return await command.run({
      io,
      args: parsed,
      json: parsed.flags.json ?? false,
      api,
      sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now: io.now ?? Date.now,
    });
  } catch (error) {
    return reportError(error, io, { json, command: command?.name });
  }
}

function showHelp(io: CliIo, name?: string): number {
  if (name === undefined) {
    io.stdout.write(globalHelp(COMMANDS));
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  io.stdout.write(commandHelp(command));
  return EXIT_OK;
}
