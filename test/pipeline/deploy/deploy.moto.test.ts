import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, DescribeScalingPoliciesCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, ListEndpointConfigsCommand, ListModelsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from './deploy-fixtures';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { churnDeploy } from '../../aws-contracts/worlds/churn-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { failNextEndpointChange, setDescribesUntilReady } from '../../harness/moto-server';
import { ownMotoServer } from '../../harness/own-moto-server';

checkHandlerCallsAs(churnDeploy);

/**
 * Full release sequences against moto (extended by the harness's launcher so
 * endpoints move through Creating/Updating and can fail like real ones).
 * This file resets the emulator between tests, so it runs its own server
 * rather than the suite's shared one.
 */
const moto = ownMotoServer();
let clients: { sagemaker: SageMakerClient; s3: S3Client; autoscaling: ApplicationAutoScalingClient };

beforeAll(() => {
  clients = { sagemaker: new SageMakerClient({}), s3: new S3Client({}), autoscaling: new ApplicationAutoScalingClient({}) };
});

async function uploadModel(): Promise<string> {
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));
  return put.VersionId!;
}

async function release(executionId: string, artifactVersion: string) {
  const spec = deploySpec({ dev: envSpec({ keepReleases: 1 }) });
  return runActionToCompletion((j) => runDeployJob(j, spec, clients), job(executionId, { artifactVersion }));
}

async function describeDevEndpoint() {
  return clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
}

beforeEach(async () => {
  await setDescribesUntilReady(moto.endpoint, 2);
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
});

test('first release: the endpoint is created and reaches InService on the release config, through continuations', async () => {
  const version = await uploadModel();
  const { final, steps } = await release('exec-first', version);

  const expected = releaseName('churn-dev', releaseId('exec-first'));
  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { EndpointConfigName: expected } });
  // Created, then waited at least once while SageMaker said Creating.
  expect(steps.length).toBeGreaterThanOrEqual(2);
  expect(steps[0].outcome.message).toMatch(/Creating endpoint churn-dev/);
  const endpointNow = await describeDevEndpoint();
  expect(endpointNow).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: expected });
});

test('second release: the endpoint is updated in place, and the release older than keepReleases is cleaned up', async () => {
  const v1 = await uploadModel();
  await release('exec-1', v1);
  const v2 = await uploadModel();
  await release('exec-2', v2);
  const v3 = await uploadModel();
  const { final, steps } = await release('exec-3', v3);

  const third = releaseName('churn-dev', releaseId('exec-3'));
  expect(final.kind).toBe('succeeded');
  expect(steps[0].outcome.message).toMatch(/Updating endpoint churn-dev from .* to /);
  expect(await describeDevEndpoint()).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: third });

  // keepReleases 1: the serving release and one before it remain; the first is gone.
  const configs = (await clients.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: 'churn-dev' }))).EndpointConfigs!.map((c) => c.EndpointConfigName).sort();
  expect(configs).toEqual([releaseName('churn-dev', releaseId('exec-2')), third].sort());
  const models = (await clients.sagemaker.send(new ListModelsCommand({ NameContains: 'churn-dev' }))).Models!.map((m) => m.ModelName).sort();
  expect(models).toEqual(configs);
});

test('failed update: the previous config keeps serving and the job fails with SageMaker\'s reason', async () => {
  const v1 = await uploadModel();
  await release('exec-good', v1);
  const good = releaseName('churn-dev', releaseId('exec-good'));

  await failNextEndpointChange(moto.endpoint, 'churn-dev', 'The primary container for production variant AllTraffic did not pass the ping health check.');
  const v2 = await uploadModel();
  const { final } = await release('exec-bad', v2);

  expect(final.kind).toBe('failed');
  expect(final.message).toMatch(new RegExp(`still serves ${good}: The primary container for production variant AllTraffic did not pass the ping health check`));
  expect(await describeDevEndpoint()).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: good });
  // The serving config was not cleaned up.
  const configs = (await clients.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: 'churn-dev' }))).EndpointConfigs!.map((c) => c.EndpointConfigName);
  expect(configs).toContain(good);
});

test('failed first release, then a good one: the Failed endpoint is replaced', async () => {
  await failNextEndpointChange(moto.endpoint, 'churn-dev', 'Failed to download model data.');
  const v1 = await uploadModel();
  const first = await release('exec-broken', v1);
  expect(first.final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/is Failed after release .*: Failed to download model data/) });

  const second = await release('exec-fixed', v1);
  expect(second.final.kind).toBe('succeeded');
  expect(second.steps.some((s) => /Deleting endpoint churn-dev/.test(s.outcome.message))).toBe(true);
  expect(await describeDevEndpoint()).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: releaseName('churn-dev', releaseId('exec-fixed')) });
});

test('a CodePipeline retry of a finished release converges without changing the endpoint', async () => {
  const v1 = await uploadModel();
  await release('exec-once', v1);
  const before = await describeDevEndpoint();
  const retry = await release('exec-once', v1);
  expect(retry.final.kind).toBe('succeeded');
  expect(retry.steps).toHaveLength(1);
  const after = await describeDevEndpoint();
  expect(after.EndpointConfigName).toBe(before.EndpointConfigName);
  expect(after.LastModifiedTime).toEqual(before.LastModifiedTime);
});

test('a missing artifact version fails the release and creates nothing', async () => {
  const { final } = await release('exec-missing', 'no-such-version');
  expect(final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/Model artifact s3:\/\/team-models\/churn\/model\.tar\.gz \(version no-such-version\) does not exist/) });
  const models = await clients.sagemaker.send(new ListModelsCommand({}));
  expect(models.Models ?? []).toHaveLength(0);
});

test('a serverless environment is released and updated like an instance-backed one', async () => {
  const serverless = { memorySizeMb: 2048, maxConcurrency: 5 };
  const spec = deploySpec({ dev: envSpec({ instanceType: undefined, initialInstanceCount: undefined, serverless }) });
  for (const executionId of ['exec-s1', 'exec-s2']) {
    const version = await uploadModel();
    const { final } = await runActionToCompletion((j) => runDeployJob(j, spec, clients), job(executionId, { artifactVersion: version }));
    expect(final.kind).toBe('succeeded');
  }
  const config = await clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: releaseName('churn-dev', releaseId('exec-s2')) }));
  expect(config.ProductionVariants![0].ServerlessConfig).toMatchObject({ MemorySizeInMB: 2048, MaxConcurrency: 5 });
  expect(await describeDevEndpoint()).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: releaseName('churn-dev', releaseId('exec-s2')) });
});

test('an autoscaled environment is registered for target tracking after each release, and stays registered', async () => {
  const autoScaling = { minInstances: 1, maxInstances: 4, targetInvocationsPerInstance: 300 };
  const spec = deploySpec({ dev: envSpec({ autoScaling }) });
  for (const executionId of ['exec-a1', 'exec-a2']) {
    const version = await uploadModel();
    const { final } = await runActionToCompletion((j) => runDeployJob(j, spec, clients), job(executionId, { artifactVersion: version }));
    expect(final.kind).toBe('succeeded');
  }
  const targets = await clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }));
  expect(targets.ScalableTargets).toEqual([expect.objectContaining({ ResourceId: 'endpoint/churn-dev/variant/AllTraffic', MinCapacity: 1, MaxCapacity: 4 })]);
  const policies = await clients.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }));
  expect(policies.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['churn-dev-invocations']);
});
