import { DescribeEndpointCommand, SageMakerClient, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { errorMessage, errorName, isEndpointBusy, isTransient } from './aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  outcomeOfError,
  decodeContinuation,
  encodeContinuation,
  requireParameter,
} from './codepipeline-job';
import { evaluateJsonPath, parseJsonPath } from '../pipeline/tests/json-path';
import { NO_PREVIOUS_CONFIG, TestJobParameters, TestRequestSpec, TestSuiteSpec } from '../pipeline/tests/test-spec';

/** The AWS clients the tests use; injected so tests choose where they point. */
export interface IntegrationTestClients {
  readonly runtime: SageMakerRuntimeClient;
  readonly sagemaker: SageMakerClient;
  readonly ssm: SSMClient;
  /** Milliseconds for latency measurement. @default Date.now */
  readonly now?: () => number;
}

/**
 * The continuation token: `testing` when a transient error interrupted the
 * requests (they all run again), or a rollback in flight with the failures it
 * will report.
 */
type TestContinuation =
  | { readonly phase: 'testing' }
  | { readonly phase: 'rolling-back'; readonly failures: string; readonly previous: string; readonly updateIssued: boolean };

/** Failures kept in the continuation token, which CodePipeline limits to 2048 characters. */
const MAX_FAILURES_IN_TOKEN = 1500;
/** Endpoint states that end by themselves: wait, never sleep. */
const CHANGING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);
/** SageMaker runtime errors worth another call: the model or the service is not ready yet. */
const RUNTIME_TRANSIENT = new Set(['ModelNotReadyException', 'InternalDependencyException', 'InternalFailure', 'ServiceUnavailable']);

/** Reads the job's parameters, naming what is missing. */
export function readTestParameters(job: CodePipelineJob): TestJobParameters {
  return {
    environment: requireParameter(job, 'environment'),
    endpointName: requireParameter(job, 'endpointName'),
    endpointConfigName: requireParameter(job, 'endpointConfigName'),
    previousConfig: requireParameter(job, 'previousConfig'),
    requestsParameter: requireParameter(job, 'requestsParameter'),
  };
}

/** Loads an environment's requests from their SSM parameter, on every call so a stack update takes effect at once. */
export async function loadTestSuite(ssm: SSMClient, parameter: string, environment: string): Promise<TestSuiteSpec> {
  const found = await ssm.send(new GetParameterCommand({ Name: parameter }));
  try {
    const suite = JSON.parse(found.Parameter?.Value ?? '') as TestSuiteSpec;
    if (!Array.isArray(suite.requests)) throw new Error('no requests');
    return suite;
  } catch {
    throw new JobConfigurationError(`The test requests of environment "${environment}" in SSM parameter ${parameter} are not valid`);
  }
}

/** The response of one request, as the expectations see it. */
export interface TestResponse {
  /** The model's HTTP status, or the error's name when there was no response at all. */
  readonly status: number | string;
  readonly body?: string;
  readonly latencyMs: number;
}

/** Every expectation the response misses, in the order they are declared. */
export function evaluateResponse(request: TestRequestSpec, response: TestResponse): string[] {
  const failures: string[] = [];
  if (response.status !== request.status) {
    failures.push(`status ${response.status}, expected ${request.status}`);
  }
  if (response.body === undefined) {
    if (request.bodyContains?.length || request.jsonPath?.length) {
      failures.push('no response body to check');
    }
  } else {
    for (const text of request.bodyContains ?? []) {
      if (!response.body.includes(text)) {
        failures.push(`body does not contain ${JSON.stringify(text)}`);
      }
    }
    if (request.jsonPath?.length) {
      failures.push(...evaluateJsonPaths(request, response.body));
    }
  }
  if (request.maxLatencyMs !== undefined && response.latencyMs > request.maxLatencyMs) {
    failures.push(`latency ${Math.round(response.latencyMs)} ms over ${request.maxLatencyMs} ms`);
  }
  return failures;
}

function evaluateJsonPaths(request: TestRequestSpec, body: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return [`body is not JSON (${JSON.stringify(body.slice(0, 80))}), so ${request.jsonPath!.map((e) => e.path).join(', ')} cannot be checked`];
  }
  const failures: string[] = [];
  for (const expectation of request.jsonPath!) {
    const result = evaluateJsonPath(document, parseJsonPath(expectation.path));
    if (!result.found) {
      failures.push(`${expectation.path} not found`);
      continue;
    }
    const shown = JSON.stringify(result.value);
    if (expectation.equals !== undefined && shown !== JSON.stringify(JSON.parse(expectation.equals))) {
      failures.push(`${expectation.path} = ${shown}, expected ${expectation.equals}`);
    }
    if (expectation.min === undefined && expectation.max === undefined) {
      continue;
    }
    if (typeof result.value !== 'number') {
      failures.push(`${expectation.path} = ${shown}, expected a number`);
      continue;
    }
    if (expectation.min !== undefined && result.value < expectation.min) {
      failures.push(`${expectation.path} = ${shown}, expected >= ${expectation.min}`);
    }
    if (expectation.max !== undefined && result.value > expectation.max) {
      failures.push(`${expectation.path} = ${shown}, expected <= ${expectation.max}`);
    }
  }
  return failures;
}

/**
 * Sends one request. A model error is a response (its original status and
 * message); transient errors are thrown so the whole job is tried again.
 */
