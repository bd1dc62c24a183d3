import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { CodePipelineEvent } from 'aws-lambda';

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
