import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { testJob } from './tests-fixtures';
import { TestSuiteSpec } from '../../../src/pipeline/tests/test-spec';
import { IntegrationTestClients, runTestJob } from '../../../src/runtime/integration-tests';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { MotoServer, resetMoto, setDescribesUntilReady, startMotoServer } from '../../harness/moto-server';

/**
 * Test runs against moto: moto's SageMaker runtime answers InvokeEndpoint
 * with canned bodies, the harness's launcher moves UpdateEndpoint through
 * Updating to InService. This file resets the emulator, so it runs its own server.
 */
let moto: MotoServer;
let clients: IntegrationTestClients & { sagemaker: SageMakerClient; ssm: SSMClient };

const OLD = 'churn-dev-rold0000000';
const NEW = 'churn-dev-rnew0000000';
const SUITE: TestSuiteSpec = {
  requests: [{ name: 'score high', body: '{"features":[1,2,3]}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.predictions[0].score', min: 0.5 }] }],
};

beforeAll(async () => {
  moto = await startMotoServer();
  const config = { endpoint: moto.endpoint, region: 'us-east-1' };
  clients = { runtime: new SageMakerRuntimeClient(config), sagemaker: new SageMakerClient(config), ssm: new SSMClient(config) };
});

afterAll(async () => {
  await moto?.stop();
});

/** Queues the bodies moto's runtime answers with, in order. */
async function cannedResponses(bodies: unknown[]): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'us-east-1', results: bodies.map((b) => ({ Body: JSON.stringify(b), ContentType: 'application/json' })) }),
  });
  expect(response.ok).toBe(true);
}

async function waitInService(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const d = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
    if (d.EndpointStatus === 'InService') return;
  }
  throw new Error('endpoint never InService');
}

/** The endpoint served OLD, then a release moved it to NEW: the state a Test stage starts from. */
async function releasedEndpoint(): Promise<void> {
  for (const name of [OLD, NEW]) {
    await clients.sagemaker.send(new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/churn-dev-sagemaker',
      PrimaryContainer: { Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
    }));
    await clients.sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }));
  }
  await clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: OLD }));
  await waitInService();
  await clients.sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: NEW }));
  await waitInService();
  await clients.ssm.send(new PutParameterCommand({ Name: '/tests/dev', Type: 'String', Value: JSON.stringify(SUITE) }));
}

const job = (previousConfig = OLD) => testJob({ endpointConfigName: NEW, previousConfig });

beforeEach(async () => {
  await resetMoto(moto.endpoint);
  await setDescribesUntilReady(moto.endpoint, 2);
  await releasedEndpoint();
});

test('passing tests: the job succeeds and the endpoint keeps the new release', async () => {
  await cannedResponses([{ predictions: [{ score: 0.9 }] }]);
  const { final } = await runActionToCompletion((j) => runTestJob(j, clients), job());
  expect(final).toEqual({ kind: 'succeeded', message: 'All 1 requests to churn-dev passed' });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: NEW });
});

test('failing tests: the endpoint is rolled back and ends InService on the previous config, through continuations', async () => {
  await cannedResponses([{ predictions: [{ score: 0.2 }] }]);
  const { final, steps } = await runActionToCompletion((j) => runTestJob(j, clients), job());
  expect(steps[0].outcome.message).toBe(`Tests failed; rolling endpoint churn-dev back from ${NEW} to ${OLD}`);
  expect(steps.length).toBeGreaterThanOrEqual(3);
  expect(final).toEqual({
    kind: 'failed',
    message: `Tests of dev failed: 1 of 1 requests failed: request "score high": $.predictions[0].score = 0.2, expected >= 0.5. Rolled back to ${OLD} (endpoint churn-dev)`,
  });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: OLD });
});

test('failing tests on a first release: no rollback, the endpoint keeps the release', async () => {
  await cannedResponses([{ predictions: [] }]);
  const { final } = await runActionToCompletion((j) => runTestJob(j, clients), job('none'));
  expect(final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\$\.predictions\[0\]\.score not found\. First release of dev: there is no earlier config to roll back to/) });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointConfigName: NEW });
});
