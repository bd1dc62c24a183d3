import 'aws-sdk-client-mock-jest';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { CodePipelineClient, GetPipelineStateCommand, ListPipelineExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { apiEvent, bodyOf, churnRequest, LOGGER, mockedApiDeps, provisionSettings, v1Body } from './provision-fixtures';
import { FRAMEWORK_TAG, REQUEST_HASH_TAG } from '../../../src/contract/stack-tags';
import { ApiDeps, handleApiRequest } from '../../../src/runtime/provisioning/api-handler';
import { requestSha256 } from '../../../src/runtime/provisioning/request-fingerprint';
import { awsError } from '../../fixtures/aws-error';
import { mockedClients } from '../../harness/mocked-clients';

/** The handler's answers to AWS faults and stack states moto cannot produce. */
const { cloudformation, s3, codepipeline, sagemaker } = mockedClients({
  cloudformation: CloudFormationClient, s3: S3Client, codepipeline: CodePipelineClient, sagemaker: SageMakerClient,
});

const SETTINGS = provisionSettings({ stackPrefix: 'mlops-', assetsBucket: 'assets', blueprintBucket: 'blueprints' });
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/mlops-churn/11111111-2222-3333-4444-555555555555';
const REQUEST = churnRequest();
const HASH = requestSha256(REQUEST);

const deps: ApiDeps = mockedApiDeps(SETTINGS);

const THROTTLED = () => awsError('Throttling', 'Rate exceeded', 400);
const MISSING_STACK = () => awsError('ValidationError', 'Stack with id mlops-churn does not exist');

function stack(status: string, overrides: Partial<Stack> = {}): Stack {
  return {
    StackName: 'mlops-churn',
    StackId: STACK_ID,
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date('2026-11-01T00:00:00Z'),
    Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }, { Key: REQUEST_HASH_TAG, Value: 'another-request' }],
    ...overrides,
  } as Stack;
}

function post(body: unknown = REQUEST) {
  return handleApiRequest(apiEvent('POST', '/pipelines', body), deps);
}

/** Nothing was written: no CloudFormation change and no S3 write. */
function expectNoWrites(): void {
  expect(cloudformation).not.toHaveReceivedCommand(CreateStackCommand);
  expect(cloudformation).not.toHaveReceivedCommand(UpdateStackCommand);
  expect(cloudformation).not.toHaveReceivedCommand(DeleteStackCommand);
  expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
}

beforeEach(() => {
  s3.on(HeadObjectCommand).resolves({});
  cloudformation.on(DescribeStacksCommand).rejects(MISSING_STACK());
  cloudformation.on(CreateStackCommand).resolves({ StackId: STACK_ID });
  cloudformation.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
  cloudformation.on(DeleteStackCommand).resolves({});
});

