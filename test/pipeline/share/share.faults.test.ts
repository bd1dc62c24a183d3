import 'aws-sdk-client-mock-jest';
import { APIGatewayClient, GetRestApisCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from '../../../src/contract/share-settings';
import { CodePipelineJob } from '../../../src/runtime/codepipeline-job';
import { handler, readShareSettings, runShareJob } from '../../../src/runtime/handlers/share.lambda';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';
import { codePipelineEvent } from '../deploy/deploy-fixtures';

const SHARE_CLIENTS = { sagemaker: SageMakerClient, ssm: SSMClient, apigateway: APIGatewayClient };
const { sagemaker, ssm, codepipeline, apigateway } = mockedClients({ ...SHARE_CLIENTS, codepipeline: CodePipelineClient });
const clients = clientsIn(SHARE_CLIENTS);

const SETTINGS: ShareSettings = {
  pipelineName: 'churn-mlops',
  environments: { dev: { endpointName: 'churn-dev', parameterName: '/cfn/DevRelease', api: { restApiId: 'api123', restApiName: 'churn-dev-inference', stageName: 'v1' } } },
};
const CONFIG = 'churn-dev-r0123456789';
const NOW = new Date('2025-01-02T03:04:05.000Z');

function userParameters(overrides: Record<string, unknown> = {}) {
  return {
    environment: 'dev',
    executionId: 'exec-1',
    endpointName: 'churn-dev',
    endpointConfigName: CONFIG,
    modelName: CONFIG,
    imageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    ...overrides,
  };
}

function job(overrides: Record<string, unknown> = {}, continuationToken?: string): CodePipelineJob {
  return { id: 'job-1', userParameters: userParameters(overrides), continuationToken };
}

function writtenRecord(): any {
  return JSON.parse(ssm.commandCalls(PutParameterCommand)[0].args[0].input.Value!);
}

beforeEach(() => {
  apigateway.on(UpdateStageCommand).resolves({});
  sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService', EndpointConfigName: CONFIG });
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '{"shared":false}' } });
  ssm.on(PutParameterCommand).resolves({ Version: 2 });
});

