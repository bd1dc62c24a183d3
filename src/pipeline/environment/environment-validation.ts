import { Token } from 'aws-cdk-lib';
import { EnvironmentProps } from './environment-props';
import { validateBatch, validateMonitoring } from './kind-validation';
import { ProblemCollector } from '../../common/problem-collector';
import { addRuleProblems, anyToken, checkProp } from '../../common/schema-props';
import { autoScaling, instanceCount, samplingPercentage, serverless } from '../../config/environment-fields';
import {
  INSTANCE_ONLY_KEYS, NO_MONITORING_WHEN_SERVERLESS, NOT_WITH_SERVERLESS, scalingProblems,
} from '../../config/environment-rules';
import { INSTANCE_TYPES } from '../../config/instance-type-fields';
import { environmentName } from '../../config/name-fields';
import { s3ObjectKey } from '../../config/s3-key-fields';
import { AWS_REGION_PATTERN } from '../../contract/access-settings';

const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

const ACCOUNT_PATTERN = /^\d{12}$/;

/**
 * What a serverless variant cannot have besides the request's
 * instance-only keys: construct props a request has no counterpart of.
 */
const CONSTRUCT_INSTANCE_ONLY_KEYS = ['kmsKey', 'trafficShift', 'vpc'] as const;

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

/** Auto scaling: its own fields, then its bounds against the instance count (the request's rule). */
function validateAutoScaling(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  const scaling = props.autoScaling!;
  const where = `${path}.autoScaling`;
  const { maxInstances, minInstances, targetInvocationsPerInstance } = scaling;
  checkProp(autoScaling, { maxInstances, minInstances, targetInvocationsPerInstance }, where, problems);
  if (!anyToken(props.instanceCount, minInstances, maxInstances)) {
    addRuleProblems(scalingProblems(props.instanceCount, scaling), where, problems);
  }
}

/** A serverless variant: its own fields, and none of the instances' (the request's rule, with the construct's extra props). */
function validateServerless(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  for (const conflicting of [...INSTANCE_ONLY_KEYS, ...CONSTRUCT_INSTANCE_ONLY_KEYS]) {
    problems.check(props[conflicting] === undefined, `${path}.${conflicting}`, NOT_WITH_SERVERLESS);
  }
  problems.check(props.monitoring === undefined, `${path}.monitoring`, NO_MONITORING_WHEN_SERVERLESS);
  const { memorySizeMb, maxConcurrency, provisionedConcurrency } = props.serverless!;
  checkProp(serverless, { memorySizeMb, maxConcurrency, provisionedConcurrency }, `${path}.serverless`, problems);
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
    checkProp(environmentName, props.name, `${path}.name`, problems);
  } else {
    problems.add(`${path}.name`, 'must be a literal string: it names the endpoint at synth time');
  }
  // A batch environment's transform runs on other types than an endpoint; a serverless one has none.
  if (props.batch || !props.serverless) {
    checkProp(INSTANCE_TYPES[props.batch ? 'transform' : 'hosting'], props.instanceType, `${path}.instanceType`, problems);
    checkProp(instanceCount, props.instanceCount, `${path}.instanceCount`, problems);
  }
  if (props.batch) {
    validateBatch(props, path, problems);
  } else if (props.serverless) {
    validateServerless(props, path, problems);
  } else {
    if (props.monitoring) {
      validateMonitoring(props, path, problems);
    }
    if (props.autoScaling) {
      validateAutoScaling(props, path, problems);
    }
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
  if (props.dataCapture && !props.serverless && !props.batch) {
    checkProp(samplingPercentage, props.dataCapture.samplingPercentage, `${path}.dataCapture.samplingPercentage`, problems);
    checkProp(s3ObjectKey, props.dataCapture.prefix, `${path}.dataCapture.prefix`, problems);
  }
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    problems.matches(key, TAG_KEY_PATTERN, `${path}.tags`, 'is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)');
    problems.check(key.startsWith('aws:') === false, `${path}.tags`, `key "${key}" uses the reserved "aws:" prefix`);
    if (!Token.isUnresolved(value)) {
      problems.check(value.length <= 256, `${path}.tags`, `value of "${key}" must be at most 256 characters`);
    }
  }
}

