/*
 * SageMaker's limits on a training job's settings (SageMaker API Reference:
 * CreateTrainingJob, ResourceConfig, StoppingCondition, Channel; botocore's
 * sagemaker model for the lengths and patterns), checked at synth time so a
 * bad value fails `cdk synth` naming the prop instead of the first run.
 */

/** HyperParameters: at most 100 entries, names up to 256 characters, values up to 2,500. */
export const MAX_HYPERPARAMETERS = 100;
export const HYPERPARAMETER_NAME_MAX = 256;
export const HYPERPARAMETER_VALUE_MAX = 2500;

/** Channel.ChannelName: 1-64 characters of `[A-Za-z0-9.\-_]`. */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9.\-_]{1,64}$/;

/** InputDataConfig: at most 20 channels, the training data's among them. */
export const MAX_CHANNELS = 20;

/**
 * The longest a run's job may be allowed (its MaxRuntimeInSeconds, or with
 * spot training its MaxWaitTimeInSeconds), though SageMaker allows 28 days:
 * CodePipeline fails a Lambda invoke action after 24 hours, and a job still
 * running then would train on, billed, for nobody. An hour is kept for the
 * data copy and the wait for instances.
 */
export const MAX_TRAINING_SECONDS = 23 * 3600;

/** How long a job may train unless told otherwise. */
export const DEFAULT_MAX_RUNTIME_SECONDS = 12 * 3600;

/** ResourceConfig.VolumeSizeInGB: a training instance's EBS storage volume, up to 16 TiB. */
export const MAX_TRAINING_VOLUME_GB = 16384;

/** ResourceConfig.InstanceCount. */
export const MAX_TRAINING_INSTANCES = 100;

/** A model package group's name (EntityName): 1-63 letters, digits and single-or-more hyphens, not at either end. */
export const MODEL_PACKAGE_GROUP_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** The instance type a training job runs on unless told otherwise. */
export const DEFAULT_TRAINING_INSTANCE_TYPE = 'ml.m5.xlarge';
/** The storage volume unless told otherwise, in GiB. */
export const DEFAULT_TRAINING_VOLUME_GB = 30;
