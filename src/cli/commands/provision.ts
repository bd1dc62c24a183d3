import { ApiError } from '../api-client';
import { PipelineStatus, ProvisionAccepted } from '../api-types';
import { positiveNumber } from '../args';
import { CliFailure, EXIT_FAILURE, EXIT_OK } from '../cli-errors';
import { Command, CommandContext } from '../command';
import { plural } from '../format';
import { PipelineTracker, WaitOutcome } from '../pipeline-tracker';
import { pollAll, Poller } from '../polling';
import { describeApiError, errorSummary } from '../report-error';
import { checkRequestFile, formatProblems } from '../request-file';

/** Defaults of `--interval` (seconds) and `--timeout` (minutes): a release takes minutes per environment. */
export const DEFAULT_INTERVAL_SECONDS = 15;
export const DEFAULT_TIMEOUT_MINUTES = 60;

/**
 * Answers about one request in particular: the next pipeline of the file may
 * still go through. Any other error (403, 5xx, network) would fail them all alike.
 */
const REQUEST_ERRORS = new Set([400, 404, 409, 422]);

/** What `--json` prints for one pipeline of the file. */
interface ProvisionRecord {
  name: string;
  accepted?: ProvisionAccepted;
  error?: { status?: number; body?: unknown; message?: string };
  outcome?: WaitOutcome;
  status?: PipelineStatus;
}

export const provisionCommand: Command = {
  name: 'provision',
  summary: 'validate a file, then create or update each pipeline in it through the API',
  usage: 'mlops provision <file> --api <url> [--wait] [--interval <seconds>] [--timeout <minutes>]',
  description: 'Validates <file> (as mlops validate does; nothing is sent if it has a problem), then sends each pipeline '
    + 'to the provisioning API (POST /pipelines), which creates or updates its stack.\n\n'
    + 'With --wait, follows each pipeline (GET /pipelines/{name}) and prints each change of its stack and stages, until '
    + 'the stack is ready and the latest execution has finished (exit 0 if it succeeded, 1 if it failed or stopped), '
    + 'a manual approval is waiting (exit 0), or the timeout (exit 1).',
  positionals: ['file'],
  options: {
    wait: { type: 'boolean', description: 'follow the stacks and pipelines until they finish' },
    interval: { type: 'string', valueName: '<seconds>', description: `time between polls with --wait (default: ${DEFAULT_INTERVAL_SECONDS})` },
    timeout: { type: 'string', valueName: '<minutes>', description: `how long --wait waits (default: ${DEFAULT_TIMEOUT_MINUTES})` },
  },
  usesApi: true,
  async run(context) {
    const { io, json, args } = context;
    const file = args.positionals[0];
    const intervalMs = positiveNumber(args.strings.interval, '--interval', 'seconds', DEFAULT_INTERVAL_SECONDS) * 1000;
    const timeoutMs = positiveNumber(args.strings.timeout, '--timeout', 'minutes', DEFAULT_TIMEOUT_MINUTES) * 60_000;
    // A bad --api or --region is a usage error before anything else happens.
    const api = context.api();
    const checked = await checkRequestFile(file);
    if (!checked.ok) {
      if (json) io.stdout.write(`${JSON.stringify({ problems: checked.problems }, null, 2)}\n`);
      io.stderr.write(formatProblems(file, checked.problems));
      io.stderr.write(`${file}: ${plural(checked.problems.length, 'problem')}; nothing was sent\n`);
      return EXIT_FAILURE;
    }
    // With --json, stdout is one JSON document at the end; progress goes to stderr.
    const say = (line: string) => (json ? io.stderr : io.stdout).write(`${line}\n`);
    const records: ProvisionRecord[] = [];
    let failed = false;
    for (const request of checked.pipelines) {
      const record: ProvisionRecord = { name: request.name };
      records.push(record);
      try {
        record.accepted = await api.request<ProvisionAccepted>('POST', '/pipelines', request);
        say(`${request.name}  ${record.accepted.status}${record.accepted.stackId ? `  ${record.accepted.stackId}` : ''}`);
      } catch (error) {
        failed = true;
        if (error instanceof ApiError) {
          record.error = { status: error.status, body: error.body ?? error.text };
          io.stderr.write(describeApiError(error));
          if (REQUEST_ERRORS.has(error.status)) continue;
        } else if (error instanceof CliFailure) {
          record.error = { message: error.message };
          io.stderr.write(`mlops: ${error.message}\n`);
        } else {
          throw error;
        }
        const skipped = checked.pipelines.length - records.length;
        if (skipped > 0) io.stderr.write(`mlops: not sent: ${plural(skipped, 'more pipeline')}\n`);
        break;
      }
    }
    if (args.flags.wait) {
      const accepted = records.filter((r) => r.accepted);
      if (accepted.length > 0) {
        say(`Waiting for ${plural(accepted.length, 'pipeline')} (every ${intervalMs / 1000} s, at most ${timeoutMs / 60_000} min)...`);
      }
      const outcomes = await pollAll(accepted.map((r) => pipelinePoller(context, r, say)), {
        intervalMs,
        timeoutMs,
        sleep: context.sleep,
        now: context.now,
        warn: (line) => io.stderr.write(`${line}\n`),
      });
      accepted.forEach((record, i) => {
        const outcome = outcomes[i];
        record.outcome = outcome;
        if (outcome.result === 'failed' || outcome.result === 'timeout') {
          failed = true;
          io.stderr.write(`mlops: ${record.name}: ${outcome.message}\n`);
        } else {
          say(`${record.name}  ${outcome.message}`);
        }
      });
    }
    if (json) io.stdout.write(`${JSON.stringify({ pipelines: records }, null, 2)}\n`);
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};

function pipelinePoller(context: CommandContext, record: ProvisionRecord, say: (line: string) => void): Poller<WaitOutcome> {
  const tracker = new PipelineTracker(record.name, record.accepted!.status);
  return {
    name: record.name,
    async step() {
      const status = await context.api().request<PipelineStatus>('GET', `/pipelines/${encodeURIComponent(record.name)}`);
      record.status = status;
      for (const line of tracker.observe(status)) say(line);
      return tracker.assess(status);
    },
    timedOut: () => ({
      result: 'timeout',
      message: `not finished within the timeout (stack ${record.status?.stackStatus ?? 'unknown'}); 'mlops status ${record.name}' shows where it is`,
    }),
    failed: (error) => ({
      result: 'failed',
      message: errorSummary(error),
    }),
  };
}
