import { SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import {
  CHANNEL_NAME_PATTERN,
  HYPERPARAMETER_NAME_MAX,
  HYPERPARAMETER_VALUE_MAX,
  MAX_CHANNELS,
  MAX_HYPERPARAMETERS,
  MAX_TRAINING_INSTANCES,
  MAX_TRAINING_SECONDS,
  MAX_TRAINING_VOLUME_GB,
  MODEL_PACKAGE_GROUP_PATTERN,
} from './training-limits';
import { TrainingPipelineProps } from './training-props';
import { ProblemCollector } from '../../common/problem-collector';
import { checkProp } from '../../common/schema-props';
import { INSTANCE_TYPES } from '../../config/instance-type-fields';
import { MIME_TYPE_MAX, MIME_TYPE_PATTERN } from '../../config/limits';
import { pipelineName } from '../../config/name-fields';
import { outputPrefix, s3ObjectKey } from '../../config/s3-key-fields';
import { isVersioned } from '../bucket-versioning';
import { validateNotifications } from '../notifications/notification-validation';

/** Checks every prop of a TrainingPipeline, adding each problem at the prop's path. */
export function validateTrainingProps(props: TrainingPipelineProps, problems: ProblemCollector): void {
  if (Token.isUnresolved(props.pipelineName)) {
    problems.add('pipelineName', 'must be a literal string: it names the training jobs at synth time');
  } else {
    checkProp(pipelineName, props.pipelineName, 'pipelineName', problems);
  }
  checkProp(s3ObjectKey, props.trainingData.key, 'trainingData.key', problems);
  problems.check(isVersioned(props.trainingData.bucket), 'trainingData.bucket', 'must have versioning enabled (CodePipeline\'s S3 source needs object versions)');
  if (props.trainingData.channelName !== undefined) {
    problems.matches(props.trainingData.channelName, CHANNEL_NAME_PATTERN, 'trainingData.channelName', 'must be 1-64 characters of letters, digits, ".", "-" and "_"');
  }
  checkMimeType(props.trainingData.contentType, 'trainingData.contentType', problems);
  checkChannels(props, problems);
  // A prefix must end in '/' (each run writes a folder under it); none is the whole bucket.
  checkProp(outputPrefix, props.outputLocation?.prefix || undefined, 'outputLocation.prefix', problems);
  (props.supportedContentTypes ?? []).forEach((type, i) => checkMimeType(type, `supportedContentTypes[${i}]`, problems));
  (props.supportedResponseTypes ?? []).forEach((type, i) => checkMimeType(type, `supportedResponseTypes[${i}]`, problems));
  checkHyperParameters(props.hyperParameters ?? {}, problems);
  checkProp(INSTANCE_TYPES.training, props.instanceType, 'instanceType', problems);
  problems.integerInRange(props.instanceCount, 1, MAX_TRAINING_INSTANCES, 'instanceCount');
  if (props.volumeSize !== undefined) {
    const gib = props.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    problems.integerInRange(gib, 1, MAX_TRAINING_VOLUME_GB, 'volumeSize (GiB)');
  }
  const runtime = props.maxRuntime?.toSeconds({ integral: false });
  checkRunTime(runtime, 'maxRuntime', problems);
  const maxWait = props.spot?.maxWait?.toSeconds({ integral: false });
  checkRunTime(maxWait, 'spot.maxWait', problems);
  if (maxWait !== undefined && !Token.isUnresolved(maxWait) && maxWait < (runtime ?? 0)) {
    problems.add('spot.maxWait', `must be at least maxRuntime (${runtime} s): SageMaker counts the wait for spot capacity into it, got ${maxWait} s`);
  }
  if (props.existingModelPackageGroupName !== undefined && !Token.isUnresolved(props.existingModelPackageGroupName)) {
    problems.matches(props.existingModelPackageGroupName, MODEL_PACKAGE_GROUP_PATTERN, 'existingModelPackageGroupName',
      'must be 1-63 letters, digits and hyphens, starting and ending with a letter or digit');
  }
  validateNotifications(props.notifications ?? {}, 'notifications', problems);
}

function checkChannels(props: TrainingPipelineProps, problems: ProblemCollector): void {
  const channels = props.additionalChannels ?? [];
  problems.check(channels.length < MAX_CHANNELS, 'additionalChannels', `may have at most ${MAX_CHANNELS - 1} channels (SageMaker takes ${MAX_CHANNELS}, the training data's among them), got ${channels.length}`);
  const seen = new Set([props.trainingData.channelName ?? 'train']);
  channels.forEach((channel, i) => {
    const path = `additionalChannels[${i}]`;
    problems.matches(channel.name, CHANNEL_NAME_PATTERN, `${path}.name`, 'must be 1-64 characters of letters, digits, ".", "-" and "_"');
    problems.check(!seen.has(channel.name), `${path}.name`, `"${channel.name}" is already a channel of the job: each channel needs its own name`);
    seen.add(channel.name);
    if (channel.location.prefix) {
      checkProp(s3ObjectKey, channel.location.prefix, `${path}.location.prefix`, problems);
    }
    checkMimeType(channel.contentType, `${path}.contentType`, problems);
  });
}

/** A job's time limit: whole seconds, within what CodePipeline waits for the Train action. */
function checkRunTime(seconds: number | undefined, path: string, problems: ProblemCollector): void {
  if (seconds === undefined || Token.isUnresolved(seconds)) {
    return;
  }
  problems.check(Number.isInteger(seconds) && seconds >= 1, path, `must be a whole number of seconds, at least 1, got ${seconds}`);
  problems.check(seconds <= MAX_TRAINING_SECONDS, path,
    `must be at most ${MAX_TRAINING_SECONDS / 3600} hours (CodePipeline fails a Lambda invoke action after 24 hours, and the run must end before), got ${seconds} s`);
}

function checkMimeType(value: string | undefined, path: string, problems: ProblemCollector): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  problems.check(value.length <= MIME_TYPE_MAX && MIME_TYPE_PATTERN.test(value), path, `must be a MIME type like "text/csv", got ${JSON.stringify(value)}`);
}

function checkHyperParameters(hyperParameters: { [name: string]: string }, problems: ProblemCollector): void {
  const entries = Object.entries(hyperParameters);
  problems.check(entries.length <= MAX_HYPERPARAMETERS, 'hyperParameters', `may have at most ${MAX_HYPERPARAMETERS} entries, got ${entries.length}`);
  for (const [name, value] of entries) {
    problems.check(name.length >= 1 && name.length <= HYPERPARAMETER_NAME_MAX, `hyperParameters.${name}`, `names must be 1-${HYPERPARAMETER_NAME_MAX} characters`);
    if (typeof value !== 'string') {
      problems.add(`hyperParameters.${name}`, `must be a string (SageMaker passes hyperparameters as strings), got ${JSON.stringify(value)}`);
    } else if (!Token.isUnresolved(value)) {
      problems.check(value.length <= HYPERPARAMETER_VALUE_MAX, `hyperParameters.${name}`, `must be at most ${HYPERPARAMETER_VALUE_MAX} characters, got ${value.length}`);
    }
  }
}
