import 'aws-sdk-client-mock-jest';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import * as fc from 'fast-check';
import { apiEvent, bodyOf, mockedApiDeps, provisionSettings, REQUEST_SCHEMA } from './provision-fixtures';
import { blueprintStackInput } from '../../../src/blueprint/blueprint-input';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { ApiDeps, handleApiRequest } from '../../../src/runtime/provisioning/api-handler';
import { arbitraryJson, mutatedPipelineRequest, validPipelineRequest } from '../../config/request-arbitraries';
import { mockedClients } from '../../harness/mocked-clients';

/**
 * Properties of the handler over generated input, every AWS client mocked:
 * no input makes it fail (5xx), invalid input never reaches CloudFormation
 * or writes to S3, and a valid request makes exactly one stack change.
 */
const RUNS = { numRuns: 1000 };

const { cloudformation, s3, codepipeline, sagemaker } = mockedClients({
  cloudformation: CloudFormationClient, s3: S3Client, codepipeline: CodePipelineClient, sagemaker: SageMakerClient,
});

const deps: ApiDeps = mockedApiDeps(provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' }));

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/mlops-x/1';

function missingStack(): Error {
  return Object.assign(new Error('Stack with id x does not exist'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
}

beforeEach(() => {
  s3.on(HeadObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'input/part-1.csv' }], KeyCount: 1 });
  cloudformation.on(DescribeStacksCommand).rejects(missingStack());
  cloudformation.on(ListStacksCommand).resolves({ StackSummaries: [] });
  cloudformation.on(CreateStackCommand).resolves({ StackId: STACK_ID });
  cloudformation.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
  codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
});

function clearHistory(): void {
  for (const mock of [cloudformation, s3, codepipeline, sagemaker]) {
    mock.resetHistory();
  }
}

/** CloudFormation calls that change something: there must be none for invalid input. */
function stackWrites(): number {
  return cloudformation.calls().filter((c) => !/^(Describe|List|Get)/.test((c.args[0] as any).constructor.name)).length;
}

/** S3 calls other than the existence checks. */
function s3Writes(): number {
  return s3.calls().filter((c) => !(c.args[0] instanceof HeadObjectCommand || c.args[0] instanceof ListObjectsV2Command)).length;
}

const POST_ROUTES = ['/pipelines', '/provisionpipeline', '/pipelinestatus'];

/** How each POST route judges a parsed body. */
function verdict(route: string, body: unknown): boolean {
  switch (route) {
    case '/pipelines':
      return REQUEST_SCHEMA.validatePipelineRequest(body).ok;
    case '/provisionpipeline':
      return REQUEST_SCHEMA.fromV1ProvisionRequest(body).ok;
    default:
      return REQUEST_SCHEMA.fromV1StatusRequest(body).ok;
  }
}

test('any JSON body posted to any route: never a 5xx; when invalid, a 400 with problems and no CloudFormation call', async () => {
  await fc.assert(fc.asyncProperty(fc.constantFrom(...POST_ROUTES), arbitraryJson(), async (route, body) => {
    clearHistory();
    const result = await handleApiRequest(apiEvent('POST', route, JSON.stringify(body)), deps);

    expect(result.statusCode).toBeLessThan(500);
    if (!verdict(route, body)) {
      expect(result.statusCode).toBe(400);
      expect(bodyOf(result).problems.length).toBeGreaterThan(0);
      expect(cloudformation.calls()).toHaveLength(0);
      expect(s3.calls()).toHaveLength(0);
    }
  }), RUNS);
});

