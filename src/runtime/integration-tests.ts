import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { errorName, isTransient } from './aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  outcomeOfError,
  decodeContinuation,
  encodeContinuation,
  requireParameter,
} from './codepipeline-job';
import { BUILD_TRANSIENT, BuildState, checkTestBuild, startTestBuild } from './test-build';
import { RequestTestClients, RUNTIME_TRANSIENT, runRequestTests } from './test-requests';
import { rollBack, RollbackClients, RollbackState } from './test-rollback';
import { TestVerdict } from './test-verdict';
import { EnvironmentAccessSpec, parseAccessSpec } from '../contract/access-settings';
import { NO_PREVIOUS_CONFIG, TestBuildSpec, TestJobParameters, TestScalingSpec } from '../contract/test-settings';

/** The AWS clients the tests use; injected so tests choose where they point. */
export interface IntegrationTestClients extends RequestTestClients, RollbackClients {
  readonly codebuild: CodeBuildClient;
}

/**
 * The continuation token: `testing` when the suite has to be run (again, after
 * a transient error), the build a CodeBuild suite is running, or a rollback
 * in flight with the failures it will report.
 */
type TestContinuation = { readonly phase: 'testing' } | BuildState | RollbackState;

/** Failures kept in the continuation token, which CodePipeline limits to 2048 characters. */
const MAX_FAILURES_IN_TOKEN = 1500;

/** Reads the job's parameters, naming what is missing or malformed. */
export function readTestParameters(job: CodePipelineJob): TestJobParameters {
  const params: TestJobParameters = {
    environment: requireParameter(job, 'environment'),
    endpointName: requireParameter(job, 'endpointName'),
    endpointConfigName: requireParameter(job, 'endpointConfigName'),
    previousConfig: requireParameter(job, 'previousConfig'),
    requestsParameter: job.userParameters.requestsParameter === undefined ? undefined : requireParameter(job, 'requestsParameter'),
    build: readBuild(job),
    scaling: readScaling(job),
    access: readAccess(job),
  };
  if ((params.requestsParameter === undefined) === (params.build === undefined)) {
    throw new JobConfigurationError('UserParameters must name either requestsParameter (request tests) or build (CodeBuild tests)');
  }
  return params;
}

function readObject(job: CodePipelineJob, name: string): Record<string, unknown> | undefined {
  const value = job.userParameters[name];
  if (value === undefined) {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JobConfigurationError(`UserParameters.${name} must be an object`);
  }
  return value as Record<string, unknown>;
}

