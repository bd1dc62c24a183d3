import { ApiError } from '../api-client';
import { DeleteAccepted, PipelineStatus } from '../api-types';
import { positiveNumber } from '../args';
import { EXIT_FAILURE, EXIT_OK } from '../cli-errors';
import { Command } from '../command';
import { pollAll } from '../polling';
import { errorSummary } from '../report-error';
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_MINUTES } from './provision';

interface DeleteOutcome {
  readonly deleted: boolean;
  readonly message: string;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: 'tear a pipeline down: its stack, its endpoints and their inference APIs',
  usage: 'mlops delete <name> --api <url> [--wait] [--interval <seconds>] [--timeout <minutes>]',
  description: 'Deletes a pipeline (DELETE /pipelines/{name}): its stack goes, and with it every endpoint, model and '
    + 'endpoint config the pipeline created.\n\n'
    + 'With --wait, follows the stack until it is gone (exit 0), its deletion fails (exit 1), or the timeout (exit 1).',
  positionals: ['name'],
  options: {
    wait: { type: 'boolean', description: 'follow the stack until it is deleted' },
    interval: { type: 'string', valueName: '<seconds>', description: `time between polls with --wait (default: ${DEFAULT_INTERVAL_SECONDS})` },
    timeout: { type: 'string', valueName: '<minutes>', description: `how long --wait waits (default: ${DEFAULT_TIMEOUT_MINUTES})` },
  },
  usesApi: true,
  async run(context) {
    const { io, json, args } = context;
    const name = args.positionals[0];
    const intervalMs = positiveNumber(args.strings.interval, '--interval', 'seconds', DEFAULT_INTERVAL_SECONDS) * 1000;
    const timeoutMs = positiveNumber(args.strings.timeout, '--timeout', 'minutes', DEFAULT_TIMEOUT_MINUTES) * 60_000;
    const api = context.api();
    const path = `/pipelines/${encodeURIComponent(name)}`;
    const accepted = await api.request<DeleteAccepted>('DELETE', path);
    const say = (line: string) => (json ? io.stderr : io.stdout).write(`${line}\n`);
    say(`${name}  ${accepted.status}`);
    if (!args.flags.wait) {
      if (json) io.stdout.write(`${JSON.stringify(accepted, null, 2)}\n`);
      return EXIT_OK;
    }
    let lastStatus: string | undefined = accepted.status;
    const [outcome] = await pollAll<DeleteOutcome>([{
      name,
      async step() {
        let status: PipelineStatus;
        try {
          status = await api.request<PipelineStatus>('GET', path);
        } catch (error) {
          // The API answers 404 once the stack is gone.
          if (error instanceof ApiError && error.status === 404) return { deleted: true, message: 'deleted' };
          throw error;
        }
        if (status.stackStatus !== lastStatus) say(`${name}  stack  ${lastStatus} -> ${status.stackStatus}`);
        lastStatus = status.stackStatus;
        if (status.stackStatus === 'DELETE_COMPLETE') return { deleted: true, message: 'deleted' };
        if (status.stackStatus === 'DELETE_FAILED') {
          return { deleted: false, message: `stack DELETE_FAILED${status.stackStatusReason ? `: ${status.stackStatusReason}` : ''}` };
        }
        if (status.stackStatus !== 'DELETE_IN_PROGRESS') {
          return { deleted: false, message: `stack ${status.stackStatus}: not being deleted (another request changed it?)` };
        }
        return undefined;
      },
      timedOut: () => ({ deleted: false, message: `still ${lastStatus ?? 'being deleted'} after the timeout` }),
      failed: (error) => ({
        deleted: false,
        message: errorSummary(error),
      }),
    }], { intervalMs, timeoutMs, sleep: context.sleep, now: context.now, warn: (line) => io.stderr.write(`${line}\n`) });
    if (json) io.stdout.write(`${JSON.stringify({ ...accepted, deleted: outcome.deleted, message: outcome.message }, null, 2)}\n`);
    if (!outcome.deleted) {
      io.stderr.write(`mlops: ${name}: ${outcome.message}\n`);
      return EXIT_FAILURE;
    }
    say(`${name}  deleted`);
    return EXIT_OK;
  },
};