describe('create', () => {
  test('CreateStack gets the blueprint, the role, both IAM capabilities, OnFailure DELETE, the tags and a derived token', async () => {
    const result = await post();

    expect(result.statusCode).toBe(202);
    expect(cloudformation).toHaveReceivedCommandTimes(CreateStackCommand, 1);
    const input = cloudformation.commandCalls(CreateStackCommand)[0].args[0].input;
    expect(input).toMatchObject({
      StackName: 'mlops-churn',
      TemplateURL: SETTINGS.blueprintUrls['prebuilt-2'],
      RoleARN: SETTINGS.cloudFormationRoleArn,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      OnFailure: 'DELETE',
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }, { Key: REQUEST_HASH_TAG, Value: HASH }, { Key: FRAMEWORK_TAG, Value: SETTINGS.stackPrefix }],
    });
    expect(input.ClientRequestToken).toMatch(/^mlops-create-[0-9a-f]{48}$/);
    expect(input.Parameters).toContainEqual({ ParameterKey: 'ArtifactKey', ParameterValue: 'churn/model.tar.gz' });
  });

  test('a retried POST after a lost CreateStack answer repeats the same ClientRequestToken', async () => {
    cloudformation.on(CreateStackCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }))
      .resolves({ StackId: STACK_ID });

    const first = await post();
    const retry = await post();

    expect(first.statusCode).toBe(503);
    expect(retry.statusCode).toBe(202);
    const tokens = cloudformation.commandCalls(CreateStackCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).toBe(tokens[0]);
  });

  test('a different request for the same name has a different token', async () => {
    await post();
    await post(churnRequest({ artifact: 'churn/other.tar.gz' }));
    const tokens = cloudformation.commandCalls(CreateStackCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[1]).not.toBe(tokens[0]);
  });

  test('a retry while the first create is still running is answered as the first was, without a second CreateStack', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_IN_PROGRESS', { Tags: [{ Key: REQUEST_HASH_TAG, Value: HASH }] })] });

    const result = await post();

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ name: 'churn', stackId: STACK_ID, status: 'CREATE_IN_PROGRESS', links: { self: '/pipelines/churn' } });
    expectNoWrites();
  });

  test('AlreadyExists (another request created it meanwhile): the same request is a retry, another one a 409', async () => {
    cloudformation.on(CreateStackCommand).rejects(awsError('AlreadyExistsException', 'Stack [mlops-churn] already exists'));
    cloudformation.on(DescribeStacksCommand)
      .rejectsOnce(MISSING_STACK())
      .resolvesOnce({ Stacks: [stack('CREATE_IN_PROGRESS', { Tags: [{ Key: REQUEST_HASH_TAG, Value: HASH }] })] })
      .rejectsOnce(MISSING_STACK())
      .resolvesOnce({ Stacks: [stack('CREATE_IN_PROGRESS')] });

    const same = await post();
    const other = await post();

    expect(same.statusCode).toBe(202);
    expect(bodyOf(same).status).toBe('CREATE_IN_PROGRESS');
    expect(other.statusCode).toBe(409);
    expect(bodyOf(other)).toMatchObject({ stackStatus: 'CREATE_IN_PROGRESS', message: expect.stringContaining('another change is under way') });
  });

  test('a stack created and deleted again by others between AlreadyExists and the second look is a 409 to send again, nothing written', async () => {
    cloudformation.on(CreateStackCommand).rejects(awsError('AlreadyExistsException', 'Stack [mlops-churn] already exists'));
    cloudformation.on(DescribeStacksCommand).rejects(MISSING_STACK());

    const result = await post();

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toMatchObject({ stackStatus: 'DELETE_COMPLETE', message: expect.stringContaining('send the request again') });
    expect(cloudformation.commandCalls(CreateStackCommand)).toHaveLength(1);
    expect(cloudformation.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });
});

describe('update', () => {
  test.each(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'IMPORT_COMPLETE'])('a %s stack is updated by ID with the role and the tags', async (status) => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });

    const result = await post();

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result).status).toBe('UPDATE_IN_PROGRESS');
    expect(cloudformation).toHaveReceivedCommandWith(UpdateStackCommand, {
      StackName: STACK_ID,
      RoleARN: SETTINGS.cloudFormationRoleArn,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }, { Key: REQUEST_HASH_TAG, Value: HASH }, { Key: FRAMEWORK_TAG, Value: SETTINGS.stackPrefix }],
    });
    expect(cloudformation).not.toHaveReceivedCommand(CreateStackCommand);
  });

  test('"No updates are to be performed" is 202 UNCHANGED', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cloudformation.on(UpdateStackCommand).rejects(awsError('ValidationError', 'No updates are to be performed.'));

    const result = await post();

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ name: 'churn', stackId: STACK_ID, status: 'UNCHANGED', links: { self: '/pipelines/churn' } });
  });

  test('the update token follows the stack\'s last change: a retry repeats it, a later update does not', async () => {
    const at = (iso: string) => ({ Stacks: [stack('UPDATE_COMPLETE', { LastUpdatedTime: new Date(iso) })] });
    cloudformation.on(DescribeStacksCommand)
      .resolvesOnce(at('2026-11-02T00:00:00Z'))
      .resolvesOnce(at('2026-11-02T00:00:00Z'))
      .resolvesOnce(at('2026-11-03T00:00:00Z'));

    await post();
    await post();
    await post();

    const tokens = cloudformation.commandCalls(UpdateStackCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens[0]).toMatch(/^mlops-update-[0-9a-f]{48}$/);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).not.toBe(tokens[0]);
  });

  test.each(['UPDATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'REVIEW_IN_PROGRESS'])(
    'a stack busy with another request (%s) is a 409 and nothing is changed',
    async (status) => {
      cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });

      const result = await post();

      expect(result.statusCode).toBe(409);
      expect(bodyOf(result)).toEqual({
        name: 'churn',
        stackName: 'mlops-churn',
        stackId: STACK_ID,
        stackStatus: status,
        message: `Stack mlops-churn is ${status}: another change is under way; send the request again when it has finished`,
      });
      expectNoWrites();
    },
  );

  test.each(['ROLLBACK_COMPLETE', 'ROLLBACK_FAILED', 'CREATE_FAILED', 'DELETE_FAILED'])('a %s stack is a 409 saying to delete it first', async (status) => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack(status)] });

    const result = await post();

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).message).toBe(`Stack mlops-churn is ${status} and cannot be updated: delete the pipeline (DELETE /pipelines/{name}) first, then send the request again`);
    expectNoWrites();
  });

  test('an UPDATE_ROLLBACK_FAILED stack is a 409 saying to continue the rollback', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_ROLLBACK_FAILED')] });
    const result = await post();
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).message).toContain('continue its rollback');
    expectNoWrites();
  });

  test('UpdateStack refused because the stack became busy meanwhile is a 409', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cloudformation.on(UpdateStackCommand).rejects(awsError('ValidationError', `Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`));

    const result = await post();

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result).stackStatus).toBe('UPDATE_IN_PROGRESS');
  });
});

