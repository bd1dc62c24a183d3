import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AT_LIMIT_CASES } from './at-limit-requests';
import { API_CASES } from './corpus';
import { HTTP_CASES } from './http-requests';
import { handleApiRequest, MAX_BODY_BYTES } from '../../src/runtime/provisioning/api-handler';
import { apiEvent, bodyOf, mockedApiDeps, provisionSettings, REQUEST_SCHEMA } from '../framework/provision/provision-fixtures';

/**
 * Every hostile request of the corpus is refused with a 4xx that names the
 * field, before any AWS call: nothing is read, nothing created. The clients
 * are mocked with no behaviour at all, so any call would fail the test.
 */
const cloudformation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const deps = mockedApiDeps(provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' }));

beforeEach(() => {
  cloudformation.reset();
  s3.reset();
});

function problemPaths(result: { body: string }): string[] {
  return (bodyOf(result).problems as Array<{ path: string }>).map((p) => p.path);
}

function expectNoAwsCall(): void {
  expect(cloudformation.calls()).toHaveLength(0);
  expect(s3.calls()).toHaveLength(0);
}

test.each(API_CASES.map((c) => [`${c.route} ${c.name}`, c] as const))('%s: 400 naming the field, no AWS call', async (_name, hostile) => {
  const result = await handleApiRequest(apiEvent('POST', hostile.route, JSON.stringify(hostile.body)), deps);
  expect(result.statusCode).toBe(400);
  expect(problemPaths(result)).toContain(hostile.path);
  expectNoAwsCall();
});

test.each(HTTP_CASES.map((c) => [c.name, c] as const))('%s: the 4xx names the problem, no AWS call', async (_name, hostile) => {
  const event = apiEvent(hostile.method, hostile.route, hostile.body, hostile.headers);
  const result = await handleApiRequest({ ...event, isBase64Encoded: hostile.isBase64Encoded ?? false }, deps);
  expect(result.statusCode).toBe(hostile.status);
  expect(problemPaths(result)).toContain(hostile.path);
  expectNoAwsCall();
});

test.each(AT_LIMIT_CASES.map((c) => [c.name, c] as const))('%s is accepted', (_name, atLimit) => {
  const result = atLimit.route === '/pipelines'
    ? REQUEST_SCHEMA.validatePipelineRequest(atLimit.body)
    : REQUEST_SCHEMA.fromV1ProvisionRequest(atLimit.body);
  expect(result.ok ? [] : result.problems.filter((p) => p.path === atLimit.path)).toEqual([]);
  expect(result.ok).toBe(true);
});

test('a body of exactly the size limit is read: its problems are about its fields, not its size', async () => {
  const request = JSON.stringify({ name: 'Churn' });
  const body = `${request}${' '.repeat(MAX_BODY_BYTES - request.length)}`;
  const result = await handleApiRequest(apiEvent('POST', '/pipelines', body), deps);
  expect(result.statusCode).toBe(400);
  expect(problemPaths(result)).toEqual(expect.arrayContaining(['name', 'artifact']));
  expect(problemPaths(result)).not.toContain('');
});
