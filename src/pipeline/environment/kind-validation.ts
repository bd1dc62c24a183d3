import { Duration, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { EnvironmentProps } from './environment-props';
import { closestInstanceType, isInstanceTypeFor } from '../../catalog/instance-types';
import {
  BATCH_CHECK_MAX_MIN_OBJECTS, BATCH_DEFAULT_PAYLOAD_MB, BATCH_MAX_CONCURRENT_TRANSFORMS, BATCH_MAX_PAYLOAD_MB, MIME_TYPE_PATTERN,
  MONITORING_MAX_VIOLATIONS_THRESHOLD, PROCESSING_INSTANCE_TYPE_PATTERN, PROCESSING_MAX_INSTANCE_COUNT,
} from '../../config/limits';
import { ProblemCollector } from '../../common/problem-collector';
import { BatchProps } from '../batch/batch-props';
import { DataLocation } from '../data/data-location';
import { ModelQualityProblemType, ModelQualityProps, MonitoringProps } from '../monitoring/monitoring-props';
import { toJsonPathSpec } from '../integration-tests/json-path-expectations';

const S3_PREFIX_PATTERN = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\x21-\x7e]{0,1024}$/;
/** SageMaker's bounds on a processing job's volume and run time. */
const MONITORING_MAX_VOLUME_GB = 16_384;
const MONITORING_MAX_RUNTIME_SECONDS = 86_400;
const HOURLY_MAX_RUNTIME_SECONDS = 3_600;
/** Column names and output paths of model-quality monitoring are short; SageMaker allows 256 characters. */
const MODEL_QUALITY_ATTRIBUTE_MAX = 256;

/** What a batch environment ignores: everything about an endpoint. */
const ENDPOINT_ONLY = ['serverless', 'autoScaling', 'trafficShift', 'rollbackAlarms', 'dataCapture', 'tests', 'monitoring'] as const;

function validateLocation(location: DataLocation, path: string, problems: ProblemCollector): void {
  if (location.prefix !== undefined && !Token.isUnresolved(location.prefix)) {
    problems.matches(location.prefix, S3_PREFIX_PATTERN, `${path}.prefix`, 'must be an S3 key prefix without a leading "/" or ".." segments');
  }
}

/**
 * Transform jobs run on fewer instance types than endpoints (no ml.t2,
 * ml.r5, ml.inf1, ml.c5.large, ...): SageMaker would refuse the first
 * CreateTransformJob. A value that is no instance type at all is reported by
 * the environment's own check.
 */
function validateTransformInstanceType(instanceType: string | undefined, path: string, problems: ProblemCollector): void {
  if (instanceType === undefined || Token.isUnresolved(instanceType) || !/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceType)) {
    return;
  }
  if (!isInstanceTypeFor('transform', instanceType)) {
    const closest = closestInstanceType(instanceType, 'transform');
    problems.add(path, `${JSON.stringify(instanceType)} is not a SageMaker batch transform instance type${closest ? ` (did you mean "${closest}"?)` : ''}`);
  }
}

/** A batch environment: its own fields, and none of an endpoint's. */
export function validateBatch(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const batch: BatchProps = props.batch!;
  const where = `${path}.batch`;
  for (const conflicting of ENDPOINT_ONLY) {
    problems.check(props[conflicting] === undefined, `${path}.${conflicting}`, 'cannot be set together with batch: a batch environment has no endpoint');
  }
  validateTransformInstanceType(props.instanceType, `${path}.instanceType`, problems);
  validateLocation(batch.input, `${where}.input`, problems);
  validateLocation(batch.output, `${where}.output`, problems);
  const output = batch.output.prefix ?? '';
  if (!Token.isUnresolved(output)) {
    problems.check(output === '' || output.endsWith('/'), `${where}.output.prefix`, `must end with "/" (each release writes a folder under it), got ${JSON.stringify(output)}`);
  }
  const sameBucket = batch.input.bucket === batch.output.bucket;
  const input = batch.input.prefix ?? '';
  if (sameBucket && !Token.isUnresolved(input) && !Token.isUnresolved(output)) {
    problems.check(!(output.startsWith(input) || input.startsWith(output)), `${where}.output`,
      `must not overlap the input (${JSON.stringify(input)} and ${JSON.stringify(output)} in one bucket): the results would be read back as input`);
  }
  problems.matches(batch.contentType, MIME_TYPE_PATTERN, `${where}.contentType`, 'is not a MIME type such as "text/csv"');
  problems.matches(batch.accept, MIME_TYPE_PATTERN, `${where}.accept`, 'is not a MIME type such as "application/json"');
  problems.integerInRange(batch.maxPayloadMb, 1, BATCH_MAX_PAYLOAD_MB, `${where}.maxPayloadMb`);
  problems.integerInRange(batch.maxConcurrentTransforms, 1, BATCH_MAX_CONCURRENT_TRANSFORMS, `${where}.maxConcurrentTransforms`);
  const concurrency = batch.maxConcurrentTransforms;
  const payload = batch.maxPayloadMb ?? BATCH_DEFAULT_PAYLOAD_MB;
  if (concurrency !== undefined && !Token.isUnresolved(concurrency) && !Token.isUnresolved(payload)) {
    // SageMaker refuses parallel requests whose payloads add up to more than it allows per instance.
    problems.check(concurrency * payload <= BATCH_MAX_PAYLOAD_MB, `${where}.maxConcurrentTransforms`,
      `${concurrency} parallel requests of up to ${payload} MB exceed the ${BATCH_MAX_PAYLOAD_MB} MB SageMaker allows per instance: lower it or maxPayloadMb`);
  }
  const check = batch.check;
  if (check) {
    problems.integerInRange(check.minObjects, 1, BATCH_CHECK_MAX_MIN_OBJECTS, `${where}.check.minObjects`);
    (check.bodyContains ?? []).forEach((text, i) => problems.check(text.length > 0, `${where}.check.bodyContains[${i}]`, 'must not be empty'));
    (check.jsonPath ?? []).forEach((e, i) => toJsonPathSpec(e, `${where}.check.jsonPath[${i}]`, problems));
  }
}