describe('AWS faults', () => {
  test.each([
    ['HeadObject', () => s3.on(HeadObjectCommand).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503))],
    ['DescribeStacks', () => cloudformation.on(DescribeStacksCommand).rejects(THROTTLED())],
    ['CreateStack', () => cloudformation.on(CreateStackCommand).rejects(THROTTLED())],
    ['CreateStack (5xx)', () => cloudformation.on(CreateStackCommand).rejects(awsError('InternalFailure', 'internal', 500))],
  ])('POST: throttling or a 5xx on %s is a 503 with Retry-After', async (_call, arrange) => {
    arrange();

    const result = await post();

    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'retry-after': '5' });
    expect(bodyOf(result)).toEqual({ message: expect.stringContaining('send'), requestId: 'req-test-1' });
  });

  test('POST: throttling on UpdateStack is a 503', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cloudformation.on(UpdateStackCommand).rejects(THROTTLED());
    expect((await post()).statusCode).toBe(503);
  });

  test.each([
    ['GET /pipelines', 'GET', '/pipelines', () => cloudformation.on(ListStacksCommand).rejects(THROTTLED())],
    ['GET /pipelines/{name}', 'GET', '/pipelines/churn', () => cloudformation.on(DescribeStacksCommand).rejects(THROTTLED())],
    ['DELETE /pipelines/{name} (DescribeStacks)', 'DELETE', '/pipelines/churn', () => cloudformation.on(DescribeStacksCommand).rejects(THROTTLED())],
    ['DELETE /pipelines/{name} (DeleteStack)', 'DELETE', '/pipelines/churn', () => {
      cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
      cloudformation.on(DeleteStackCommand).rejects(THROTTLED());
    }],
  ])('%s: throttling is a 503', async (_what, method, path, arrange) => {
    arrange();
    const result = await handleApiRequest(apiEvent(method, path), deps);
    expect(result.statusCode).toBe(503);
    expect(result.headers).toMatchObject({ 'retry-after': '5' });
  });

  test('AccessDenied is a 500 with the request ID, logged, with no AWS message or stack trace in the answer', async () => {
    const denied = awsError('AccessDenied', 'User: arn:aws:sts::123456789012:assumed-role/x is not authorized to perform: cloudformation:CreateStack');
    cloudformation.on(CreateStackCommand).rejects(denied);
    const logged = jest.spyOn(LOGGER, 'error').mockImplementation(() => undefined);

    try {
      const result = await post();

      expect(result.statusCode).toBe(500);
      expect(bodyOf(result)).toEqual({
        message: 'The provisioning API failed unexpectedly; quote request ID req-test-1 to the platform team',
        requestId: 'req-test-1',
      });
      expect(result.body).not.toMatch(/arn:|at .*\.ts|not authorized/);
      expect(logged).toHaveBeenCalledWith('Request failed', expect.objectContaining({ requestId: 'req-test-1', status: 500, error: denied }));
    } finally {
      logged.mockRestore();
    }
  });

  test('AccessDenied on HeadObject is a 500, never taken for a missing object', async () => {
    s3.on(HeadObjectCommand).rejects(awsError('Forbidden', 'Forbidden', 403));
    const result = await post();
    expect(result.statusCode).toBe(500);
    expectNoWrites();
  });

  test('a missing object is a 422 and no stack is even looked up', async () => {
    s3.on(HeadObjectCommand).rejects(awsError('NotFound', 'Not Found', 404));
    const result = await post();
    expect(result.statusCode).toBe(422);
    expect(cloudformation.calls()).toHaveLength(0);
  });

  describe('a batch environment\'s input prefix', () => {
    const BATCH_REQUEST = churnRequest({ environments: [{ name: 'dev' }, { name: 'scoring', batch: { input: 'churn/batch/in/', output: 'churn/batch/out/' } }] });

    test('is listed (one key), and with an object under it the request goes on', async () => {
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'churn/batch/in/part-1.csv' }], KeyCount: 1 });
      expect((await post(BATCH_REQUEST)).statusCode).toBe(202);
      expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'assets', Prefix: 'churn/batch/in/', MaxKeys: 1 });
    });

    test('with nothing under it is a 422 at its path and no stack is even looked up', async () => {
      s3.on(ListObjectsV2Command).resolves({ KeyCount: 0 });
      const result = await post(BATCH_REQUEST);
      expect(result.statusCode).toBe(422);
      expect(bodyOf(result).problems).toEqual([
        { path: 'environments[1].batch.input', message: 'no object in the assets bucket has a key starting with s3://assets/churn/batch/in/' },
      ]);
      expect(cloudformation.calls()).toHaveLength(0);
    });

    test('throttled while listed is a 503 with Retry-After, nothing written', async () => {
      s3.on(ListObjectsV2Command).rejects(awsError('SlowDown', 'Please reduce your request rate.', 503));
      const result = await post(BATCH_REQUEST);
      expect(result.statusCode).toBe(503);
      expect(result.headers).toMatchObject({ 'retry-after': '5' });
      expectNoWrites();
    });

    test('AccessDenied while listed is a 500, never taken for an empty prefix', async () => {
      s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 'Access Denied', 403));
      const result = await post(BATCH_REQUEST);
      expect(result.statusCode).toBe(500);
      expectNoWrites();
    });
  });
});