describe('share handler', () => {
  test('records the release with every field in the environment\'s parameter and succeeds', async () => {
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);

    expect(sagemaker).toHaveReceivedCommandWith(DescribeEndpointCommand, { EndpointName: 'churn-dev' });
    expect(ssm).toHaveReceivedCommandWith(PutParameterCommand, { Name: '/cfn/DevRelease', Type: 'String', Overwrite: true });
    expect(writtenRecord()).toEqual({
      shared: true,
      environment: 'dev',
      endpointName: 'churn-dev',
      endpointConfigName: CONFIG,
      modelName: CONFIG,
      image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      pipelineExecutionId: 'exec-1',
      sharedAt: '2025-01-02T03:04:05.000Z',
    });
    expect(outcome).toEqual({
      kind: 'succeeded',
      message: `Shared release ${CONFIG} to dev (endpoint churn-dev)`,
      outputVariables: { SharedAt: '2025-01-02T03:04:05.000Z', ReleaseParameter: '/cfn/DevRelease' },
    });
  });

  test('a later release records the release it replaces', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ shared: true, endpointConfigName: 'churn-dev-rold', pipelineExecutionId: 'exec-0' }) } });
    await runShareJob(job(), SETTINGS, clients, NOW);
    expect(writtenRecord()).toMatchObject({ endpointConfigName: CONFIG, previousEndpointConfigName: 'churn-dev-rold' });
  });

  test('fails, naming the endpoint and its status, when the endpoint is not InService', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Updating', EndpointConfigName: CONFIG });
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toEqual({ kind: 'failed', message: `Share to dev failed: Endpoint churn-dev is Updating, not InService; release ${CONFIG} was not shared` });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  test('fails with SageMaker\'s reason when the endpoint is Failed', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'Failed', EndpointConfigName: CONFIG, FailureReason: 'ping health check failed' });
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringContaining('Endpoint churn-dev is Failed, not InService: ping health check failed') });
  });

  test('fails when the endpoint serves another config than the one being shared', async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: 'InService', EndpointConfigName: 'churn-dev-rother' });
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringContaining(`Endpoint churn-dev serves churn-dev-rother, not ${CONFIG}`) });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  test('fails when the endpoint does not exist', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringContaining('Endpoint churn-dev does not exist') });
  });

  test('throttling asks CodePipeline to call again, and the next call completes the share', async () => {
    sagemaker.on(DescribeEndpointCommand)
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ EndpointStatus: 'InService', EndpointConfigName: CONFIG });
    const first = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(first).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: '{"phase":"sharing"}' });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);

    const second = await runShareJob(job({}, '{"phase":"sharing"}'), SETTINGS, clients, NOW);
    expect(second.kind).toBe('succeeded');
  });

  test('a throttled SSM write is retried through a continuation too', async () => {
    ssm.on(PutParameterCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome.kind).toBe('in-progress');
  });

  test('a CodePipeline retry of a finished share succeeds without rewriting the record or its time', async () => {
    const recorded = { shared: true, environment: 'dev', endpointConfigName: CONFIG, pipelineExecutionId: 'exec-1', sharedAt: '2025-01-01T00:00:00.000Z' };
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify(recorded) } });
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'succeeded', message: `Release ${CONFIG} was already shared to dev at 2025-01-01T00:00:00.000Z`, outputVariables: { SharedAt: '2025-01-01T00:00:00.000Z' } });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  test('an unreadable or missing record counts as nothing shared yet', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'not json' } });
    expect((await runShareJob(job(), SETTINGS, clients, NOW)).kind).toBe('succeeded');
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', 'missing'));
    expect((await runShareJob(job(), SETTINGS, clients, NOW)).kind).toBe('succeeded');
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 2);
  });

  test('access denied fails the job with the error', async () => {
    ssm.on(PutParameterCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform ssm:PutParameter'));
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toEqual({ kind: 'failed', message: 'AccessDeniedException: not authorized to perform ssm:PutParameter' });
  });

  test('fails clearly on an unknown environment, a foreign endpoint, or a missing parameter', async () => {
    expect(await runShareJob(job({ environment: 'prod' }), SETTINGS, clients)).toEqual({ kind: 'failed', message: 'Environment "prod" is not one of this pipeline\'s (dev)' });
    expect(await runShareJob(job({ endpointName: 'churn-prod' }), SETTINGS, clients)).toEqual({
      kind: 'failed', message: 'UserParameters.endpointName "churn-prod" is not environment dev\'s endpoint churn-dev',
    });
    expect(await runShareJob(job({ endpointConfigName: '' }), SETTINGS, clients)).toEqual({ kind: 'failed', message: 'UserParameters.endpointConfigName must be a non-empty string' });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeEndpointCommand);
  });

  test('the image is optional', async () => {
    await runShareJob(job({ imageUri: undefined }), SETTINGS, clients, NOW);
    expect(writtenRecord().image).toBeUndefined();
  });
});

