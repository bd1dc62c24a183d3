import {
  CreateTransformJobCommand,
  CreateTransformJobCommandInput,
  DescribeTransformJobCommand,
  DescribeTransformJobCommandOutput,
  SageMakerClient,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { errorMessage, errorName, isNameTaken, isTransient, unlessNotFound } from './aws-errors';
import { folderUnder } from './s3-uri';
import type { BatchTransformSpec } from '../contract/batch-settings';
import { releaseId, releaseName } from '../contract/naming';

/** Identifies one release of one batch environment. */
export interface TransformRequest {
  readonly environment: string;
  readonly spec: BatchTransformSpec;
  readonly executionId: string;
}

/**
 * Where a transform stands between two calls, carried in the CodePipeline
 * continuation token (small: names only, never the job's whole input).
 * - `starting`: the create was not accepted yet (a transient error); start again.
 * - `awaiting-job`: the job exists; wait for its outcome.
 */
export interface TransformState {
  readonly phase: 'starting' | 'awaiting-job';
  readonly job: string;
  /** `s3://…/<releaseId>/`: where this release's output goes. */
  readonly output: string;
}

export type TransformOutcome =
  | {
    readonly kind: 'succeeded';
    readonly message: string;
    readonly job: string;
    readonly output: string;
    /** Seconds between SageMaker's start and end of the transform, when it reports both. */
    readonly durationSeconds?: number;
  }
  | { readonly kind: 'in-progress'; readonly message: string; readonly state: TransformState }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The release's transform job name: the release's model name, so a retried
 * job of the same execution finds its own transform and a new execution
 * starts a new one. SageMaker never reuses a job name, even after a failure.
 */
export function transformJobName(spec: BatchTransformSpec, executionId: string): string {
  return releaseName(spec.releasePrefix, releaseId(executionId));
}

/** The release's own output folder, so no release overwrites another's output. */
export function transformOutputUri(spec: BatchTransformSpec, executionId: string): string {
  return folderUnder(spec.outputS3Uri, releaseId(executionId));
}

/** The CreateTransformJob input for a release; the model has the job's name. */
export function transformJobInput(spec: BatchTransformSpec, job: string, output: string): CreateTransformJobCommandInput {
  return {
    TransformJobName: job,
    ModelName: job,
    MaxPayloadInMB: spec.maxPayloadMb,
    MaxConcurrentTransforms: spec.maxConcurrentTransforms,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: spec.inputS3Uri } },
      ContentType: spec.contentType,
      SplitType: spec.splitType,
    },
    TransformOutput: {
      S3OutputPath: output,
      Accept: spec.accept,
      // Without it the results of line records are concatenated with no
      // separator, and the test step could not read them line by line.
      AssembleWith: spec.splitType === 'Line' ? 'Line' : undefined,
      KmsKeyId: spec.kmsKeyArn,
    },
    TransformResources: {
      // The construct validated the shape; SageMaker names the exact types it accepts.
      InstanceType: spec.instanceType as TransformInstanceType,
      InstanceCount: spec.instanceCount,
      VolumeKmsKeyId: spec.kmsKeyArn,
    },
    Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

async function describeJob(sagemaker: SageMakerClient, job: string): Promise<DescribeTransformJobCommandOutput | undefined> {
  return unlessNotFound(() => sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: job })));
}

function inProgress(state: TransformState, message: string): TransformOutcome {
  return { kind: 'in-progress', state, message };
}

function retryLater(state: TransformState, err: unknown, doing: string): TransformOutcome {
  return inProgress(state, `${doing} ${state.job} met ${errorName(err)} (${errorMessage(err)}); trying again on the next call`);
}

/**
 * Starts a release's transform job, or follows the one an earlier attempt of
 * the same job started (never a second create). Never waits.
 */
export async function startTransform(request: TransformRequest, sagemaker: SageMakerClient): Promise<TransformOutcome> {
  const job = transformJobName(request.spec, request.executionId);
  const output = transformOutputUri(request.spec, request.executionId);
  const awaiting: TransformState = { phase: 'awaiting-job', job, output };
  try {
    const existing = await describeJob(sagemaker, job);
    if (existing) {
      return judge(existing, awaiting);
    }
    await sagemaker.send(new CreateTransformJobCommand(transformJobInput(request.spec, job, output)));
  } catch (err) {
    if (isTransient(err)) {
      return retryLater({ ...awaiting, phase: 'starting' }, err, 'Starting transform job');
    }
    if (isNameTaken(err)) {
      // An earlier attempt's create landed after our look: follow that job.
      return inProgress(awaiting, `Transform job ${job} was already started; waiting for it`);
    }
    return { kind: 'failed', message: `Could not start transform job ${job} for environment ${request.environment}: ${errorName(err)}: ${errorMessage(err)}` };
  }
  return inProgress(awaiting, `Started transform job ${job} of ${request.spec.inputS3Uri} into ${output}`);
}

/** Checks on a transform started earlier; `request` is needed only to start again. */
export async function continueTransform(request: TransformRequest, state: TransformState, sagemaker: SageMakerClient): Promise<TransformOutcome> {
  if (state.phase === 'starting') {
    return startTransform(request, sagemaker);
  }
  if (state.phase !== 'awaiting-job') {
    return { kind: 'failed', message: `Unknown transform phase ${JSON.stringify((state as { phase: unknown }).phase)}` };
  }
  let described: DescribeTransformJobCommandOutput | undefined;
  try {
    described = await describeJob(sagemaker, state.job);
  } catch (err) {
    if (isTransient(err)) {
      return retryLater(state, err, 'Checking transform job');
    }
    throw err;
  }
  if (!described) {
    // Just after a create SageMaker may not list the job yet; starting again
    // is safe because a create of the existing name counts as started.
    return startTransform(request, sagemaker);
  }
  return judge(described, state);
}

function judge(job: DescribeTransformJobCommandOutput, state: TransformState): TransformOutcome {
  const status = job.TransformJobStatus ?? 'Unknown';
  const reason = job.FailureReason ? `: ${job.FailureReason}` : '';
  switch (status) {
    case 'InProgress':
    case 'Stopping':
      return inProgress(state, `Transform job ${state.job} is ${status}`);
    case 'Completed':
      return {
        kind: 'succeeded',
        job: state.job,
        output: state.output,
        durationSeconds: durationSeconds(job),
        message: `Transform job ${state.job} completed; output in ${state.output}`,
      };
    case 'Failed':
      return { kind: 'failed', message: `Transform job ${state.job} failed${reason}` };
    case 'Stopped':
      return { kind: 'failed', message: `Transform job ${state.job} was stopped before it completed${reason}` };
    default:
      return { kind: 'failed', message: `Transform job ${state.job} is ${status}${reason}` };
  }
}

function durationSeconds(job: DescribeTransformJobCommandOutput): number | undefined {
  if (!job.TransformStartTime || !job.TransformEndTime) {
    return undefined;
  }
  return Math.round((job.TransformEndTime.getTime() - job.TransformStartTime.getTime()) / 1000);
}