describe('status', () => {
  const OUTPUTS = [
    { OutputKey: 'Pipeline', OutputValue: 'churn-pipeline' },
    { OutputKey: 'Env1', OutputValue: 'dev' },
    { OutputKey: 'Env1Endpoint', OutputValue: 'churn-dev' },
    { OutputKey: 'Env1InferenceUrl', OutputValue: 'https://dev.example/invocations' },
    { OutputKey: 'Env2', OutputValue: 'prod' },
    { OutputKey: 'Env2Endpoint', OutputValue: 'churn-prod' },
  ];

  function get() {
    return handleApiRequest(apiEvent('GET', '/pipelines/churn'), deps);
  }

  beforeEach(() => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE', { Outputs: OUTPUTS, StackStatusReason: 'done' })] });
    codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [{ pipelineExecutionId: 'exec-9', status: 'Failed' }] });
    codepipeline.on(GetPipelineStateCommand).resolves({
      stageStates: [
        { stageName: 'Source', latestExecution: { status: 'Succeeded', pipelineExecutionId: 'exec-9' }, actionStates: [{ latestExecution: { status: 'Succeeded', lastStatusChange: new Date('2026-11-28T10:00:00Z'), summary: 'v7' } }] },
        {
          stageName: 'Deploy-dev',
          latestExecution: { status: 'Failed', pipelineExecutionId: 'exec-9' },
          actionStates: [
            { latestExecution: { status: 'Succeeded', lastStatusChange: new Date('2026-11-28T10:05:00Z') } },
            { latestExecution: { status: 'Failed', lastStatusChange: new Date('2026-11-28T10:09:00Z'), errorDetails: { message: 'Endpoint churn-dev failed' } } },
          ],
        },
        { stageName: 'Deploy-prod' },
      ],
    });
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'churn-dev' }).resolves({ EndpointStatus: 'InService' });
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'churn-prod' }).rejects(awsError('ValidationException', 'Could not find endpoint "churn-prod".'));
  });

  test('stages with their latest status, time and failure; endpoints; missing outputs read as absent', async () => {
    const result = await get();

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({
      name: 'churn',
      stackName: 'mlops-churn',
      stackId: STACK_ID,
      stackStatus: 'UPDATE_COMPLETE',
      stackStatusReason: 'done',
      pipeline: {
        name: 'churn-pipeline',
        latestExecution: { id: 'exec-9', status: 'Failed' },
        stages: [
          { name: 'Source', status: 'Succeeded', updatedAt: '2026-11-28T10:00:00.000Z', message: 'v7' },
          { name: 'Deploy-dev', status: 'Failed', updatedAt: '2026-11-28T10:09:00.000Z', message: 'Endpoint churn-dev failed' },
          { name: 'Deploy-prod', status: 'NotStarted' },
        ],
      },
      environments: [
        { name: 'dev', kind: 'endpoint', endpointName: 'churn-dev', endpointStatus: 'InService', inferenceUrl: 'https://dev.example/invocations' },
        { name: 'prod', kind: 'endpoint', endpointName: 'churn-prod', endpointStatus: 'NotCreated', inferenceUrl: null },
      ],
      links: { self: '/pipelines/churn' },
    });
  });

  test('a pipeline CodePipeline does not know (yet) is null, and its state is not asked for', async () => {
    codepipeline.on(ListPipelineExecutionsCommand).rejects(awsError('PipelineNotFoundException', 'Account does not have a pipeline with name churn-pipeline'));
    const result = await get();
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result).pipeline).toBeNull();
    expect(codepipeline).not.toHaveReceivedCommand(GetPipelineStateCommand);
  });

  test('a pipeline that never ran has no latest execution', async () => {
    codepipeline.on(ListPipelineExecutionsCommand).resolves({ pipelineExecutionSummaries: [] });
    codepipeline.on(GetPipelineStateCommand).resolves({ stageStates: [] });
    expect(bodyOf(await get()).pipeline).toEqual({ name: 'churn-pipeline', latestExecution: null, stages: [] });
  });

  test('a stack being created, without outputs yet, reads as no pipeline and no environments', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_IN_PROGRESS')] });
    const body = bodyOf(await get());
    expect(body).toMatchObject({ stackStatus: 'CREATE_IN_PROGRESS', pipeline: null, environments: [] });
    expect(codepipeline.calls()).toHaveLength(0);
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('an environment slot with only some outputs is still shown', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_IN_PROGRESS', { Outputs: [{ OutputKey: 'Env1InferenceUrl', OutputValue: 'https://x' }] })] });
    expect(bodyOf(await get()).environments).toEqual([{ name: 'environment 1', kind: 'endpoint', endpointName: null, endpointStatus: 'NotCreated', inferenceUrl: 'https://x' }]);
  });

  test('a batch environment has no endpoint to describe: its output location instead', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({
      Stacks: [stack('CREATE_COMPLETE', {
        Outputs: [
          { OutputKey: 'Env1', OutputValue: 'dev' },
          { OutputKey: 'Env1Endpoint', OutputValue: 'churn-dev' },
          { OutputKey: 'Env1InferenceUrl', OutputValue: 'https://dev.example/invocations' },
          { OutputKey: 'Env2', OutputValue: 'scoring' },
          { OutputKey: 'Env2OutputUri', OutputValue: 's3://mlops-assets/scoring/output/' },
        ],
      })],
    });
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService' });
    expect(bodyOf(await get()).environments).toEqual([
      { name: 'dev', kind: 'endpoint', endpointName: 'churn-dev', endpointStatus: 'InService', inferenceUrl: 'https://dev.example/invocations' },
      { name: 'scoring', kind: 'batch', outputUri: 's3://mlops-assets/scoring/output/' },
    ]);
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 1);
  });

  test.each([
    ['throttling is a 503', THROTTLED(), 503],
    ['AccessDenied is a 500', awsError('AccessDeniedException', 'not authorized'), 500],
  ])('DescribeEndpoint %s', async (_what, error, status) => {
    sagemaker.on(DescribeEndpointCommand, { EndpointName: 'churn-dev' }).rejects(error);
    expect((await get()).statusCode).toBe(status);
  });

  test('throttling on GetPipelineState is a 503', async () => {
    codepipeline.on(GetPipelineStateCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect((await get()).statusCode).toBe(503);
  });
});

