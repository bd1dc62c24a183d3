import { OptionSpecs } from './args';
import { Command, GLOBAL_OPTIONS, optionsOf } from './command';
import { table } from './format';

/** `mlops --help`. */
export function globalHelp(commands: readonly Command[]): string {
  return 'Usage: mlops <command> [options]\n\n'
    + 'Provision and follow ML pipelines through the MlopsFramework\'s provisioning API.\n\n'
    + 'Commands:\n'
    + table(commands.map((c) => [c.name, c.summary]), '  ')
    + '\nOptions:\n'
    + optionLines(GLOBAL_OPTIONS)
    + '\nCommands that call the API take --api <url> (or $MLOPS_API_URL) and --region <region>, and sign each request\n'
    + 'with SigV4 using the AWS default credential chain (environment, profile, SSO, instance role).\n'
    + 'Exit codes: 0 success, 1 failure (invalid file, API error, failed pipeline), 2 usage error.\n'
    + 'Run \'mlops <command> --help\' for a command\'s options.\n';
}

/** `mlops <command> --help`. */
export function commandHelp(command: Command): string {
  return `Usage: ${command.usage}\n\n${wrap(command.description)}\n\nOptions:\n${optionLines(optionsOf(command))}`;
}

function optionLines(specs: OptionSpecs): string {
  return table(Object.entries(specs).map(([name, spec]) => [
    `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.valueName ? ` ${spec.valueName}` : ''}`,
    spec.description,
  ]), '  ');
}

/** Wraps each paragraph at 100 columns, for a terminal. */
function wrap(text: string, width = 100): string {
  return text.split('\n\n').map((paragraph) => {
    const lines: string[] = [];
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    if (line) lines.push(line);
    return lines.join('\n');
  }).join('\n\n');
}
