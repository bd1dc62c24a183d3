import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { cfnEvent, DEV, deleteToCompletion, PROD } from './cleanup-fixtures';
import type { CleanupEnvironment } from '../../../src/contract/cleanup-settings';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { handler } from '../../../src/runtime/handlers/cleanup.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { cleanupRole } from '../../aws-contracts/worlds/cleanup-world';
import { setDescribesUntilReady } from '../../harness/moto-server';
import { ownMotoServer } from '../../harness/own-moto-server';

checkHandlerCallsAs(cleanupRole('none'));

/**
 * A whole stack deletion against moto (extended by the harness's launcher so
 * endpoints are Creating for a few describes and refuse deletion meanwhile).
 * This file resets the emulator between tests, so it runs its own server
 * rather than the suite's shared one.
 */
const moto = ownMotoServer();
let sagemaker: SageMakerClient;
let autoscaling: ApplicationAutoScalingClient;

const ROLE = 'arn:aws:iam::123456789012:role/churn-sagemaker';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
/** Another pipeline's environment whose names start the same way: it must survive. */
const NEIGHBOUR: CleanupEnvironment = { endpointName: 'churn-dev-eu', releasePrefix: 'churn-dev-eu', variantName: 'AllTraffic' };
const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

beforeAll(() => {
  sagemaker = new SageMakerClient({});
  autoscaling = new ApplicationAutoScalingClient({});
});

beforeEach(async () => {
  await setDescribesUntilReady(moto.endpoint, 2);
});

/** A release's model and endpoint config, as the deploy handler names them. */
async function createRelease(env: CleanupEnvironment, executionId: string): Promise<string> {
  const name = releaseName(env.releasePrefix, releaseId(executionId));
  await sagemaker.send(new CreateModelCommand({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } }));
  await sagemaker.send(new CreateEndpointConfigCommand({
    EndpointConfigName: name,
    ProductionVariants: [{ VariantName: env.variantName, ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
  }));
  return name;
}

/** Two releases and an endpoint serving the newer one. */
async function createEnvironment(env: CleanupEnvironment): Promise<void> {
  await createRelease(env, `${env.endpointName}-exec-1`);
  const serving = await createRelease(env, `${env.endpointName}-exec-2`);
  await sagemaker.send(new CreateEndpointCommand({ EndpointName: env.endpointName, EndpointConfigName: serving }));
}

async function waitUntilInService(name: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const { EndpointStatus } = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
    if (EndpointStatus === 'InService') return;
  }
  throw new Error(`${name} never reached InService`);
}

async function registerScaling(env: CleanupEnvironment): Promise<void> {
  await autoscaling.send(new RegisterScalableTargetCommand({
    ServiceNamespace: 'sagemaker',
    ResourceId: `endpoint/${env.endpointName}/variant/${env.variantName}`,
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: 1,
    MaxCapacity: 4,
  }));
}

async function modelNames(): Promise<string[]> {
  return ((await sagemaker.send(new ListModelsCommand({}))).Models ?? []).map((m) => m.ModelName!).sort();
}
async function configNames(): Promise<string[]> {
  return ((await sagemaker.send(new ListEndpointConfigsCommand({}))).EndpointConfigs ?? []).map((c) => c.EndpointConfigName!).sort();
}
async function endpointNames(): Promise<string[]> {
  return ((await sagemaker.send(new ListEndpointsCommand({}))).Endpoints ?? []).map((e) => e.EndpointName!).sort();
}
async function scalableResourceIds(): Promise<string[]> {
  return ((await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }))).ScalableTargets ?? []).map((t) => t.ResourceId!).sort();
}

test('deleting the stack removes every endpoint, release config, release model and scaling registration of its environments, and nothing else', async () => {
  // dev serves and scales; prod's endpoint is still Creating when the deletion starts.
  await createEnvironment(DEV);
  await waitUntilInService(DEV.endpointName);
  await registerScaling(DEV);
  await createEnvironment(PROD);
  // Names that contain a prefix without being its releases.
  await createEnvironment(NEIGHBOUR);
  await waitUntilInService(NEIGHBOUR.endpointName);
  await registerScaling(NEIGHBOUR);
  await sagemaker.send(new CreateModelCommand({ ModelName: 'churn-dev-manual', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE } }));
  const neighbourModels = (await modelNames()).filter((n) => n.startsWith('churn-dev-eu') || n === 'churn-dev-manual');
  const neighbourConfigs = (await configNames()).filter((n) => n.startsWith('churn-dev-eu'));
  expect(neighbourModels).toHaveLength(3);
  expect(neighbourConfigs).toHaveLength(2);

  const { polls } = await deleteToCompletion(handler, cfnEvent('Delete', [DEV, PROD]));

  // prod was waited for (not failed) while Creating, so it took more than one check.
  expect(polls.length).toBeGreaterThan(2);
  expect(polls.slice(0, -1).every((p) => !p.IsComplete)).toBe(true);
  expect(await endpointNames()).toEqual([NEIGHBOUR.endpointName]);
  expect(await configNames()).toEqual(neighbourConfigs);
  expect(await modelNames()).toEqual(neighbourModels);
  expect(await scalableResourceIds()).toEqual([`endpoint/${NEIGHBOUR.endpointName}/variant/AllTraffic`]);
});

test('an endpoint that is Creating when the deletion starts is waited for, then deleted', async () => {
  await createEnvironment(PROD);
  const request = cfnEvent('Delete', [PROD]);
  const onEvent = await handler(request);
  const merged = { ...request, ...onEvent } as typeof request;

  // Creating: SageMaker would refuse the delete, so the handler does not try.
  expect(await handler(merged)).toEqual({ IsComplete: false });
  expect(await endpointNames()).toEqual([PROD.endpointName]);

  const { polls } = await deleteToCompletion(handler, request);
  expect(polls[polls.length - 1]).toEqual({ IsComplete: true });
  expect(await endpointNames()).toEqual([]);
  expect(await configNames()).toEqual([]);
  expect(await modelNames()).toEqual([]);
});

test('releases left without an endpoint (a first release that never got one) are removed too', async () => {
  await createRelease(DEV, 'exec-orphan');
  const { polls } = await deleteToCompletion(handler, cfnEvent('Delete', [DEV]));
  expect(polls).toEqual([{ IsComplete: true }]);
  expect(await modelNames()).toEqual([]);
  expect(await configNames()).toEqual([]);
});

test('a pipeline that never released is deleted at the first check', async () => {
  const { polls } = await deleteToCompletion(handler, cfnEvent('Delete', [DEV, PROD]));
  expect(polls).toEqual([{ IsComplete: true }]);
});

test('creating and updating the resource leave SageMaker as it is', async () => {
  await createEnvironment(DEV);
  const before = { endpoints: await endpointNames(), configs: await configNames(), models: await modelNames() };
  for (const request of [cfnEvent('Create'), cfnEvent('Update')]) {
    const onEvent = await handler(request);
    expect(await handler({ ...request, ...onEvent } as typeof request)).toEqual({ IsComplete: true });
  }
  expect({ endpoints: await endpointNames(), configs: await configNames(), models: await modelNames() }).toEqual(before);
});