describe('list and delete', () => {
  test('GET /pipelines reads every page and keeps live stacks with the prefix only', async () => {
    cloudformation.on(ListStacksCommand)
      .resolvesOnce({
        StackSummaries: [
          { StackName: 'mlops-b', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z'), LastUpdatedTime: new Date('2026-11-02T00:00:00Z') },
          { StackName: 'other-stack', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z') },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        StackSummaries: [
          { StackName: 'mlops-a', StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date('2026-11-03T00:00:00Z') },
          { StackName: 'mlops-', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date('2026-11-01T00:00:00Z') },
        ],
      });

    const result = await handleApiRequest(apiEvent('GET', '/pipelines'), deps);

    expect(bodyOf(result)).toEqual({
      pipelines: [
        { name: 'a', stackName: 'mlops-a', stackStatus: 'CREATE_IN_PROGRESS', updatedAt: '2026-11-03T00:00:00.000Z' },
        { name: 'b', stackName: 'mlops-b', stackStatus: 'UPDATE_COMPLETE', updatedAt: '2026-11-02T00:00:00.000Z' },
      ],
    });
    const calls = cloudformation.commandCalls(ListStacksCommand);
    expect(calls[1].args[0].input.NextToken).toBe('page-2');
    expect(calls[0].args[0].input.StackStatusFilter).not.toContain('DELETE_COMPLETE');
  });

  test('DELETE deletes by stack ID with the role and a token per stack', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });

    const result = await handleApiRequest(apiEvent('DELETE', '/pipelines/churn'), deps);

    expect(result.statusCode).toBe(202);
    expect(cloudformation).toHaveReceivedCommandWith(DeleteStackCommand, {
      StackName: STACK_ID,
      RoleARN: SETTINGS.cloudFormationRoleArn,
      ClientRequestToken: expect.stringMatching(/^mlops-delete-[0-9a-f]{48}$/),
    });
  });

  test('DELETE of a stack already being deleted is a 202 without another DeleteStack', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('DELETE_IN_PROGRESS')] });
    const result = await handleApiRequest(apiEvent('DELETE', '/pipelines/churn'), deps);
    expect(result.statusCode).toBe(202);
    expect(cloudformation).not.toHaveReceivedCommand(DeleteStackCommand);
  });

  test('DELETE refused mid-update is a 409', async () => {
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_IN_PROGRESS')] });
    cloudformation.on(DeleteStackCommand).rejects(awsError('ValidationError', `Stack [${STACK_ID}] cannot be deleted while in status UPDATE_IN_PROGRESS`));
    const result = await handleApiRequest(apiEvent('DELETE', '/pipelines/churn'), deps);
    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toMatchObject({ stackStatus: 'UPDATE_IN_PROGRESS', message: expect.stringContaining('cannot be deleted now') });
  });
});

