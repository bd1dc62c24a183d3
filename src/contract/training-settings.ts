/**
 * What a TrainingPipeline tells its train handler: JSON in the handler's
 * `MLOPS_TRAINING_SPEC` environment variable. Types only, so the handler
 * bundle carries no construct code.
 */

/** Name of the handler environment variable holding the {@link TrainingSettings}. */
export const TRAINING_SPEC_VARIABLE = 'MLOPS_TRAINING_SPEC';

/** The S3 prefix, in the pipeline's own bucket, each run's exact copy of the training data goes under. */
export const TRAINING_DATA_PREFIX = 'training-data/';
/** The S3 prefix, in the pipeline's own bucket, SageMaker writes each run's model artifact under unless told another place. */
export const TRAINING_OUTPUT_PREFIX = 'training-output/';
/** The S3 prefix, in the pipeline's own bucket, spot training keeps each run's checkpoints under. */
export const TRAINING_CHECKPOINT_PREFIX = 'training-checkpoints/';

/** Where the training data object lives: the pipeline's source. */
export interface TrainingDataSource {
  readonly bucket: string;
  readonly key: string;
}

/** A channel of data read where it is (not versioned): every object under an S3 prefix. */
export interface ExtraChannelSpec {
  readonly name: string;
  /** `s3://bucket/prefix`. */
  readonly s3Uri: string;
  readonly contentType?: string;
}

/** Where SageMaker writes each run's model: `<s3Uri><job>/output/model.tar.gz`. */
export interface TrainingOutputSpec {
  /** `s3://bucket/prefix/`, ending in a slash. */
  readonly s3Uri: string;
  /** The key SageMaker encrypts the model with, when the bucket has one. */
  readonly kmsKeyArn?: string;
}

/** Managed spot training: SageMaker may interrupt the job, which resumes from its checkpoints. */
export interface SpotTrainingSpec {
  /** How long the job may wait for spot capacity and run, in seconds (at least the max runtime). */
  readonly maxWaitSeconds: number;
}

/** One training job per pipeline execution, and the model package it registers. */
export interface TrainingSettings {
  /** The pipeline's name, for logs, messages and the package's description. */
  readonly pipelineName: string;
  /** Each run's training job is named `<jobPrefix>-<run id>`. */
  readonly jobPrefix: string;
  /** The object whose new versions start the pipeline. */
  readonly data: TrainingDataSource;
  /** The channel the data is given to the algorithm as, e.g. `train`. */
  readonly channelName: string;
  /** The data's MIME type, as the algorithm expects it (`text/csv` for XGBoost). */
  readonly contentType?: string;
  /** Further channels (a validation set, say), after the data's. */
  readonly extraChannels?: readonly ExtraChannelSpec[];
  /** The pipeline's own bucket: the data copies and checkpoints go under the prefixes above. */
  readonly workBucket: string;
  readonly output: TrainingOutputSpec;
  /** The role SageMaker runs the job as. */
  readonly roleArn: string;
  /** The training image URI. */
  readonly trainingImage: string;
  readonly hyperParameters: Readonly<Record<string, string>>;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGb: number;
  readonly maxRuntimeSeconds: number;
  /** Set for managed spot training. */
  readonly spot?: SpotTrainingSpec;
  /** The container gets no network: it cannot call out, even to AWS. */
  readonly networkIsolation?: boolean;
  /** Traffic between the instances of a distributed job is encrypted. */
  readonly interContainerEncryption?: boolean;
  /** The model package group each trained model is registered in. */
  readonly modelPackageGroupName: string;
  /** `PendingManualApproval` or `Approved`. */
  readonly approvalStatus: string;
  /** The image the registered package serves the model with. */
  readonly inferenceImage: string;
  readonly supportedContentTypes: readonly string[];
  readonly supportedResponseTypes: readonly string[];
}