export async function sendRequest(request: TestRequestSpec, endpointName: string, clients: IntegrationTestClients): Promise<TestResponse> {
  const now = clients.now ?? Date.now;
  const started = now();
  try {
    const answer = await clients.runtime.send(new InvokeEndpointCommand({
      EndpointName: endpointName,
      Body: new TextEncoder().encode(request.body),
      ContentType: request.contentType,
      Accept: request.accept,
    }));
    return { status: 200, body: answer.Body ? new TextDecoder().decode(answer.Body) : '', latencyMs: now() - started };
  } catch (err) {
    const latencyMs = now() - started;
    if (isTransient(err) || RUNTIME_TRANSIENT.has(errorName(err))) {
      throw err;
    }
    const modelError = err as { OriginalStatusCode?: number; OriginalMessage?: string };
    if (errorName(err) === 'ModelError' && typeof modelError.OriginalStatusCode === 'number') {
      return { status: modelError.OriginalStatusCode, body: modelError.OriginalMessage, latencyMs };
    }
    return { status: `${errorName(err)} (${errorMessage(err)})`, latencyMs };
  }
}

/** Runs every request and describes every failed expectation; empty when all pass. */
export async function runRequests(suite: TestSuiteSpec, endpointName: string, clients: IntegrationTestClients): Promise<string[]> {
  const failed: string[] = [];
  for (const request of suite.requests) {
    const failures = evaluateResponse(request, await sendRequest(request, endpointName, clients));
    if (failures.length > 0) {
      failed.push(`request ${JSON.stringify(request.name)}: ${failures.join('; ')}`);
    }
  }
  return failed;
}

/**
 * Decides one step of a test action: run the requests, and on any failure
 * roll the endpoint back to the previous release config, checking back
 * through continuations until it serves that config again.
 */
export async function runTestJob(job: CodePipelineJob, clients: IntegrationTestClients): Promise<ActionOutcome> {
  const continuation = job.continuationToken ? decodeContinuation<TestContinuation>(job.continuationToken) : undefined;
  try {
    const params = readTestParameters(job);
    if (continuation?.phase === 'rolling-back') {
      return await rollBack(params, continuation, clients.sagemaker);
    }
    const suite = await loadTestSuite(clients.ssm, params.requestsParameter, params.environment);
    const failed = await runRequests(suite, params.endpointName, clients);
    if (failed.length === 0) {
      return { kind: 'succeeded', message: `All ${suite.requests.length} requests to ${params.endpointName} passed` };
    }
    const failures = `${failed.length} of ${suite.requests.length} requests failed: ${failed.join(' | ')}`;
    if (params.previousConfig === NO_PREVIOUS_CONFIG) {
      return {
        kind: 'failed',
        message: `Tests of ${params.environment} failed: ${failures}. First release of ${params.environment}: `
          + `there is no earlier config to roll back to, endpoint ${params.endpointName} keeps ${params.endpointConfigName}`,
      };
    }
    return await rollBack(params, {
      phase: 'rolling-back',
      failures: truncate(failures, MAX_FAILURES_IN_TOKEN),
      previous: params.previousConfig,
      updateIssued: false,
    }, clients.sagemaker);
  } catch (err) {
    return outcomeOfError(job, err, 'testing', isTestTransient);
  }
}

/** Transient for the test handler: the SDK's transient errors and the runtime's own (a model still warming up). */
export function isTestTransient(err: unknown): boolean {
  return isTransient(err) || RUNTIME_TRANSIENT.has(errorName(err));
}

type RollingBack = Extract<TestContinuation, { phase: 'rolling-back' }>;

/** One step of returning the endpoint to the previous config; never waits. */
async function rollBack(params: TestJobParameters, state: RollingBack, sagemaker: SageMakerClient): Promise<ActionOutcome> {
  const failedTests = `Tests of ${params.environment} failed: ${state.failures}`;
  const wait = (message: string, next: RollingBack = state): ActionOutcome => ({ kind: 'in-progress', message, continuationToken: encodeContinuation(next) });
  let endpoint;
  try {
    endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: params.endpointName }));
  } catch (err) {
    if (isTransient(err)) return wait(`Transient ${errorName(err)}; will try again`);
    return { kind: 'failed', message: `${failedTests}. Could not roll back to ${state.previous}: ${errorName(err)}: ${errorMessage(err)}` };
  }
  const status = endpoint.EndpointStatus ?? 'unknown';
  if (CHANGING.has(status)) {
    return wait(state.updateIssued
      ? `Rolling endpoint ${params.endpointName} back to ${state.previous} (${status})`
      : `Tests failed; waiting for endpoint ${params.endpointName} (${status}) before rolling back to ${state.previous}`);
  }
  if (status !== 'InService') {
    const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
    return { kind: 'failed', message: `${failedTests}. Could not roll back to ${state.previous}: endpoint ${params.endpointName} is ${status}${reason}` };
  }
  if (endpoint.EndpointConfigName === state.previous) {
    return { kind: 'failed', message: `${failedTests}. Rolled back to ${state.previous} (endpoint ${params.endpointName})` };
  }
  if (state.updateIssued) {
    // SageMaker ended the update on another config: it rolled the rollback back.
    const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
    return {
      kind: 'failed',
      message: `${failedTests}. Rollback to ${state.previous} did not complete; endpoint ${params.endpointName} serves ${endpoint.EndpointConfigName}${reason}`,
    };
  }
  try {
    await sagemaker.send(new UpdateEndpointCommand({ EndpointName: params.endpointName, EndpointConfigName: state.previous }));
  } catch (err) {
    if (isEndpointBusy(err) || isTransient(err)) {
      return wait(`Endpoint ${params.endpointName} is busy (${errorName(err)}); will roll back to ${state.previous} when it settles`);
    }
    return { kind: 'failed', message: `${failedTests}. Could not roll back to ${state.previous}: ${errorName(err)}: ${errorMessage(err)}` };
  }
  return wait(`Tests failed; rolling endpoint ${params.endpointName} back from ${endpoint.EndpointConfigName} to ${state.previous}`, { ...state, updateIssued: true });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