function check(ok: boolean, what: string): void {
  if (!ok) {
    throw new JobConfigurationError(`UserParameters.${what}`);
  }
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function readBuild(job: CodePipelineJob): TestBuildSpec | undefined {
  const build = readObject(job, 'build');
  if (!build) {
    return undefined;
  }
  check(isText(build.projectName), 'build.projectName must be a non-empty string');
  check(build.sourceVersion === undefined || isText(build.sourceVersion), 'build.sourceVersion must be a non-empty string when set');
  return { projectName: build.projectName as string, sourceVersion: build.sourceVersion as string | undefined };
}

/** The environment's access role and region, when it is in another account or region. */
export function readAccess(job: CodePipelineJob): EnvironmentAccessSpec | undefined {
  const access = readObject(job, 'access');
  return access && parseAccessSpec(access, 'UserParameters.access', (message) => new JobConfigurationError(message));
}

function readScaling(job: CodePipelineJob): TestScalingSpec | undefined {
  const scaling = readObject(job, 'scaling');
  if (!scaling) {
    return undefined;
  }
  const autoScaling = scaling.autoScaling as Record<string, unknown> | undefined;
  check(isText(scaling.variantName), 'scaling.variantName must be a non-empty string');
  check(typeof autoScaling === 'object' && autoScaling !== null, 'scaling.autoScaling must be an object');
  for (const field of ['minInstances', 'maxInstances', 'targetInvocationsPerInstance']) {
    check(isNumber(autoScaling![field]), `scaling.autoScaling.${field} must be a number`);
  }
  for (const field of ['scaleInCooldownSeconds', 'scaleOutCooldownSeconds']) {
    check(autoScaling![field] === undefined || isNumber(autoScaling![field]), `scaling.autoScaling.${field} must be a number when set`);
  }
  return scaling as unknown as TestScalingSpec;
}

/**
 * Decides one step of a test action: run the suite (all the requests at
 * once, or start the build and check it on later calls), and on any failure
 * roll the endpoint back to the previous release config, checking back
 * through continuations until it serves that config again.
 */
export async function runTestJob(job: CodePipelineJob, clients: IntegrationTestClients): Promise<ActionOutcome> {
  const continuation = job.continuationToken ? decodeContinuation<TestContinuation>(job.continuationToken) : undefined;
  try {
    const params = readTestParameters(job);
    if (continuation?.phase === 'rolling-back') {
      return await rollBack(params, continuation, clients);
    }
    const verdict = await runSuite(job, params, continuation, clients);
    switch (verdict.kind) {
      case 'passed':
        return await stillServed(params, verdict.message, clients);
      case 'running':
        return { kind: 'in-progress', message: verdict.message, continuationToken: encodeContinuation(verdict.state) };
      default:
        return await failRelease(params, verdict.failures, clients);
    }
  } catch (err) {
    return outcomeOfError(job, err, 'testing', isTestTransient);
  }
}

async function runSuite(
  job: CodePipelineJob,
  params: TestJobParameters,
  continuation: TestContinuation | undefined,
  clients: IntegrationTestClients,
): Promise<TestVerdict> {
  if (params.build) {
    if (continuation?.phase === 'building') {
      return checkTestBuild(continuation, clients.codebuild);
    }
    // The suite tests the endpoint in the region the handler reaches it in.
    return startTestBuild(job.id, params, params.build, await clients.sagemaker.config.region(), clients.codebuild);
  }
  // readTestParameters guarantees one of build and requestsParameter.
  return runRequestTests(params.requestsParameter!, params.environment, params.endpointName, clients);
}

/**
 * Passing tests pass the release only while the endpoint serves it: a job
 * delivered again after its report was lost finds its first attempt's
 * rollback done or under way, and its requests reach the previous release.
 */
async function stillServed(params: TestJobParameters, message: string, clients: IntegrationTestClients): Promise<ActionOutcome> {
  const endpoint = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: params.endpointName }));
  const pending = endpoint.PendingDeploymentSummary?.EndpointConfigName;
  const serving = endpoint.EndpointConfigName;
  if (serving === params.endpointConfigName && (pending === undefined || pending === serving)) {
    return { kind: 'succeeded', message };
  }
  const where = serving === params.endpointConfigName ? `is being moved to ${pending}` : `serves ${serving}`;
  return {
    kind: 'failed',
    message: `Tests of ${params.environment} passed, but endpoint ${params.endpointName} ${where}, not release ${params.endpointConfigName}: `
      + 'an earlier attempt of this job rolled it back, or another release replaced it',
  };
}

/** Failed tests stop the release; the environment returns to the config that served before, if there was one. */
async function failRelease(params: TestJobParameters, failures: string, clients: IntegrationTestClients): Promise<ActionOutcome> {
  if (params.previousConfig === NO_PREVIOUS_CONFIG) {
    return {
      kind: 'failed',
      message: `Tests of ${params.environment} failed: ${failures}. First release of ${params.environment}: `
        + `there is no earlier config to roll back to, endpoint ${params.endpointName} keeps ${params.endpointConfigName}`,
    };
  }
  return rollBack(params, {
    phase: 'rolling-back',
    failures: truncate(failures, MAX_FAILURES_IN_TOKEN),
    previous: params.previousConfig,
    updateIssued: false,
  }, clients);
}

/**
 * Transient for the test handler: the SDK's transient errors, the runtime's
 * own (a model still warming up) and CodeBuild's concurrent-build limit.
 */
export function isTestTransient(err: unknown): boolean {
  return isTransient(err) || RUNTIME_TRANSIENT.has(errorName(err)) || BUILD_TRANSIENT.has(errorName(err));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
