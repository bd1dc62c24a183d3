import { DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { createMotoWorld, inferenceUrlOf, MotoWorld, releaseCleanupRequests, stackResources, uploadAsset } from './moto-world';
import { apiEvent, bodyOf } from './provision-fixtures';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { blueprintShapes, OUTPUTS, parseShape } from '../../../src/blueprint/blueprint-parameters';
import { monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { endpointNameFor, releasePrefixFor } from '../../../src/contract/naming';
import { handleApiRequest } from '../../../src/runtime/provisioning/api-handler';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';

// The provisioning API's function, acting as its role in the framework these names are deployed with.
checkHandlerCallsAs(() => world.framework.provision());

/**
 * One pipeline's life through the provisioning API on the real blueprint
 * (prebuilt-2): created with its outputs, read back by the status route,
 * updated, deleted. What the stack asked of the release clean-up (a Lambda
 * function of the framework stack, answered by the moto launcher) is read
 * from the launcher's record.
 */
let world: MotoWorld;
let ssm: SSMClient;

const NAME = 'lifecycle';
const DEV = endpointNameFor(NAME, 'dev');
const PROD = endpointNameFor(NAME, 'prod');

beforeAll(async () => {
  world = await createMotoWorld();
  ssm = new SSMClient({ endpoint: process.env.MOTO_ENDPOINT, region: 'us-east-1' });
  await uploadAsset(world, 'lifecycle/model.tar.gz');
});

afterAll(() => ssm?.destroy());

function request(devInstanceType: string): PipelineRequest {
  return {
    name: NAME,
    artifact: 'lifecycle/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: [
      {
        name: 'dev',
        instanceType: devInstanceType,
        tests: [{ name: 'smoke', body: '5.1,3.5,1.4,0.2', contentType: 'text/csv', expect: { status: 200, bodyContains: ['0.'] } }],
      },
      { name: 'prod', approval: true, instanceType: 'ml.m5.xlarge', instanceCount: 2 },
    ],
    notifications: { emails: ['ml-team@example.com'] },
  };
}

function call(method: string, path: string, body?: unknown) {
  return handleApiRequest(apiEvent(method, path, body), world.deps);
}

async function describe1(stackId: string): Promise<Stack> {
  return (await world.cloudformation.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks![0];
}

function outputs(stack: Stack): Record<string, string | undefined> {
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue]));
}