test('any text posted to any route with any method, JSON or not: never a 5xx, never a write', async () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    arbitraryJson().map((v) => JSON.stringify(v) ?? ''),
    // Truncated JSON: the commonest way a body goes wrong.
    arbitraryJson().map((v) => (JSON.stringify(v) ?? '').slice(0, -1)),
  );
  const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'constructor', '__proto__');
  const path = fc.oneof(
    fc.constantFrom(...POST_ROUTES, '/pipelines/churn', '/pipelines/', '/', '', '/pipelines/churn/x', '/PIPELINES'),
    fc.string({ maxLength: 50 }).map((name) => `/pipelines/${encodeURIComponent(name)}`),
    fc.string({ unit: 'binary', maxLength: 30 }).map((p) => `/${p}`),
  );
  const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', undefined);
  await fc.assert(fc.asyncProperty(method, path, text, contentType, fc.boolean(), async (m, p, body, type, base64) => {
    clearHistory();
    const event = apiEvent(m, p, base64 ? Buffer.from(body).toString('base64') : body, type ? { 'Content-Type': type } : {});
    const result = await handleApiRequest({ ...event, isBase64Encoded: base64 }, deps);

    expect(result.statusCode).toBeLessThan(500);
    expect(stackWrites()).toBe(0);
    expect(s3Writes()).toBe(0);
    // Every answer is a JSON object, declared as JSON.
    expect(result.headers).toMatchObject({ 'content-type': 'application/json' });
    expect(Object.prototype.toString.call(JSON.parse(result.body))).toBe('[object Object]');
  }), RUNS);
});

test('a valid request with one field broken is a 400 naming that field, with no CloudFormation call', async () => {
  await fc.assert(fc.asyncProperty(mutatedPipelineRequest(), async ({ request, path }) => {
    clearHistory();
    const result = await handleApiRequest(apiEvent('POST', '/pipelines', JSON.stringify(request)), deps);

    expect(result.statusCode).toBe(400);
    expect(bodyOf(result).problems.map((p: { path: string }) => p.path)).toContain(path);
    expect(cloudformation.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
  }), RUNS);
});

/** The problems the blueprint finds in a schema-valid request it cannot provision (an image SageMaker does not publish), if any. */
function blueprintRefusal(request: PipelineRequest): unknown[] | undefined {
  try {
    blueprintStackInput(request, deps.settings, deps.region);
    return undefined;
  } catch (err) {
    if ((err as Error).name === 'BlueprintInputError') {
      return (err as { problems: unknown[] }).problems;
    }
    throw err;
  }
}

test('a valid request, for a new or an existing pipeline, makes exactly one CreateStack or UpdateStack (or, if the blueprint cannot provision it, is a 400 with no AWS call)', async () => {
  const existing = fc.constantFrom<'none' | 'CREATE_COMPLETE' | 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE'>('none', 'CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE');
  // Stubbed once, reading the run's case: stubbing again in every run piles up matchers and slows each call.
  let status = 'none';
  cloudformation.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
    if (status === 'none') {
      throw missingStack();
    }
    return { Stacks: [{ StackName: input.StackName, StackId: STACK_ID, StackStatus: status, CreationTime: new Date(0) }] };
  });
  let provisioned = 0;
  await fc.assert(fc.asyncProperty(validPipelineRequest(), existing, async (request, stackStatus) => {
    clearHistory();
    status = stackStatus;

    const result = await handleApiRequest(apiEvent('POST', '/pipelines', JSON.stringify(request)), deps);

    const refusal = blueprintRefusal(request);
    if (refusal) {
      expect(result.statusCode).toBe(400);
      expect(bodyOf(result).problems).toEqual(refusal);
      expect(cloudformation.calls()).toHaveLength(0);
      expect(s3.calls()).toHaveLength(0);
      return;
    }
    provisioned++;
    expect(result.statusCode).toBe(202);
    const creates = cloudformation.commandCalls(CreateStackCommand).length;
    const updates = cloudformation.commandCalls(UpdateStackCommand).length;
    expect(creates + updates).toBe(1);
    expect(stackStatus === 'none' ? creates : updates).toBe(1);
    expect(s3Writes()).toBe(0);
  }), RUNS);
  // The property is about provisioning: most generated requests must get that far.
  expect(provisioned).toBeGreaterThan(RUNS.numRuns / 2);
});