describe('share handler entry point', () => {
  beforeEach(() => {
    process.env[SHARE_SETTINGS_VARIABLE] = JSON.stringify(SETTINGS);
    codepipeline.on(PutJobSuccessResultCommand).resolves({});
    codepipeline.on(PutJobFailureResultCommand).resolves({});
  });
  afterEach(() => {
    delete process.env[SHARE_SETTINGS_VARIABLE];
  });

  test('reports success to CodePipeline with the output variables', async () => {
    await handler(codePipelineEvent(userParameters()));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-1', outputVariables: expect.objectContaining({ ReleaseParameter: '/cfn/DevRelease' }) });
  });

  test('reports a continuation token on throttling', async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await handler(codePipelineEvent(userParameters()));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-1', continuationToken: '{"phase":"sharing"}' });
  });

  test('reports a failure for bad UserParameters or missing settings', async () => {
    await handler(codePipelineEvent('not json'));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, { jobId: 'job-1', failureDetails: { type: 'JobFailed', message: 'The action\'s UserParameters are not a JSON object' } });
    delete process.env[SHARE_SETTINGS_VARIABLE];
    await handler(codePipelineEvent(userParameters()));
    expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, { failureDetails: { type: 'JobFailed', message: `The share handler has no ${SHARE_SETTINGS_VARIABLE} environment variable` } });
  });

  test('throws for an event that is not a CodePipeline job', async () => {
    await expect(handler({} as any)).rejects.toThrow(/not a CodePipeline job/);
  });

  test('settings that are not JSON are a configuration error', () => {
    expect(() => readShareSettings({ [SHARE_SETTINGS_VARIABLE]: '{' })).toThrow(`${SHARE_SETTINGS_VARIABLE} is not valid JSON`);
  });
});

describe('share handler: making the API live', () => {
  test('points the API\'s stage at the endpoint before recording the release', async () => {
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);

    expect(outcome).toMatchObject({ kind: 'succeeded' });
    expect(apigateway).toHaveReceivedCommandWith(UpdateStageCommand, {
      restApiId: 'api123',
      stageName: 'v1',
      patchOperations: [{ op: 'replace', path: '/variables/endpoint', value: 'churn-dev' }],
    });
    expect(apigateway).not.toHaveReceivedCommand(GetRestApisCommand);
  });

  test('a retry of a share whose record is there makes the API live again (the first try may have failed in between)', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ shared: true, pipelineExecutionId: 'exec-1', endpointConfigName: CONFIG, sharedAt: 'then' }) } });
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'succeeded', message: expect.stringMatching(/already shared/) });
    expect(apigateway).toHaveReceivedCommandTimes(UpdateStageCommand, 1);
  });

  test('finds an API in another account by its name, across pages', async () => {
    apigateway.on(GetRestApisCommand)
      .resolvesOnce({ items: [{ id: 'other', name: 'churn-staging-inference' }], position: 'page-2' })
      .resolvesOnce({ items: [{ id: 'prod123', name: 'churn-prod-inference' }] });
    const settings: ShareSettings = {
      pipelineName: 'churn-mlops',
      environments: { dev: { endpointName: 'churn-dev', parameterName: '/cfn/DevRelease', api: { restApiName: 'churn-prod-inference', stageName: 'v1' } } },
    };
    await runShareJob(job(), settings, clients, NOW);
    expect(apigateway).toHaveReceivedNthCommandWith(2, GetRestApisCommand, { limit: 500, position: 'page-2' });
    expect(apigateway).toHaveReceivedCommandWith(UpdateStageCommand, { restApiId: 'prod123' });
  });

  test('an API that is not there fails the share, saying which stack to deploy, and records nothing', async () => {
    apigateway.on(GetRestApisCommand).resolves({ items: [] });
    const settings: ShareSettings = {
      pipelineName: 'churn-mlops',
      environments: { dev: { endpointName: 'churn-dev', parameterName: '/cfn/DevRelease', api: { restApiName: 'churn-prod-inference', stageName: 'v1' } } },
    };
    const outcome = await runShareJob(job(), settings, clients, NOW);
    expect(outcome).toEqual({ kind: 'failed', message: expect.stringContaining('Inference API churn-prod-inference does not exist: deploy the environment\'s MlopsEnvironmentAccess stack first') });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  test('a throttled stage update is retried through a continuation, and nothing is recorded yet', async () => {
    apigateway.on(UpdateStageCommand).rejects(awsError('TooManyRequestsException', 'Too Many Requests', 429));
    const outcome = await runShareJob(job(), SETTINGS, clients, NOW);
    expect(outcome).toMatchObject({ kind: 'in-progress' });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });
});