/** The stack's SSM parameters (unnamed in the blueprint: CloudFormation names them), by name, with their values. */
async function ssmParameters(stackId: string): Promise<Map<string, string>> {
  const names = (await stackResources(world, stackId))
    .filter((r) => r.ResourceType === 'AWS::SSM::Parameter')
    .map((r) => r.PhysicalResourceId!);
  const values = new Map<string, string>();
  for (const name of names) {
    values.set(name, (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter!.Value!);
  }
  return values;
}

/** The deploy handler's spec of one environment's releases (a parameter the deploy settings point at). */
function deploySpecOf(parameters: Map<string, string>, endpointName: string): { name: string; spec: any } {
  const found = [...parameters].flatMap(([name, value]) => {
    try {
      const spec = JSON.parse(value);
      return spec.endpointName === endpointName && 'instanceType' in spec ? [{ name, spec }] : [];
    } catch {
      return [];
    }
  });
  expect(found).toHaveLength(1);
  return found[0];
}

test('a two-environment pipeline is created with the blueprint\'s outputs, read back, updated and deleted', async () => {
  // Create.
  const created = await call('POST', '/pipelines', request('ml.m5.large'));
  expect(created.statusCode).toBe(202);
  const { stackId } = bodyOf(created);
  const stack = await describe1(stackId);
  expect(stack.StackStatus).toBe('CREATE_COMPLETE');
  const devUrl = await inferenceUrlOf(world, stackId, DEV);
  const prodUrl = await inferenceUrlOf(world, stackId, PROD);
  expect(devUrl).not.toBe(prodUrl);
  const env1 = OUTPUTS.environment(1);
  const env2 = OUTPUTS.environment(2);
  expect(outputs(stack)).toMatchObject({
    [OUTPUTS.pipeline]: `${world.stackPrefix}${NAME}`,
    [env1.name]: 'dev',
    [env1.endpointName]: DEV,
    [env1.inferenceUrl]: devUrl,
    [env2.name]: 'prod',
    [env2.endpointName]: PROD,
    [env2.inferenceUrl]: prodUrl,
  });
  expect(outputs(stack)).not.toHaveProperty(OUTPUTS.environment(3).name);

  // The request's choices reached the resources: dev's tests (a conditional
  // parameter prod, without tests, does not get) and each variant.
  const parameters = await ssmParameters(stackId);
  const testSuites = [...parameters.values()].filter((v) => v.startsWith('{"requests":'));
  expect(testSuites.map((v) => JSON.parse(v))).toEqual([
    { requests: [expect.objectContaining({ name: 'smoke', body: '5.1,3.5,1.4,0.2', contentType: 'text/csv', status: 200, bodyContains: ['0.'] })] },
  ]);
  const devSpec = deploySpecOf(parameters, DEV);
  expect(devSpec.spec).toMatchObject({ releasePrefix: releasePrefixFor(NAME, 'dev'), instanceType: 'ml.m5.large', initialInstanceCount: 1 });
  expect(deploySpecOf(parameters, PROD).spec).toMatchObject({ instanceType: 'ml.m5.xlarge', initialInstanceCount: 2 });

  const cleanupEnvironments = [
    { endpointName: DEV, releasePrefix: releasePrefixFor(NAME, 'dev'), variantName: 'AllTraffic' },
    { endpointName: PROD, releasePrefix: releasePrefixFor(NAME, 'prod'), variantName: 'AllTraffic' },
  ];
  const createdCleanup = await releaseCleanupRequests(stackId);
  expect(createdCleanup).toEqual([expect.objectContaining({
    requestType: 'Create',
    resourceProperties: expect.objectContaining({
      ServiceToken: world.deps.settings.sharedHandlers.cleanup.serviceToken,
      Environments: cleanupEnvironments,
    }),
  })]);

  // The status route: the stack's environments, in order, not deployed yet.
  const status = await call('GET', `/pipelines/${NAME}`);
  expect(status.statusCode).toBe(200);
  expect(bodyOf(status)).toMatchObject({
    name: NAME,
    stackId,
    stackStatus: 'CREATE_COMPLETE',
    environments: [
      { name: 'dev', kind: 'endpoint', endpointName: DEV, endpointStatus: 'NotCreated', inferenceUrl: devUrl },
      { name: 'prod', kind: 'endpoint', endpointName: PROD, endpointStatus: 'NotCreated', inferenceUrl: prodUrl },
    ],
  });

  // Update: dev's instance type changes the deploy spec in place; the rest stays.
  const updated = await call('POST', '/pipelines', request('ml.c5.xlarge'));
  expect(updated.statusCode).toBe(202);
  expect(bodyOf(updated)).toMatchObject({ stackId, status: 'UPDATE_IN_PROGRESS' });
  const afterUpdate = await describe1(stackId);
  expect(afterUpdate.StackStatus).toBe('UPDATE_COMPLETE');
  expect(outputs(afterUpdate)).toEqual(outputs(stack));
  const updatedParameters = await ssmParameters(stackId);
  expect(deploySpecOf(updatedParameters, DEV)).toEqual({ name: devSpec.name, spec: { ...devSpec.spec, instanceType: 'ml.c5.xlarge' } });
  expect([...updatedParameters.keys()].sort()).toEqual([...parameters.keys()].sort());
  // The clean-up's properties did not change, so CloudFormation did not call it.
  expect(await releaseCleanupRequests(stackId)).toEqual(createdCleanup);

  // Delete: the clean-up is asked to remove both environments' releases.
  const deleted = await call('DELETE', `/pipelines/${NAME}`);
  expect(deleted.statusCode).toBe(202);
  expect((await describe1(stackId)).StackStatus).toBe('DELETE_COMPLETE');
  expect((await releaseCleanupRequests(stackId)).map((r) => [r.requestType, r.resourceProperties.Environments])).toEqual([
    ['Create', cleanupEnvironments],
    ['Delete', cleanupEnvironments],
  ]);
  for (const name of parameters.keys()) {
    await expect(ssm.send(new GetParameterCommand({ Name: name }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  }
  expect((await call('GET', `/pipelines/${NAME}`)).statusCode).toBe(404);
});

/**
 * Every shipped shape, so a blueprint change moto cannot create (or the
 * launcher does not emulate) fails here rather than in the demo. The first
 * endpoint of each detects drift, so its conditional parts are created too;
 * the last environment of a batch shape is a batch environment.
 */
test.each(blueprintShapes())('the %s blueprint is created with an output per environment and deleted', async (shape) => {
  const { buildsImage, environments, batch } = parseShape(shape);
  const name = `shape-${shape}`;
  await uploadAsset(world, `${name}/model.tar.gz`);
  await uploadAsset(world, `${name}/train.csv`, 'label,x\n1,2\n');
  await uploadAsset(world, `${name}/input/part-1.csv`, '1,2\n');
  if (buildsImage) {
    await uploadAsset(world, `${name}/container.zip`);
  }
  const isBatch = (slot: number) => batch && slot === environments;
  const shaped: PipelineRequest = {
    name,
    artifact: `${name}/model.tar.gz`,
    image: buildsImage ? { containerSource: `${name}/container.zip` } : { framework: 'sklearn', version: '1.2-1' },
    environments: Array.from({ length: environments }, (_, i) => {
      const env = { name: `e${i + 1}`, approval: i > 0 };
      if (isBatch(i + 1)) {
        return { ...env, batch: { input: `${name}/input/`, output: `${name}/output/` } };
      }
      return i === 0 ? { ...env, monitoring: { baselineDataset: `${name}/train.csv`, frequency: 'daily' as const } } : env;
    }),
  };

  const created = await call('POST', '/pipelines', shaped);
  expect(created.statusCode).toBe(202);
  const { stackId } = bodyOf(created);
  const stack = await describe1(stackId);
  expect(stack.StackStatus).toBe('CREATE_COMPLETE');
  const expected: Record<string, string> = { [OUTPUTS.pipeline]: `${world.stackPrefix}${name}` };
  const statuses: unknown[] = [];
  for (let slot = 1; slot <= environments; slot++) {
    const out = OUTPUTS.environment(slot);
    const endpointName = endpointNameFor(name, `e${slot}`);
    expected[out.name] = `e${slot}`;
    if (isBatch(slot)) {
      expected[out.batchOutput] = `s3://${world.assetsBucket}/${name}/output/`;
      statuses.push({ name: `e${slot}`, kind: 'batch', outputUri: expected[out.batchOutput] });
      expect(outputs(stack)).not.toHaveProperty(out.inferenceUrl);
      continue;
    }
    expected[out.endpointName] = endpointName;
    expected[out.inferenceUrl] = await inferenceUrlOf(world, stackId, endpointName);
    statuses.push({ name: `e${slot}`, kind: 'endpoint', endpointName, endpointStatus: 'NotCreated', inferenceUrl: expected[out.inferenceUrl] });
  }
  expect(outputs(stack)).toMatchObject(expected);
  expect(bodyOf(await call('GET', `/pipelines/${name}`)).environments).toEqual(statuses);

  // Drift detection's resources exist for the monitored endpoint only, and the clean-up knows its monitoring prefix.
  const resources = await stackResources(world, stackId);
  const alarms = resources.filter((r) => r.ResourceType === 'AWS::CloudWatch::Alarm').map((r) => r.PhysicalResourceId);
  const monitored = !isBatch(1);
  const schedule = monitoringScheduleName(endpointNameFor(name, 'e1'));
  expect(alarms.filter((a) => a?.startsWith(schedule))).toEqual(monitored ? expect.arrayContaining([`${schedule}-violations`, `${schedule}-failures`]) : []);
  const [cleanup] = await releaseCleanupRequests(stackId);
  expect(cleanup.resourceProperties.Environments).toEqual(Array.from({ length: environments }, (_, i) => ({
    endpointName: endpointNameFor(name, `e${i + 1}`),
    releasePrefix: releasePrefixFor(name, `e${i + 1}`),
    variantName: 'AllTraffic',
    ...(i === 0 && monitored ? { monitoringPrefix: endpointNameFor(name, 'e1') } : {}),
  })));

  expect((await call('DELETE', `/pipelines/${name}`)).statusCode).toBe(202);
  expect((await describe1(stackId)).StackStatus).toBe('DELETE_COMPLETE');
});
