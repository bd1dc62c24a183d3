import type { Logger } from '@aws-lambda-powertools/logger';
import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { CodePipelineEvent } from 'aws-lambda';
import { errorMessage, errorName } from './aws-errors';

/** CodePipeline rejects continuation tokens longer than this. */
const MAX_CONTINUATION_TOKEN = 2048;
/** CodePipeline truncates failure messages past this length. */
const MAX_FAILURE_MESSAGE = 5000;

/** The parts of a CodePipeline Lambda invoke job a handler needs. */
export interface CodePipelineJob {
  readonly id: string;
  /** The action's `UserParameters`, parsed as JSON. */
  readonly userParameters: Record<string, unknown>;
  /** Set when CodePipeline calls again after an in-progress answer. */
  readonly continuationToken?: string;
}

/** What one invocation of a long-running action concluded. */
export type ActionOutcome =
  | { readonly kind: 'succeeded'; readonly message: string; readonly outputVariables?: Record<string, string> }
  | { readonly kind: 'in-progress'; readonly message: string; readonly continuationToken: string }
  | { readonly kind: 'failed'; readonly message: string };

/** Thrown for a job whose action configuration cannot be used; it fails the job. */
export class JobConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConfigurationError';
  }
}

/** Reads the job out of a CodePipeline Lambda invoke event. */
export function parseJob(event: CodePipelineEvent): CodePipelineJob {
  const job = event?.['CodePipeline.job'];
  if (!job || typeof job.id !== 'string') {
    throw new JobConfigurationError('The event is not a CodePipeline job (no "CodePipeline.job.id")');
  }
  const raw = job.data?.actionConfiguration?.configuration?.UserParameters;
  let userParameters: Record<string, unknown> = {};
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error('not an object');
      }
      userParameters = parsed as Record<string, unknown>;
    } catch {
      throw new JobConfigurationError('The action\'s UserParameters are not a JSON object');
    }
  }
  return { id: job.id, userParameters, continuationToken: job.data?.continuationToken || undefined };
}

/**
 * Reads the JSON settings the construct put in a handler's environment
 * variable, naming the variable when it is missing or not JSON.
 * @param handler the handler's name for the message, e.g. `deploy`
 */
export function readJsonVariable<T>(env: NodeJS.ProcessEnv, variable: string, handler: string): T {
  const raw = env[variable];
  if (!raw) {
    throw new JobConfigurationError(`The ${handler} handler has no ${variable} environment variable`);
  }
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new JobConfigurationError(`${variable} is not valid JSON`);
  }
}

/** Reads a required string user parameter, naming it when absent. */
export function requireParameter(job: CodePipelineJob, name: string): string {
  const value = job.userParameters[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new JobConfigurationError(`UserParameters.${name} must be a non-empty string`);
  }
  return value;
}

/** Encodes handler state so CodePipeline hands it back on the next call. */
export function encodeContinuation(state: object): string {
  const token = JSON.stringify(state);
  if (token.length > MAX_CONTINUATION_TOKEN) {
    throw new Error(`Continuation state is ${token.length} characters; CodePipeline accepts ${MAX_CONTINUATION_TOKEN}`);
  }
  return token;
}

/** Decodes a continuation token written by {@link encodeContinuation}. */
export function decodeContinuation<T>(token: string): T {
  try {
    return JSON.parse(token) as T;
  } catch {
    throw new JobConfigurationError('The continuation token is not one this handler wrote');
  }
}

/**
 * Tells CodePipeline what the invocation concluded. An in-progress outcome is
 * a success result with a continuation token: CodePipeline calls the handler
 * again later, so the handler never sleeps while SageMaker works.
 */
export async function reportOutcome(client: CodePipelineClient, jobId: string, outcome: ActionOutcome): Promise<void> {
  if (outcome.kind === 'failed') {
    await client.send(new PutJobFailureResultCommand({
      jobId,
      failureDetails: { type: 'JobFailed', message: outcome.message.slice(0, MAX_FAILURE_MESSAGE) },
    }));
    return;
  }
  await client.send(new PutJobSuccessResultCommand({
    jobId,
    continuationToken: outcome.kind === 'in-progress' ? outcome.continuationToken : undefined,
    outputVariables: outcome.kind === 'succeeded' ? outcome.outputVariables : undefined,
  }));
}

/**
 * What CodePipeline should hear when a step throws: a configuration problem
 * or any lasting error fails the job with its reason; a transient one (as
 * `isTransient` says) hands the same continuation token back, or a token for
 * `restartPhase` when the step had not started, so CodePipeline calls again.
 */
export function outcomeOfError(job: CodePipelineJob, err: unknown, restartPhase: string, isTransient: (err: unknown) => boolean): ActionOutcome {
  if (err instanceof JobConfigurationError) {
    return { kind: 'failed', message: err.message };
  }
  if (isTransient(err)) {
    return {
      kind: 'in-progress',
      message: `Transient ${errorName(err)}; will try again`,
      continuationToken: job.continuationToken ?? encodeContinuation({ phase: restartPhase }),
    };
  }
  return { kind: 'failed', message: `${errorName(err)}: ${errorMessage(err)}` };
}

/** How one handler runs its CodePipeline action. */
export interface ActionHandlerOptions {
  /** The step's name in logs, e.g. `Deploy`. */
  readonly name: string;
  readonly codepipeline: () => CodePipelineClient;
  readonly logger: Logger;
  /** Decides the step; may throw, see {@link outcomeOfError}. */
  readonly step: (job: CodePipelineJob) => Promise<ActionOutcome>;
  /** The phase a restart after a transient error before any state begins with. */
  readonly restartPhase: string;
  readonly isTransient: (err: unknown) => boolean;
}

/**
 * The entry point every CodePipeline action handler shares: parse the job,
 * run the step, log one structured line (identifiers and outcome, never
 * payloads), and report the outcome. An event that is not a CodePipeline job
 * has nobody to report to and is rejected loudly.
 */
export async function handleAction(event: CodePipelineEvent, options: ActionHandlerOptions): Promise<void> {
  const jobId = event?.['CodePipeline.job']?.id;
  if (typeof jobId !== 'string') {
    throw new JobConfigurationError('The event is not a CodePipeline job (no "CodePipeline.job.id")');
  }
  let job: CodePipelineJob | undefined;
  let outcome: ActionOutcome;
  try {
    job = parseJob(event);
    outcome = await options.step(job);
  } catch (err) {
    outcome = job
      ? outcomeOfError(job, err, options.restartPhase, options.isTransient)
      : { kind: 'failed', message: errorMessage(err) };
  }
  options.logger.info(`${options.name} step`, {
    jobId,
    environment: job?.userParameters.environment,
    outcome: outcome.kind,
    detail: outcome.message,
  });
  await reportOutcome(options.codepipeline(), jobId, outcome);
}
