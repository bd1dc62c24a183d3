import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CodePipelineEvent } from 'aws-lambda';
import { releaseId, releaseName } from '../../contract/naming';
import { TRAINING_SPEC_VARIABLE, TrainingSettings } from '../../contract/training-settings';
import { isTransient } from '../aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  decodeContinuation,
  encodeContinuation,
  handleAction,
  outcomeOfError,
  readJsonVariable,
  requireParameter,
} from '../codepipeline-job';
import { JobIdentities } from '../job-identities';
import { createLogger } from '../logger';
import { registerModel } from '../training/model-registration';
import { TrainingOutcome, TrainingState, continueTraining, startTraining } from '../training/training-job';

const logger = createLogger('mlops-train');

/** The continuation token: a job in training, or `starting` when the first call hit a transient error before it started. */
type TrainContinuation = TrainingState | { readonly phase: 'starting' };

/** The clients the steps use. */
export interface TrainClients {
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
}

const STEPS = ['train', 'register'] as const;

/** Reads the pipeline's training settings from the handler's environment. */
export function readTrainingSettings(env: NodeJS.ProcessEnv = process.env): TrainingSettings {
  return readJsonVariable<TrainingSettings>(env, TRAINING_SPEC_VARIABLE, 'train');
}

/** The name of an execution's training job: a retried job of the same execution gets the same one. */
export function trainingJobName(settings: TrainingSettings, executionId: string): string {
  return releaseName(settings.jobPrefix, releaseId(executionId));
}

/**
 * Decides one call of a Train or Register action: what CodePipeline should
 * hear back. Never sleeps: while SageMaker trains it returns a continuation
 * token and is called again. Transient AWS errors become "call me again",
 * others fail the job with the reason.
 */
export async function runTrainJob(job: CodePipelineJob, settings: TrainingSettings, clients: TrainClients): Promise<ActionOutcome> {
  try {
    const step = job.userParameters.step ?? 'train';
    switch (step) {
      case 'train':
        return toActionOutcome(await trainStep(job, settings, clients));
      case 'register':
        return await registerStep(job, settings, clients.sagemaker);
      default:
        throw new JobConfigurationError(`UserParameters.step ${JSON.stringify(step)} is not one of ${STEPS.join(', ')}`);
    }
  } catch (err) {
    return outcomeOfError(job, err, 'starting', isTransient);
  }
}

async function trainStep(job: CodePipelineJob, settings: TrainingSettings, clients: TrainClients): Promise<TrainingOutcome> {
  const continuation = job.continuationToken ? decodeContinuation<TrainContinuation>(job.continuationToken) : undefined;
  if (continuation?.phase === 'training') {
    if (typeof continuation.job !== 'string' || !continuation.job.startsWith(`${settings.jobPrefix}-`)) {
      throw new JobConfigurationError('The continuation token names no training job of this pipeline');
    }
    return continueTraining(continuation, clients.sagemaker);
  }
  const dataVersion = job.userParameters.dataVersion;
  return startTraining(settings, {
    job: trainingJobName(settings, requireParameter(job, 'executionId')),
    dataVersion: typeof dataVersion === 'string' && dataVersion.length > 0 ? dataVersion : undefined,
  }, clients);
}

function toActionOutcome(outcome: TrainingOutcome): ActionOutcome {
  switch (outcome.kind) {
    case 'succeeded':
      return { kind: 'succeeded', message: outcome.message, outputVariables: { TrainingJobName: outcome.job, ModelDataUrl: outcome.modelDataUrl } };
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, continuationToken: encodeContinuation(outcome.state) };
    default:
      return { kind: 'failed', message: `Training failed: ${outcome.message}` };
  }
}

async function registerStep(job: CodePipelineJob, settings: TrainingSettings, sagemaker: SageMakerClient): Promise<ActionOutcome> {
  const trainingJob = requireParameter(job, 'trainingJobName');
  if (!trainingJob.startsWith(`${settings.jobPrefix}-`)) {
    throw new JobConfigurationError(`UserParameters.trainingJobName ${trainingJob} is not a training job of this pipeline (${settings.jobPrefix}-*)`);
  }
  const dataVersion = job.userParameters.dataVersion;
  const arn = await registerModel(settings, {
    trainingJob,
    modelDataUrl: requireParameter(job, 'modelDataUrl'),
    dataVersion: typeof dataVersion === 'string' && dataVersion.length > 0 ? dataVersion : undefined,
  }, sagemaker);
  return {
    kind: 'succeeded',
    message: `Registered ${trainingJob}'s model as ${arn} (${settings.approvalStatus})`,
    outputVariables: { ModelPackageArn: arn },
  };
}

const identities = new JobIdentities({}, 'train');

/** CodePipeline Lambda invoke entry point. */
export async function handler(event: CodePipelineEvent): Promise<void> {
  await handleAction(event, {
    name: 'Train',
    logger,
    codepipeline: () => identities.own.get(CodePipelineClient),
    restartPhase: 'starting',
    isTransient,
    step: async (job) => {
      const clients = await identities.forJob(job);
      return runTrainJob(job, readTrainingSettings(), { sagemaker: clients.get(SageMakerClient), s3: clients.get(S3Client) });
    },
  });
}
