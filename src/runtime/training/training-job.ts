import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  CreateTrainingJobRequest,
  DescribeTrainingJobCommand,
  SageMakerClient,
  TrainingInstanceType,
} from '@aws-sdk/client-sagemaker';
import { TRAINING_CHECKPOINT_PREFIX, TRAINING_DATA_PREFIX, TrainingSettings } from '../../contract/training-settings';
import { PIPELINE_TAG } from '../../contract/stack-tags';
import { isNameTaken } from '../aws-errors';
import { stageReleaseArtifact } from '../release-artifact';

/** One pipeline execution's training run. */
export interface TrainingRun {
  /** The training job's name, `<jobPrefix>-<run id>`. */
  readonly job: string;
  /** The version of the data object the execution trains on. */
  readonly dataVersion?: string;
}

/** The continuation while SageMaker trains. */
export interface TrainingState {
  readonly phase: 'training';
  readonly job: string;
}

/** What one call of the Train step concluded. */
export type TrainingOutcome =
  | { readonly kind: 'succeeded'; readonly job: string; readonly modelDataUrl: string; readonly message: string }
  | { readonly kind: 'in-progress'; readonly state: TrainingState; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

/** The last part of a key: the data copy keeps the file name the algorithm may read. */
function fileName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** Where a run's copy of the data goes: a folder of its own, the channel's S3 prefix. */
export function dataCopyKey(settings: TrainingSettings, job: string): string {
  return `${TRAINING_DATA_PREFIX}${job}/${settings.channelName}/${fileName(settings.data.key)}`;
}

/**
 * The CreateTrainingJob request of a run. The channel is the run's own copy
 * of the exact data version, so a later upload can neither change nor race it.
 */
export function trainingJobRequest(settings: TrainingSettings, job: string): CreateTrainingJobRequest {
  const bucket = settings.workBucket;
  return {
    TrainingJobName: job,
    RoleArn: settings.roleArn,
    AlgorithmSpecification: { TrainingImage: settings.trainingImage, TrainingInputMode: 'File' },
    HyperParameters: { ...settings.hyperParameters },
    InputDataConfig: [{
      ChannelName: settings.channelName,
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: `s3://${bucket}/${TRAINING_DATA_PREFIX}${job}/${settings.channelName}/`,
          S3DataDistributionType: 'FullyReplicated',
        },
      },
      ...(settings.contentType ? { ContentType: settings.contentType } : {}),
    }, ...(settings.extraChannels ?? []).map((channel) => ({
      ChannelName: channel.name,
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: channel.s3Uri, S3DataDistributionType: 'FullyReplicated' as const } },
      ...(channel.contentType ? { ContentType: channel.contentType } : {}),
    }))],
    OutputDataConfig: {
      S3OutputPath: settings.output.s3Uri,
      ...(settings.output.kmsKeyArn ? { KmsKeyId: settings.output.kmsKeyArn } : {}),
    },
    ResourceConfig: {
      // The construct checked it against SageMaker's training instance types.
      InstanceType: settings.instanceType as TrainingInstanceType,
      InstanceCount: settings.instanceCount,
      VolumeSizeInGB: settings.volumeSizeGb,
    },
    StoppingCondition: {
      MaxRuntimeInSeconds: settings.maxRuntimeSeconds,
      ...(settings.spot ? { MaxWaitTimeInSeconds: settings.spot.maxWaitSeconds } : {}),
    },
    // The job's costs are the pipeline's: tagged so, as its stacks are.
    Tags: [{ Key: PIPELINE_TAG, Value: settings.pipelineName }],
    ...(settings.networkIsolation ? { EnableNetworkIsolation: true } : {}),
    ...(settings.interContainerEncryption ? { EnableInterContainerTrafficEncryption: true } : {}),
    ...(settings.spot ? {
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: `s3://${bucket}/${TRAINING_CHECKPOINT_PREFIX}${job}/` },
    } : {}),
  };
}

/**
 * Starts a run: copies the exact data version into the run's folder, then
 * starts the training job. Idempotent: a copy already made is kept, and a job
 * an earlier attempt of the same execution started is polled, not restarted.
 */
export async function startTraining(
  settings: TrainingSettings, run: TrainingRun, clients: { readonly sagemaker: SageMakerClient; readonly s3: S3Client },
): Promise<TrainingOutcome> {
  const staged = await stageReleaseArtifact(
    clients.s3,
    { bucket: settings.data.bucket, key: settings.data.key, versionId: run.dataVersion },
    { bucket: settings.workBucket, key: dataCopyKey(settings, run.job) },
  );
  if (!staged.staged) {
    const version = run.dataVersion ? ` (version ${run.dataVersion})` : '';
    return { kind: 'failed', message: `Training data s3://${settings.data.bucket}/${settings.data.key}${version} does not exist or cannot be read` };
  }
  try {
    await clients.sagemaker.send(new CreateTrainingJobCommand(trainingJobRequest(settings, run.job)));
  } catch (err) {
    if (!isNameTaken(err)) {
      throw err;
    }
  }
  return continueTraining({ phase: 'training', job: run.job }, clients.sagemaker);
}

/** Checks a run's job once: still training, done with a model, or failed with SageMaker's reason. */
export async function continueTraining(state: TrainingState, sagemaker: SageMakerClient): Promise<TrainingOutcome> {
  const found = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: state.job }));
  switch (found.TrainingJobStatus) {
    case 'Completed': {
      const modelDataUrl = found.ModelArtifacts?.S3ModelArtifacts;
      if (!modelDataUrl) {
        return { kind: 'failed', message: `Training job ${state.job} completed without a model artifact` };
      }
      const billed = found.BillableTimeInSeconds === undefined ? '' : `; ${found.BillableTimeInSeconds} s billed`;
      return { kind: 'succeeded', job: state.job, modelDataUrl, message: `Training job ${state.job} completed${billed}` };
    }
    case 'InProgress':
    case 'Stopping':
      return {
        kind: 'in-progress',
        state,
        message: `Training job ${state.job} is ${found.TrainingJobStatus}${found.SecondaryStatus ? ` (${found.SecondaryStatus})` : ''}`,
      };
    default:
      return {
        kind: 'failed',
        message: `Training job ${state.job} is ${found.TrainingJobStatus ?? 'in an unknown state'}: ${found.FailureReason ?? 'SageMaker gave no reason'}`,
      };
  }
}
