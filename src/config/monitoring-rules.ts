/**
 * An environment's `monitoring`: drift detection on its endpoint, against a
 * baseline computed from a dataset in the assets bucket. The rules of the
 * construct's `MonitoringProps`, restricted to what a request can set.
 */
import { readInteger, readObject, readOneOf } from './json-reader';
import {
  MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES, MONITORING_MAX_VIOLATIONS_THRESHOLD, PROCESSING_INSTANCE_TYPE_MAX,
  PROCESSING_INSTANCE_TYPE_PATTERN, PROCESSING_MAX_INSTANCE_COUNT,
} from './limits';
import { MonitoringRequest } from './pipeline-request';
import { describe, keyPath, ProblemList, quote } from './problem-list';
import { checkS3Key } from './s3-keys';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The keys of `monitoring`. */
export const MONITORING_KEYS = {
  required: ['baselineDataset'],
  optional: ['datasetFormat', 'frequency', 'instanceType', 'instanceCount', 'violationsThreshold'],
} as const;

/** Checks the shape of a processing instance type; SageMaker knows which types it runs jobs on. */
function checkProcessingInstanceType(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be a SageMaker processing instance type (a string like "${MONITORING_DEFAULTS.instanceType}"), got ${describe(value)}`);
    return undefined;
  }
  if (value.length > PROCESSING_INSTANCE_TYPE_MAX || !PROCESSING_INSTANCE_TYPE_PATTERN.test(value)) {
    problems.add(path, `${quote(value)} is not a SageMaker processing instance type like "${MONITORING_DEFAULTS.instanceType}" (ml.<family>.<size>)`);
    return undefined;
  }
  return value;
}

/** Checks `monitoring` at `path` (e.g. `environments[2].monitoring`). */
export function checkMonitoring(value: unknown, path: string, problems: ProblemList): MonitoringRequest | undefined {
  const fields = readObject(value, path, problems, MONITORING_KEYS);
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const at = (key: string): string => keyPath(path, key);
  const baselineDataset = 'baselineDataset' in fields ? checkS3Key(fields.baselineDataset, at('baselineDataset'), problems) : undefined;
  const result: Mutable<MonitoringRequest> = { baselineDataset: baselineDataset! };
  if ('datasetFormat' in fields) {
    result.datasetFormat = readOneOf(fields.datasetFormat, at('datasetFormat'), problems, MONITORING_DATASET_FORMATS) as MonitoringRequest['datasetFormat'];
  }
  if ('frequency' in fields) {
    result.frequency = readOneOf(fields.frequency, at('frequency'), problems, MONITORING_FREQUENCIES) as MonitoringRequest['frequency'];
  }
  if ('instanceType' in fields) {
    result.instanceType = checkProcessingInstanceType(fields.instanceType, at('instanceType'), problems);
  }
  if ('instanceCount' in fields) {
    result.instanceCount = readInteger(fields.instanceCount, at('instanceCount'), problems, 1, PROCESSING_MAX_INSTANCE_COUNT);
  }
  if ('violationsThreshold' in fields) {
    result.violationsThreshold = readInteger(fields.violationsThreshold, at('violationsThreshold'), problems, 1, MONITORING_MAX_VIOLATIONS_THRESHOLD);
  }
  return problems.count === before ? result : undefined;
}
