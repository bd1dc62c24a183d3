import { Token } from 'aws-cdk-lib';
import { EnvironmentProps } from './environment-props';
import { validateBatch, validateMonitoring } from './kind-validation';
import { ENVIRONMENT_NAME_MAX, MAX_INSTANCE_COUNT, SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES } from '../../config/limits';
import { ProblemCollector } from '../../common/problem-collector';
import { AWS_REGION_PATTERN } from '../../contract/access-settings';

const ENV_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

const S3_PREFIX_PATTERN = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[\x21-\x7e]{0,512}$/;

const ACCOUNT_PATTERN = /^\d{12}$/;

/** Where the pipeline runs, for checking environments placed elsewhere. */
export interface PipelinePlacement {
  readonly account: string;
  readonly region: string;
  /** Whether the pipeline builds its own image (in its own region). */
  readonly buildsImage: boolean;
}

/** `path: message` back into its two parts, for problems a value object reports itself. */
function splitProblem(problem: string): [string, string] {
  const at = problem.indexOf(': ');
  return [problem.slice(0, at), problem.slice(at + 2)];
}

function validateAutoScaling(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const scaling = props.autoScaling!;
  const where = `${path}.autoScaling`;
  const count = props.instanceCount ?? 1;
  const min = scaling.minInstances ?? count;
  problems.integerInRange(scaling.minInstances, 1, MAX_INSTANCE_COUNT, `${where}.minInstances`);
  problems.integerInRange(scaling.maxInstances, 1, MAX_INSTANCE_COUNT, `${where}.maxInstances`);
  if (![count, min, scaling.maxInstances].some((n) => Token.isUnresolved(n))) {
    problems.check(min <= count && count <= scaling.maxInstances, where,
      `needs minInstances <= instanceCount <= maxInstances, got ${min} <= ${count} <= ${scaling.maxInstances}`);
  }
  if (!Token.isUnresolved(scaling.targetInvocationsPerInstance)) {
    problems.check(scaling.targetInvocationsPerInstance > 0, `${where}.targetInvocationsPerInstance`,
      `must be more than 0, got ${scaling.targetInvocationsPerInstance}`);
  }
}

function validateServerless(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const serverless = props.serverless!;
  const where = `${path}.serverless`;
  for (const conflicting of ['instanceType', 'instanceCount', 'autoScaling', 'dataCapture', 'kmsKey', 'trafficShift', 'vpc'] as const) {
    problems.check(props[conflicting] === undefined, `${path}.${conflicting}`, 'cannot be set together with serverless');
  }
  if (!Token.isUnresolved(serverless.memorySizeMb)) {
    problems.check(SERVERLESS_MEMORY_SIZES.includes(serverless.memorySizeMb), `${where}.memorySizeMb`,
      `must be one of ${SERVERLESS_MEMORY_SIZES.join(', ')}, got ${serverless.memorySizeMb}`);
  }
  problems.integerInRange(serverless.maxConcurrency, 1, SERVERLESS_MAX_CONCURRENCY, `${where}.maxConcurrency`);
  if (serverless.provisionedConcurrency !== undefined && !Token.isUnresolved(serverless.maxConcurrency)) {
    problems.integerInRange(serverless.provisionedConcurrency, 1, Math.max(1, serverless.maxConcurrency), `${where}.provisionedConcurrency`);
  }
}

/**
 * An environment in another account or region: both sides derive the names
 * of its roles and bucket at synth time, so everything involved must be a literal.
 */
function validateRemotePlacement(props: EnvironmentProps, path: string, problems: ProblemCollector, pipeline: PipelinePlacement): void {
  for (const field of ['account', 'region'] as const) {
    problems.check(!Token.isUnresolved(props[field]), `${path}.${field}`, 'must be a literal: the names of the environment\'s roles and bucket are derived from it at synth time');
  }
  const account = props.account ?? pipeline.account;
  const region = props.region ?? pipeline.region;
  if (Token.isUnresolved(account) || Token.isUnresolved(region) || (account === pipeline.account && region === pipeline.region)) {
    if (Token.isUnresolved(pipeline.account) || Token.isUnresolved(pipeline.region)) {
      problems.add(`${path}.${props.account !== undefined ? 'account' : 'region'}`,
        'needs the pipeline\'s stack to name its own account and region (env: { account, region }), to tell whether the environment is elsewhere');
    }
    return;
  }
  for (const local of ['batch', 'monitoring'] as const) {
    problems.check(props[local] === undefined, `${path}.${local}`,
      `is not supported for an environment in another account or region yet (${account}/${region}); place it in the pipeline's account and region`);
  }
  problems.check(!(props.vpc && !props.securityGroups), `${path}.securityGroups`,
    'must be given for a VPC environment in another account or region: the pipeline cannot create a security group there');
  problems.check(!(pipeline.buildsImage && region !== pipeline.region), `${path}.region`,
    `must be the pipeline's region (${pipeline.region}) with a container the pipeline builds: SageMaker pulls images from its own region only`);
}

