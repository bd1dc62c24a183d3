import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { errorMessage, errorName, isTransient } from './aws-errors';
import { JobConfigurationError } from './codepipeline-job';
import { TestVerdict } from './test-verdict';
import { evaluateJsonPath, parseJsonPath } from '../contract/json-path';
import { TestRequestSpec, TestSuiteSpec } from '../contract/test-settings';

/** The clients request tests use. */
export interface RequestTestClients {
  readonly runtime: SageMakerRuntimeClient;
  readonly ssm: SSMClient;
  /** Milliseconds for latency measurement. @default Date.now */
  readonly now?: () => number;
}

/** SageMaker runtime errors worth another call: the model or the service is not ready yet. */
export const RUNTIME_TRANSIENT = new Set(['ModelNotReadyException', 'InternalDependencyException', 'InternalFailure', 'ServiceUnavailable']);

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
export async function sendRequest(request: TestRequestSpec, endpointName: string, clients: RequestTestClients): Promise<TestResponse> {
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
export async function runRequests(suite: TestSuiteSpec, endpointName: string, clients: RequestTestClients): Promise<string[]> {
  const failed: string[] = [];
  for (const request of suite.requests) {
    const failures = evaluateResponse(request, await sendRequest(request, endpointName, clients));
    if (failures.length > 0) {
      failed.push(`request ${JSON.stringify(request.name)}: ${failures.join('; ')}`);
    }
  }
  return failed;
}

/** Runs an environment's requests against its endpoint, all in one call. */
export async function runRequestTests(
  requestsParameter: string,
  environment: string,
  endpointName: string,
  clients: RequestTestClients,
): Promise<TestVerdict> {
  const suite = await loadTestSuite(clients.ssm, requestsParameter, environment);
  const failed = await runRequests(suite, endpointName, clients);
  if (failed.length === 0) {
    return { kind: 'passed', message: `All ${suite.requests.length} requests to ${endpointName} passed` };
  }
  return { kind: 'failed', failures: `${failed.length} of ${suite.requests.length} requests failed: ${failed.join(' | ')}` };
}
