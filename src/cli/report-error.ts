import { ApiError, clip } from './api-client';
import { CliFailure, EXIT_FAILURE, EXIT_USAGE, UsageError } from './cli-errors';
import { CliIo } from './cli-io';

/**
 * Writes an error for a person on stderr (and, with `--json`, the API's error
 * body on stdout, so a script reads the problems too); returns the exit code.
 * `command` names the subcommand for usage errors (`mlops provision --help`).
 */
export function reportError(error: unknown, io: CliIo, options: { readonly json: boolean; readonly command?: string }): number {
  if (error instanceof UsageError) {
    const help = options.command ? `mlops ${options.command} --help` : 'mlops --help';
    io.stderr.write(`mlops: ${error.message}\nRun '${help}' for usage.\n`);
    return EXIT_USAGE;
  }
  if (error instanceof ApiError) {
    io.stderr.write(describeApiError(error));
    if (options.json) {
      io.stdout.write(`${JSON.stringify(error.body ?? { message: `${error.status} ${error.statusText}: ${clip(error.text)}` }, null, 2)}\n`);
    }
    return EXIT_FAILURE;
  }
  if (error instanceof CliFailure) {
    io.stderr.write(`mlops: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  // Anything else is a bug of the command: show it whole rather than a vague line.
  io.stderr.write(`mlops: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  return EXIT_FAILURE;
}

/** The lines for one API error: status, the API's message, each problem, and what to do about a 403. */
export function describeApiError(error: ApiError): string {
  const detail = error.body?.message ?? (error.text ? clip(error.text) : undefined);
  let out = `mlops: ${error.request}: ${error.status} ${error.statusText}${detail ? `: ${detail}` : ''}\n`;
  for (const problem of error.body?.problems ?? []) {
    out += `  ${problem.path || '(request)'}: ${problem.message ?? 'invalid'}\n`;
  }
  if (error.status === 403) {
    out += '  The caller needs execute-api:Invoke on this API (an IAM policy allowing it on arn:aws:execute-api:<region>:<account>:<api-id>/*),\n' +
      '  and requests signed for the API\'s region (see --region).\n';
  }
  return out;
}

/** An error as one message without the `mlops:` prefix, for a line about one pipeline. */
export function errorSummary(error: unknown): string {
  return error instanceof ApiError ? describeApiError(error).replace(/^mlops: /, '').trimEnd() : (error as Error).message;
}
