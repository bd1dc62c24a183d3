import { Duration, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { EnvironmentProps } from './environment-props';
import { ProblemCollector } from '../../common/problem-collector';
import { addRuleProblems, anyToken, checkProp } from '../../common/schema-props';
import {
  batchCheck, maxConcurrentTransforms, maxPayloadMb, monitoringInstanceCount, violationsThreshold,
} from '../../config/environment-fields';
import { concurrencyProblems, ENDPOINT_ONLY_KEYS, NOT_WITH_BATCH, overlapProblems } from '../../config/environment-rules';
import { processingInstanceType } from '../../config/instance-type-fields';
import { outputPrefix, s3ObjectKey } from '../../config/s3-key-fields';
import { mimeType } from '../../config/test-fields';
import { BatchProps } from '../batch/batch-props';
import { DataLocation } from '../data/data-location';
import { ModelQualityProblemType, ModelQualityProps, MonitoringProps } from '../monitoring/monitoring-props';

/** SageMaker's bounds on a processing job's volume and run time. */
const MONITORING_MAX_VOLUME_GB = 16_384;
const MONITORING_MAX_RUNTIME_SECONDS = 86_400;
const HOURLY_MAX_RUNTIME_SECONDS = 3_600;
/** Column names and output paths of model-quality monitoring are short; SageMaker allows 256 characters. */
const MODEL_QUALITY_ATTRIBUTE_MAX = 256;

/** What a batch environment cannot have besides a request's endpoint-only keys: construct props a request has no counterpart of. */
const CONSTRUCT_ENDPOINT_ONLY_KEYS = ['trafficShift', 'rollbackAlarms'] as const;

/** Data in a bucket: its prefix follows the rule of a request's S3 keys; none (or an empty one) is the whole bucket. */
function validateLocation(location: DataLocation, path: string, problems: ProblemCollector): void {
  if (location.prefix) {
    checkProp(s3ObjectKey, location.prefix, `${path}.prefix`, problems);
  }
}

/** A batch environment: its own fields (the request's `batch` rules, on data in any bucket), and none of an endpoint's. */
export function validateBatch(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const batch: BatchProps = props.batch!;
  const where = `${path}.batch`;
  for (const conflicting of [...ENDPOINT_ONLY_KEYS, ...CONSTRUCT_ENDPOINT_ONLY_KEYS]) {
    problems.check(props[conflicting] === undefined, `${path}.${conflicting}`, NOT_WITH_BATCH);
  }
  validateLocation(batch.input, `${where}.input`, problems);
  const input = batch.input.prefix ?? '';
  const output = batch.output.prefix ?? '';
  if (output) {
    checkProp(outputPrefix, output, `${where}.output.prefix`, problems);
  }
  // Prefixes in one bucket overlap; the whole bucket holds every prefix.
  if (batch.input.bucket === batch.output.bucket && !anyToken(input, output)) {
    addRuleProblems(overlapProblems(input, output), where, problems);
  }
  checkProp(mimeType('text/csv'), batch.contentType, `${where}.contentType`, problems);
  checkProp(mimeType('application/json'), batch.accept, `${where}.accept`, problems);
  checkProp(maxPayloadMb, batch.maxPayloadMb, `${where}.maxPayloadMb`, problems);
  checkProp(maxConcurrentTransforms, batch.maxConcurrentTransforms, `${where}.maxConcurrentTransforms`, problems);
  if (!anyToken(batch.maxConcurrentTransforms, batch.maxPayloadMb)) {
    addRuleProblems(concurrencyProblems(batch), where, problems);
  }
  if (batch.check) {
    const { minObjects, bodyContains, jsonPath } = batch.check;
    const expectations = jsonPath?.map(({ path: at, equalsJson, min, max }) => ({ path: at, equalsJson, min, max }));
    checkProp(batchCheck, { minObjects, bodyContains, jsonPath: expectations }, `${where}.check`, problems);
  }
}

/** Drift detection: its own fields, and an endpoint that can capture traffic. */
export function validateMonitoring(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const monitoring: MonitoringProps = props.monitoring!;
  const where = `${path}.monitoring`;
  validateLocation(monitoring.baselineDataset, `${where}.baselineDataset`, problems);
  checkProp(processingInstanceType, monitoring.instanceType, `${where}.instanceType`, problems);
  checkProp(monitoringInstanceCount, monitoring.instanceCount, `${where}.instanceCount`, problems);
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
  checkProp(violationsThreshold, monitoring.violationsThreshold, `${where}.violationsThreshold`, problems);
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
