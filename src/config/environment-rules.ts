/**
 * One environment of a request: the same rules as the construct's
 * `validateEnvironment`, restricted to what a request can set, with
 * instance types checked against the known hosting types.
 */
import { checkBatch, ENDPOINT_ONLY_KEYS } from './batch-rules';
import { closestInstanceType, INSTANCE_USE_NAMES, InstanceUse, isInstanceTypeFor } from '../catalog/instance-types';
import { readBoolean, readInteger, readNumber, readObject } from './json-reader';
import { ENVIRONMENT_NAME_MAX, MAX_INSTANCE_COUNT, SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES } from './limits';
import { checkMonitoring } from './monitoring-rules';
import { checkName } from './names';
import { AutoScalingRequest, EnvironmentRequest, ServerlessRequest } from './pipeline-request';
import { describe, keyPath, ProblemList, quote } from './problem-list';
import { checkTests } from './test-rules';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The keys of an environment. */
export const ENVIRONMENT_KEYS: readonly string[] = [
  'name', 'instanceType', 'instanceCount', 'serverless', 'autoScaling', 'dataCapture', 'approval', 'tests', 'monitoring', 'batch',
];
/** What a serverless variant cannot have: the construct refuses each of them together with `serverless`. */
const INSTANCE_ONLY_KEYS = ['instanceType', 'instanceCount', 'autoScaling', 'dataCapture'] as const;

/**
 * Checks an instance type against the types SageMaker runs the use on
 * (endpoints and transform jobs take different lists), suggesting the closest one.
 */
