import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { EnvironmentDeploySpec } from '../contract/deploy-settings';
import { checkBatchOutput } from './batch-output-check';
import { BatchReleaseOutcome, continueBatchRelease, startBatchRelease } from './batch-release';
import { TransformState } from './batch-transform';
import { ActionOutcome, CodePipelineJob, JobConfigurationError, encodeContinuation, requireParameter } from './codepipeline-job';
import { MonitorOutcome, MonitorState, continueMonitoring, startMonitoring } from './monitoring-release';
import { ReleaseClients, ReleaseRequest } from './release-model';
import { removalNotes } from './removal';

/*
 * The deploy function's steps besides an endpoint release: a batch
 * environment's release and output check, and a drift-detecting
 * environment's Monitor step. Each maps its runtime outcome onto what
 * CodePipeline hears.
 */

/** One call of a batch environment's Deploy action. `state` is the continuation, if any. */
export async function runBatchRelease(request: ReleaseRequest, state: TransformState | undefined, clients: ReleaseClients): Promise<ActionOutcome> {
  const outcome = state ? await continueBatchRelease(request, state, clients) : await startBatchRelease(request, clients);
  return batchOutcome(request.environment, outcome);
}

function batchOutcome(environment: string, outcome: BatchReleaseOutcome): ActionOutcome {
  switch (outcome.kind) {
    case 'succeeded':
      return {
        kind: 'succeeded',
        message: [
          outcome.message,
          outcome.durationSeconds === undefined ? '' : `took ${outcome.durationSeconds} s`,
          ...removalNotes(outcome.cleanup, 'old release models'),
        ].filter(Boolean).join('; '),
        outputVariables: { ModelName: outcome.job, TransformJobName: outcome.job, OutputUri: outcome.output },
      };
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, continuationToken: encodeContinuation(outcome.state) };
    default:
      return { kind: 'failed', message: `Batch release to ${environment} failed: ${outcome.message}` };
  }
}

/**
 * A batch environment's Test action: the release's output folder (from the
 * Deploy stage's `OutputUri`) must hold what the environment's check asks.
 */
export async function runOutputCheck(job: CodePipelineJob, environment: string, spec: EnvironmentDeploySpec, s3: S3Client): Promise<ActionOutcome> {
  if (!spec.batch) {
    throw new JobConfigurationError(`Environment "${environment}" is not a batch environment: it has no output to check`);
  }
  const outputUri = requireParameter(job, 'outputUri');
  // The folder comes from a pipeline variable: only this environment's output is ever read.
  // Releases write under `<prefix>/<release id>/` (see transformOutputUri), so the prefix ends at a slash:
  // `s3://b/scores` must not admit `s3://b/scores-archive/`.
  const output = spec.batch.outputS3Uri.endsWith('/') ? spec.batch.outputS3Uri : `${spec.batch.outputS3Uri}/`;
  if (!outputUri.startsWith(output) || outputUri.includes('/../')) {
    throw new JobConfigurationError(`UserParameters.outputUri ${outputUri} is not under environment "${environment}"'s output ${spec.batch.outputS3Uri}`);
  }
  const verdict = await checkBatchOutput(outputUri, spec.batch.check, s3);
  switch (verdict.kind) {
    case 'passed':
      return { kind: 'succeeded', message: verdict.message };
    case 'failed':
      return { kind: 'failed', message: `Batch output check of ${environment} failed: ${verdict.failures}` };
    default:
      return { kind: 'failed', message: `Batch output check of ${environment} cannot be ${verdict.kind}` };
  }
}

/** One call of a drift-detecting environment's Monitor action. */
export async function runMonitor(
  environment: string,
  spec: EnvironmentDeploySpec,
  executionId: string,
  state: MonitorState | undefined,
  sagemaker: SageMakerClient,
): Promise<ActionOutcome> {
  if (!spec.monitoring) {
    throw new JobConfigurationError(`Environment "${environment}" has no drift detection to set up`);
  }
  const outcome: MonitorOutcome = state
    ? await continueMonitoring(spec, executionId, state, sagemaker)
    : await startMonitoring(spec, executionId, sagemaker);
  switch (outcome.kind) {
    case 'succeeded':
      return {
        kind: 'succeeded',
        message: outcome.message,
        outputVariables: {
          ScheduleName: outcome.scheduleName,
          BaselineJobName: outcome.baselineJob,
          ...(outcome.modelQualityScheduleName ? { ModelQualityScheduleName: outcome.modelQualityScheduleName } : {}),
        },
      };
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, continuationToken: encodeContinuation(outcome.state) };
    default:
      return { kind: 'failed', message: outcome.message };
  }
}