/** Drift detection: its own fields, and an endpoint that can capture traffic. */
export function validateMonitoring(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const monitoring: MonitoringProps = props.monitoring!;
  const where = `${path}.monitoring`;
  problems.check(props.serverless === undefined, `${path}.serverless`, 'cannot be set together with monitoring: SageMaker cannot capture a serverless endpoint\'s traffic');
  validateLocation(monitoring.baselineDataset, `${where}.baselineDataset`, problems);
  problems.matches(monitoring.instanceType, PROCESSING_INSTANCE_TYPE_PATTERN, `${where}.instanceType`, 'is not a SageMaker processing instance type (like "ml.m5.xlarge")');
  problems.integerInRange(monitoring.instanceCount, 1, PROCESSING_MAX_INSTANCE_COUNT, `${where}.instanceCount`);
  if (monitoring.volumeSize) {
    const gib = monitoring.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    problems.check(Token.isUnresolved(gib) || (Number.isInteger(gib) && gib >= 1 && gib <= MONITORING_MAX_VOLUME_GB), `${where}.volumeSize`,
      `must be a whole number of GiB from 1 to ${MONITORING_MAX_VOLUME_GB}, got ${gib}`);
  }
  if (monitoring.maxRuntime && !monitoring.maxRuntime.isUnresolved()) {
    const seconds = monitoring.maxRuntime.toSeconds();
    const hourly = (monitoring.frequency ?? 'hourly') === 'hourly';
    const most = hourly ? HOURLY_MAX_RUNTIME_SECONDS : MONITORING_MAX_RUNTIME_SECONDS;
    problems.check(seconds >= 1 && seconds <= most, `${where}.maxRuntime`,
      `must be from 1 second to ${most / 3600} hour(s)${hourly ? ' for an hourly check' : ''}, got ${seconds} seconds`);
  }
  problems.integerInRange(monitoring.violationsThreshold, 1, MONITORING_MAX_VIOLATIONS_THRESHOLD, `${where}.violationsThreshold`);
  if (monitoring.modelQuality) {
    validateModelQuality(monitoring.modelQuality, `${where}.modelQuality`, problems);
  }
}

/** Which columns each problem type needs, as Model Monitor computes its metrics. */
function validateModelQuality(quality: ModelQualityProps, where: string, problems: ProblemCollector): void {
  validateLocation(quality.baselineDataset, `${where}.baselineDataset`, problems);
  validateLocation(quality.groundTruth, `${where}.groundTruth`, problems);
  for (const column of ['groundTruthColumn', 'predictionColumn', 'probabilityColumn', 'endpointPrediction', 'endpointProbability'] as const) {
    const value = quality[column];
    if (value !== undefined && !Token.isUnresolved(value)) {
      problems.check(value.length > 0 && value.length <= MODEL_QUALITY_ATTRIBUTE_MAX, `${where}.${column}`, `must be 1-${MODEL_QUALITY_ATTRIBUTE_MAX} characters`);
    }
  }
  const byProbability = quality.problemType === ModelQualityProblemType.BINARY_CLASSIFICATION;
  problems.check(quality.predictionColumn !== undefined || (byProbability && quality.probabilityColumn !== undefined), `${where}.predictionColumn`,
    byProbability ? 'or probabilityColumn must be set: the analyzer needs the predicted label or its probability'
      : `must be set for ${quality.problemType}: the analyzer compares the predicted value with the true one`);
  if (quality.probabilityThreshold !== undefined && !Token.isUnresolved(quality.probabilityThreshold)) {
    problems.check(quality.probabilityThreshold >= 0 && quality.probabilityThreshold <= 1, `${where}.probabilityThreshold`,
      `must be from 0 to 1, got ${quality.probabilityThreshold}`);
  }
  const lookBack = quality.lookBack ?? Duration.days(2);
  const delay = quality.labelDelay ?? Duration.days(1);
  if (!lookBack.isUnresolved() && !delay.isUnresolved()) {
    for (const [field, value] of [['lookBack', lookBack], ['labelDelay', delay]] as const) {
      const hours = value.toHours({ integral: false });
      problems.check(Number.isInteger(hours) && hours >= 0, `${where}.${field}`, `must be a whole number of hours, got ${value.toHumanString()}`);
    }
    problems.check(lookBack.toHours({ integral: false }) > delay.toHours({ integral: false }), `${where}.lookBack`,
      `must be longer than labelDelay (${delay.toHumanString()}), got ${lookBack.toHumanString()}`);
  }
}