/** Checks an environment's props, adding every problem to `problems` under `path`. */
export function validateEnvironment(props: EnvironmentProps, path: string, problems: ProblemCollector, pipeline?: PipelinePlacement): void {
  problems.matches(props.account, ACCOUNT_PATTERN, `${path}.account`, 'is not an AWS account ID (12 digits)');
  problems.matches(props.region, AWS_REGION_PATTERN, `${path}.region`, 'is not an AWS region (like "eu-west-1")');
  if (pipeline && (props.account !== undefined || props.region !== undefined)) {
    validateRemotePlacement(props, path, problems, pipeline);
  }
  if (!Token.isUnresolved(props.name)) {
    problems.matches(props.name, ENV_NAME_PATTERN, `${path}.name`, 'may hold letters, digits and single hyphens only, starting and ending with a letter or digit');
    problems.check(props.name.length <= ENVIRONMENT_NAME_MAX, `${path}.name`, `must be at most ${ENVIRONMENT_NAME_MAX} characters, got ${props.name.length}`);
  } else {
    problems.add(`${path}.name`, 'must be a literal string: it names the endpoint at synth time');
  }
  problems.matches(props.instanceType, INSTANCE_TYPE_PATTERN, `${path}.instanceType`, 'is not a SageMaker instance type (like "ml.m5.large")');
  problems.integerInRange(props.instanceCount, 1, MAX_INSTANCE_COUNT, `${path}.instanceCount`);
  if (props.batch) {
    validateBatch(props, path, problems);
  }
  if (props.monitoring && !props.batch) {
    validateMonitoring(props, path, problems);
  }
  if (props.serverless) {
    validateServerless(props, path, problems);
  }
  if (props.autoScaling && !props.serverless) {
    validateAutoScaling(props, path, problems);
  }
  for (const problem of props.trafficShift?._problems(`${path}.trafficShift`) ?? []) {
    problems.add(...splitProblem(problem));
  }
  if (props.rollbackAlarms) {
    const alarms = props.rollbackAlarms;
    if (alarms.maxErrorsPerMinute !== undefined && !Token.isUnresolved(alarms.maxErrorsPerMinute)) {
      problems.check(alarms.maxErrorsPerMinute > 0, `${path}.rollbackAlarms.maxErrorsPerMinute`, `must be more than 0, got ${alarms.maxErrorsPerMinute}`);
    }
    if (alarms.maxModelLatency && !alarms.maxModelLatency.isUnresolved()) {
      problems.check(alarms.maxModelLatency.toMilliseconds() > 0, `${path}.rollbackAlarms.maxModelLatency`, 'must be more than 0');
    }
    problems.integerInRange(alarms.evaluationMinutes, 1, 60, `${path}.rollbackAlarms.evaluationMinutes`);
  }
  for (const needsVpc of ['subnets', 'securityGroups'] as const) {
    problems.check(props[needsVpc] === undefined || props.vpc !== undefined, `${path}.${needsVpc}`, 'needs vpc to be set');
  }
  if (props.securityGroups) {
    problems.check(props.securityGroups.length >= 1 && props.securityGroups.length <= 5, `${path}.securityGroups`,
      `must hold 1 to 5 security groups, got ${props.securityGroups.length}`);
  }
  if (props.dataCapture) {
    problems.integerInRange(props.dataCapture.samplingPercentage, 1, 100, `${path}.dataCapture.samplingPercentage`);
    problems.matches(props.dataCapture.prefix, S3_PREFIX_PATTERN, `${path}.dataCapture.prefix`, 'must be an S3 key prefix without a leading "/" or ".." segments');
  }
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    problems.matches(key, TAG_KEY_PATTERN, `${path}.tags`, 'is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)');
    problems.check(key.startsWith('aws:') === false, `${path}.tags`, `key "${key}" uses the reserved "aws:" prefix`);
    if (!Token.isUnresolved(value)) {
      problems.check(value.length <= 256, `${path}.tags`, `value of "${key}" must be at most 256 characters`);
    }
  }
}

