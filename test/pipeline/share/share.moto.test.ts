import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { NOT_SHARED_ENDPOINT, ShareSettings } from '../../../src/contract/share-settings';
import { runShareJob } from '../../../src/runtime/handlers/share.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { CHURN_NAMES, churnShare, churnWorld } from '../../aws-contracts/worlds/churn-world';
import { shareSettings } from '../../aws-contracts/worlds/handler-settings';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { createInferenceApiStage } from '../../fixtures/inference-api-stage';
import { setDescribesUntilReady } from '../../harness/moto-server';
import { ownMotoServer } from '../../harness/own-moto-server';

checkHandlerCallsAs(churnShare);

/**
 * The share step against moto: a real SageMaker endpoint lifecycle and a real
 * SSM parameter. This file resets the emulator, so it runs its own server.
 */
const moto = ownMotoServer();
let clients: { sagemaker: SageMakerClient; ssm: SSMClient; apigateway: APIGatewayClient };
let settings: ShareSettings;

const PARAMETER = CHURN_NAMES.devReleaseRecord;
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

beforeAll(() => {
  clients = { sagemaker: new SageMakerClient({}), ssm: new SSMClient({}), apigateway: new APIGatewayClient({}) };
});

beforeEach(async () => {
  // What CloudFormation creates with the InferenceApi.
  await clients.ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: '{"shared":false}', Type: 'String' }));
  // What CloudFormation creates with the InferenceApi: its stage names the placeholder until a share.
  // The API gets the ID the churn pipeline's dev API has, which its share role is granted.
  const apiId = shareSettings(churnWorld()).environments.dev.api.restApiId;
  const restApiId = await createInferenceApiStage(clients.apigateway, 'churn-dev-inference', 'v1', { endpoint: NOT_SHARED_ENDPOINT }, apiId);
  settings = {
    pipelineName: 'churn-mlops',
    environments: { dev: { endpointName: 'churn-dev', parameterName: PARAMETER, api: { restApiId, restApiName: 'churn-dev-inference', stageName: 'v1' } } },
  };
});

async function release(name: string, create: boolean): Promise<void> {
  await clients.sagemaker.send(new CreateModelCommand({
    ModelName: name,
    ExecutionRoleArn: 'arn:aws:iam::123456789012:role/churn-dev-sagemaker',
    PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://pipeline-artifacts/releases/churn-dev/model.tar.gz' },
  }));
  await clients.sagemaker.send(new CreateEndpointConfigCommand({
    EndpointConfigName: name,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
  }));
  if (create) {
    await clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: name }));
  }
}

function share(executionId: string, config: string) {
  const job = { id: `job-${executionId}`, userParameters: { environment: 'dev', executionId, endpointName: 'churn-dev', endpointConfigName: config, modelName: config, imageUri: IMAGE } };
  return runActionToCompletion((j) => runShareJob(j, settings, clients), job);
}

/** The endpoint the API's stage calls. */
async function apiTarget(): Promise<string | undefined> {
  const api = settings.environments.dev.api;
  const stage = await clients.apigateway.send(new GetStageCommand({ restApiId: api.restApiId, stageName: api.stageName }));
  return stage.variables?.endpoint;
}

async function record(): Promise<any> {
  const found = await clients.ssm.send(new GetParameterCommand({ Name: PARAMETER }));
  return JSON.parse(found.Parameter!.Value!);
}

test('shares an InService release: the API goes live on the endpoint and the parameter holds the release record', async () => {
  await setDescribesUntilReady(moto.endpoint, 0);
  await release('churn-dev-r0000000001', true);

  const { final } = await share('exec-1', 'churn-dev-r0000000001');

  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { ReleaseParameter: PARAMETER } });
  expect(await apiTarget()).toBe('churn-dev');
  expect(await record()).toEqual({
    shared: true,
    environment: 'dev',
    endpointName: 'churn-dev',
    endpointConfigName: 'churn-dev-r0000000001',
    modelName: 'churn-dev-r0000000001',
    image: IMAGE,
    pipelineExecutionId: 'exec-1',
    sharedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
  });
});

test('a retry of the same share leaves the record and its version alone', async () => {
  await setDescribesUntilReady(moto.endpoint, 0);
  await release('churn-dev-r0000000001', true);
  await share('exec-1', 'churn-dev-r0000000001');
  const before = await clients.ssm.send(new GetParameterCommand({ Name: PARAMETER }));

  const { final } = await share('exec-1', 'churn-dev-r0000000001');

  expect(final).toMatchObject({ kind: 'succeeded', message: expect.stringMatching(/already shared/) });
  const after = await clients.ssm.send(new GetParameterCommand({ Name: PARAMETER }));
  expect(after.Parameter!.Version).toBe(before.Parameter!.Version);
});

test('refuses to share while the endpoint is still Creating, and leaves the parameter "not shared"', async () => {
  await setDescribesUntilReady(moto.endpoint, 3);
  await release('churn-dev-r0000000001', true);

  const { final } = await share('exec-1', 'churn-dev-r0000000001');

  expect(final).toEqual({ kind: 'failed', message: 'Share to dev failed: Endpoint churn-dev is Creating, not InService; release churn-dev-r0000000001 was not shared' });
  expect(await record()).toEqual({ shared: false });
  expect(await apiTarget()).toBe(NOT_SHARED_ENDPOINT);
});

test('refuses to share a release that was never deployed', async () => {
  const { final } = await share('exec-1', 'churn-dev-r0000000001');
  expect(final).toMatchObject({ kind: 'failed', message: expect.stringContaining('Endpoint churn-dev does not exist') });
  expect(await record()).toEqual({ shared: false });
});
