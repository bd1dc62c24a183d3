import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { TrainingImage } from './training-image';
import { DataLocation } from '../data/data-location';
import { ModelImage } from '../image/model-image';
import { NotificationProps } from '../notifications/notification-props';

/** The approval status a trained model's package version is registered with. */
export enum TrainedModelApproval {
  /** Someone approves (or rejects) each version in the model registry before it can be released. */
  PENDING_MANUAL_APPROVAL = 'PendingManualApproval',
  /** Every trained model is approved at once: a registry-sourced release starts without review. */
  APPROVED = 'Approved',
}

/** The training data: one object in a versioned bucket; uploading a new version starts a training run. */
export interface TrainingDataSource {
  /** The versioned bucket holding the data (CodePipeline's S3 source needs versions). */
  readonly bucket: s3.IBucket;
  /** The object's key, e.g. `churn/train.csv`. */
  readonly key: string;
  /**
   * The channel the algorithm reads the data from.
   * @default 'train'
   */
  readonly channelName?: string;
  /**
   * The data's MIME type, as the algorithm expects it (XGBoost reads `text/csv` or `application/x-libsvm`).
   * @default - none: the algorithm's default format
   */
  readonly contentType?: string;
}

/** A further input channel, such as a validation set, read where it is when a run starts. */
export interface TrainingChannel {
  /** The channel's name, as the algorithm expects it (XGBoost: `validation`). */
  readonly name: string;
  /** Every object under the prefix is the channel's data. The training role may read exactly that prefix. */
  readonly location: DataLocation;
  /**
   * The data's MIME type.
   * @default - none: the algorithm's default format
   */
  readonly contentType?: string;
}

/** Managed spot training: cheaper capacity SageMaker may interrupt; the job resumes from checkpoints. */
export interface SpotTrainingOptions {
  /**
   * How long a job may take in all, waiting for spot capacity included. At
   * least `maxRuntime`, at most 23 hours (CodePipeline gives up on an action after 24).
   * @default - twice `maxRuntime`, at most 23 hours
   */
  readonly maxWait?: Duration;
}

/** Props of {@link TrainingPipeline}. */
export interface TrainingPipelineProps {
  /**
   * The pipeline's name: the CodePipeline, the training jobs and (unless
   * `existingModelPackageGroupName` is set) the model package group are named
   * after it. Lowercase letters, digits and single hyphens, at most 40 characters.
   */
  readonly pipelineName: string;

  /** The training data. Each new version of the object starts a run that trains on exactly that version. */
  readonly trainingData: TrainingDataSource;

  /**
   * Further input channels, read where they are (not copied or versioned), up
   * to 19 (SageMaker takes 20 channels).
   * @default - none: the training data's channel only
   */
  readonly additionalChannels?: TrainingChannel[];

  /** The training image: `TrainingImage.fromFramework(Framework.XGBOOST, '1.7-1')` or your own. */
  readonly image: TrainingImage;

  /**
   * The image the registered model package serves the model with.
   * @default - the training image (a built-in algorithm's image serves its own models)
   */
  readonly inferenceImage?: ModelImage;

  /**
   * The algorithm's hyperparameters, as strings (SageMaker passes them so).
   * At most 100, names up to 256 characters, values up to 2,500.
   * @default - none: the algorithm's defaults (XGBoost needs at least `num_round`)
   */
  readonly hyperParameters?: { [name: string]: string };

  /**
   * The instance type the job trains on, one of SageMaker's training instance types.
   * @default 'ml.m5.xlarge'
   */
  readonly instanceType?: string;

  /**
   * How many instances train (distributed training needs an algorithm that supports it), 1 to 100.
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The storage volume of each training instance, 1 GiB to 16,384 GiB, in whole GiB.
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * How long a job may train before SageMaker stops it, 1 second to 23 hours:
   * CodePipeline fails the Train action after 24 hours, so a run must end before.
   * @default Duration.hours(12)
   */
  readonly maxRuntime?: Duration;

  /**
   * Run the training container without network access: it reads its
   * channels and writes its model through SageMaker only. The built-in
   * algorithms work so; an image that downloads anything at run time does not.
   * @default false
   */
  readonly networkIsolation?: boolean;

  /**
   * Encrypt the traffic between the instances of a distributed job
   * (`instanceCount` above 1), which makes it slower. A single instance has none.
   * @default true
   */
  readonly encryptInterContainerTraffic?: boolean;

  /**
   * Train on managed spot capacity, with checkpoints in the pipeline's bucket
   * (`training-checkpoints/<job>/`) so an interrupted job resumes.
   * @default - on-demand capacity, no checkpoints
   */
  readonly spot?: SpotTrainingOptions;

  /**
   * Where SageMaker writes each run's model, `<prefix><job>/output/model.tar.gz`.
   * The prefix must end in `/`. The training role may write exactly there.
   * @default - the pipeline's bucket, under `training-output/`
   */
  readonly outputLocation?: DataLocation;

  /**
   * The name of an existing model package group to register trained models in.
   * @default - a group named after the pipeline, created by this construct
   */
  readonly existingModelPackageGroupName?: string;

  /**
   * The approval status each trained model is registered with.
   * @default TrainedModelApproval.PENDING_MANUAL_APPROVAL
   */
  readonly approvalStatus?: TrainedModelApproval;

  /**
   * The request MIME types the registered model accepts.
   * @default - the training data's `contentType`, or `['text/csv']`
   */
  readonly supportedContentTypes?: string[];

  /**
   * The response MIME types the registered model answers with.
   * @default - the same as `supportedContentTypes`
   */
  readonly supportedResponseTypes?: string[];

  /**
   * Who hears about each run: a model registered, a run failed (with the
   * stage and SageMaker's reason) or superseded. `notifyOnApprovalWaiting`
   * does not apply: the pipeline has no approval action.
   * @default - a new encrypted topic with no subscriptions
   */
  readonly notifications?: NotificationProps;

  /**
   * How long the train handler's logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the pipeline's bucket (data copies, trained models,
   * checkpoints) and the created model package group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