test('a valid request the blueprint cannot provision (no GPU image of the framework) is a 400 at its path, with no AWS call', async () => {
  const gpu = churnRequest({ image: { framework: 'sklearn', version: '1.2-1' }, environments: [{ name: 'dev' }, { name: 'prod', instanceType: 'ml.g5.xlarge' }] });
  const v1 = v1Body({ model_framework: 'sklearn', model_framework_version: '1.2-1', inference_instance: 'ml.g5.xlarge' });

  const result = await post(gpu);
  const v1Result = await handleApiRequest(apiEvent('POST', '/provisionpipeline', v1), deps);

  expect(result.statusCode).toBe(400);
  expect(bodyOf(result).problems).toEqual([{ path: 'environments[1]', message: expect.stringContaining('gpu') }]);
  expect(v1Result.statusCode).toBe(400);
  expect(bodyOf(v1Result).problems).toEqual([{ path: 'inference_instance', message: expect.stringContaining('gpu') }]);
  expect(cloudformation.calls()).toHaveLength(0);
  expect(s3.calls()).toHaveLength(0);
});

test('an unexpected error that is no AWS error is a 500 without its message', async () => {
  const broken: ApiDeps = { ...deps, settings: { ...SETTINGS, blueprintUrls: {} } };
  const result = await handleApiRequest(apiEvent('POST', '/pipelines', REQUEST), broken);
  expect(result.statusCode).toBe(500);
  expect(result.body).not.toContain('No blueprint');
  expectNoWrites();
});