export function checkInstanceType(value: unknown, path: string, problems: ProblemList, use: InstanceUse = 'hosting'): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be a SageMaker instance type (a string like "ml.m5.large"), got ${describe(value)}`);
    return undefined;
  }
  if (!isInstanceTypeFor(use, value)) {
    const closest = closestInstanceType(value, use);
    const hint = closest ? ` (did you mean "${closest}"?)` : '';
    problems.add(path, `${quote(value)} is not a SageMaker ${INSTANCE_USE_NAMES[use]} instance type${hint}`);
    return undefined;
  }
  return value;
}

function checkServerless(value: unknown, path: string, problems: ProblemList): ServerlessRequest | undefined {
  const fields = readObject(value, path, problems, { required: ['memorySizeMb', 'maxConcurrency'], optional: ['provisionedConcurrency'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const memory = fields.memorySizeMb;
  if ('memorySizeMb' in fields && !(typeof memory === 'number' && SERVERLESS_MEMORY_SIZES.includes(memory))) {
    const got = typeof memory === 'number' && Number.isFinite(memory) ? String(memory) : describe(memory);
    problems.add(keyPath(path, 'memorySizeMb'), `must be one of ${SERVERLESS_MEMORY_SIZES.join(', ')}, got ${got}`);
  }
  const maxConcurrency = 'maxConcurrency' in fields
    ? readInteger(fields.maxConcurrency, keyPath(path, 'maxConcurrency'), problems, 1, SERVERLESS_MAX_CONCURRENCY)
    : undefined;
  let provisionedConcurrency: number | undefined;
  if ('provisionedConcurrency' in fields) {
    // Without a valid maxConcurrency, only the absolute range can be checked.
    provisionedConcurrency = readInteger(fields.provisionedConcurrency, keyPath(path, 'provisionedConcurrency'), problems, 1,
      maxConcurrency ?? SERVERLESS_MAX_CONCURRENCY);
  }
  if (problems.count !== before) {
    return undefined;
  }
  const result: Mutable<ServerlessRequest> = { memorySizeMb: memory as number, maxConcurrency: maxConcurrency! };
  if (provisionedConcurrency !== undefined) result.provisionedConcurrency = provisionedConcurrency;
  return result;
}

/** Checks auto scaling against the instance count, as the construct does: minInstances <= instanceCount <= maxInstances. */
function checkAutoScaling(value: unknown, instanceCount: number | undefined, path: string, problems: ProblemList): AutoScalingRequest | undefined {
  const fields = readObject(value, path, problems, { required: ['maxInstances', 'targetInvocationsPerInstance'], optional: ['minInstances'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const count = instanceCount ?? 1;
  let minInstances: number | undefined;
  if ('minInstances' in fields) {
    minInstances = readInteger(fields.minInstances, keyPath(path, 'minInstances'), problems, 1, MAX_INSTANCE_COUNT);
    if (minInstances !== undefined && minInstances > count) {
      problems.add(keyPath(path, 'minInstances'), `must be at most instanceCount (${count}): the endpoint starts with instanceCount instances, got ${minInstances}`);
    }
  }
  if ('maxInstances' in fields) {
    const maxInstances = readInteger(fields.maxInstances, keyPath(path, 'maxInstances'), problems, 1, MAX_INSTANCE_COUNT);
    const floor = Math.max(count, minInstances ?? count);
    if (maxInstances !== undefined && maxInstances < floor) {
      problems.add(keyPath(path, 'maxInstances'), `must be at least instanceCount and minInstances (${floor}), got ${maxInstances}`);
    }
  }
  if ('targetInvocationsPerInstance' in fields) {
    readNumber(fields.targetInvocationsPerInstance, keyPath(path, 'targetInvocationsPerInstance'), problems, 1);
  }
  if (problems.count !== before) {
    return undefined;
  }
  const result: Mutable<AutoScalingRequest> = {
    maxInstances: fields.maxInstances as number,
    targetInvocationsPerInstance: fields.targetInvocationsPerInstance as number,
  };
  if (minInstances !== undefined) result.minInstances = minInstances;
  return result;
}

type Fields = Record<string, unknown>;
type At = (key: string) => string;

/** The instance settings an endpoint or a batch environment shares. */
function checkInstances(fields: Fields, at: At, result: Mutable<EnvironmentRequest>, problems: ProblemList, use: InstanceUse): void {
  if ('instanceType' in fields) {
    result.instanceType = checkInstanceType(fields.instanceType, at('instanceType'), problems, use);
  }
  if ('instanceCount' in fields) {
    result.instanceCount = readInteger(fields.instanceCount, at('instanceCount'), problems, 1, MAX_INSTANCE_COUNT);
  }
}

/** A batch environment: its instances and its transform, none of an endpoint's settings. */
function checkBatchEnvironment(fields: Fields, at: At, result: Mutable<EnvironmentRequest>, problems: ProblemList): void {
  for (const key of ENDPOINT_ONLY_KEYS) {
    if (key in fields) {
      problems.add(at(key), 'cannot be set together with batch (a batch environment runs a transform job and has no endpoint)');
    }
  }
  checkInstances(fields, at, result, problems, 'transform');
  result.batch = checkBatch(fields.batch, at('batch'), problems);
}

function checkServerlessEnvironment(fields: Fields, at: At, result: Mutable<EnvironmentRequest>, problems: ProblemList): void {
  for (const key of INSTANCE_ONLY_KEYS) {
    if (key in fields) {
      problems.add(at(key), 'cannot be set together with serverless (it applies to instance-backed environments only)');
    }
  }
  if ('monitoring' in fields) {
    problems.add(at('monitoring'), 'cannot be set together with serverless (SageMaker cannot capture a serverless endpoint\'s traffic)');
  }
  result.serverless = checkServerless(fields.serverless, at('serverless'), problems);
}

function checkInstanceEnvironment(fields: Fields, at: At, result: Mutable<EnvironmentRequest>, problems: ProblemList): void {
  checkInstances(fields, at, result, problems, 'hosting');
  if ('autoScaling' in fields) {
    // An invalid instanceCount is already reported; scaling is then checked against the default.
    result.autoScaling = checkAutoScaling(fields.autoScaling, result.instanceCount, at('autoScaling'), problems);
  }
  if ('dataCapture' in fields) {
    const capture = readObject(fields.dataCapture, at('dataCapture'), problems, { required: [], optional: ['samplingPercentage'] });
    if (capture) {
      result.dataCapture = 'samplingPercentage' in capture
        ? { samplingPercentage: readInteger(capture.samplingPercentage, keyPath(at('dataCapture'), 'samplingPercentage'), problems, 1, 100) }
        : {};
    }
  }
  if ('monitoring' in fields) {
    result.monitoring = checkMonitoring(fields.monitoring, at('monitoring'), problems);
  }
}

/** Checks one environment at `path` (e.g. `environments[1]`): a batch environment, a serverless endpoint or an instance-backed one. */
export function checkEnvironment(value: unknown, path: string, problems: ProblemList): EnvironmentRequest | undefined {
  const fields = readObject(value, path, problems, { required: ['name'], optional: ENVIRONMENT_KEYS.filter((k) => k !== 'name') });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const at: At = (key) => keyPath(path, key);
  const result: Mutable<EnvironmentRequest> = { name: '' };
  result.name = checkName(fields.name, at('name'), problems, ENVIRONMENT_NAME_MAX) ?? '';
  if ('batch' in fields) {
    checkBatchEnvironment(fields, at, result, problems);
  } else if ('serverless' in fields) {
    checkServerlessEnvironment(fields, at, result, problems);
  } else {
    checkInstanceEnvironment(fields, at, result, problems);
  }
  if ('approval' in fields) {
    result.approval = readBoolean(fields.approval, at('approval'), problems);
  }
  // A batch environment's tests are already refused as such.
  if ('tests' in fields && !('batch' in fields)) {
    result.tests = checkTests(fields.tests, at('tests'), problems);
  }
  return problems.count === before ? result : undefined;
}

/**
 * Checks that environment names differ. Names are read from the raw entries,
 * so a duplicate is reported even when either environment has other problems.
 */
export function checkUniqueEnvironmentNames(entries: readonly unknown[], path: string, problems: ProblemList): void {
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    const name = typeof entry === 'object' && entry !== null && Object.prototype.hasOwnProperty.call(entry, 'name')
      ? (entry as { name: unknown }).name
      : undefined;
    if (typeof name !== 'string' || name === '') {
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.add(keyPath(`${path}[${i}]`, 'name'), `${quote(name)} is already the name of ${path}[${first}]`);
    } else {
      seen.set(name, i);
    }
  });
}
