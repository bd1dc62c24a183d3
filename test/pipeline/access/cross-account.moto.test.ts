import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateBucketCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { isComplete, teardownClientsFor } from '../../../src/runtime/handlers/cleanup.lambda';
import type { DeploySpec, RemoteEnvironmentSpec } from '../../../src/contract/deploy-settings';
import { releaseClientsFor, runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { shareClientsFor, runShareJob } from '../../../src/runtime/handlers/share.lambda';
import { testClientsFor } from '../../../src/runtime/handlers/integration-test.lambda';
import { ClientConfig, EnvironmentClients } from '../../../src/runtime/environment-access';
import { runTestJob } from '../../../src/runtime/integration-tests';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { AccessHandler, AccessWorld, accessWorld } from '../../aws-contracts/worlds/access-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { createInferenceApiStage } from '../../fixtures/inference-api-stage';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { MotoServer, setDescribesUntilReady, startMotoServer } from '../../harness/moto-server';
import { MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * An environment in another account and region, end to end against moto:
 * the handlers assume the environment's access role through STS, and moto
 * keeps what they create under the account of the credentials they got, so
 * the test can tell the two accounts apart. The pipeline and its prod
 * environment are the access world's (a ByomPipeline and its
 * MlopsEnvironmentAccess stack, deployed offline): each handler is its own
 * function, acting as its own role, with the settings, user parameters and
 * custom resource properties that stack gives it, and its calls in the
 * other account are checked against the access role's policies there.
 */
let moto: MotoServer;
let access: AccessWorld;
/** The pipeline account's clients for setting the world up and looking at it, with the test's own credentials. */
let own: <C>(type: new (config: ClientConfig) => C) => C;
/** The same in the prod account and region, with a session of the access role the test takes itself. */
let prod: <C>(type: new (config: ClientConfig) => C) => C;
let base: ClientConfig;

beforeAll(async () => {
  access = accessWorld();
  moto = await startMotoServer();
  await setDescribesUntilReady(moto.endpoint, 2);
  base = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'pipeline', secretAccessKey: 'pipeline' } };
  own = (type) => new type(base);
  const session = (await own(STSClient).send(new AssumeRoleCommand({ RoleArn: remote().roleArn, RoleSessionName: 'test-setup' }))).Credentials!;
  const credentials = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken };
  prod = (type) => new type({ ...base, region: remote().region, credentials });

  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await own(S3Client).send(new CreateBucketCommand({ Bucket: bucket }));
    await own(S3Client).send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  // What MlopsEnvironmentAccess creates in the environment's account and region: its release bucket, and its
  // inference API (with the ID CloudFormation gave it there), naming the placeholder until a share.
  const location = { LocationConstraint: remote().region as any };
  await prod(S3Client).send(new CreateBucketCommand({ Bucket: remote().releaseBucket, CreateBucketConfiguration: location }));
  const { restApiName, stageName } = access.shareSettings.environments.prod.api;
  const placeholder = { endpoint: 'mlops-not-shared' };
  expect(await createInferenceApiStage(prod(APIGatewayClient), restApiName, stageName, placeholder, access.prodRestApiId)).toBe(access.prodRestApiId);
  // What the pipeline's stack creates in its own account: the deploy spec, the test suite and the release record.
  for (const [name, value] of access.parameters) {
    await own(SSMClient).send(new PutParameterCommand({ Name: name, Value: value, Type: 'String' }));
  }
});

afterAll(async () => {
  await moto?.stop();
});

/** How the handlers reach prod, as the pipeline's deploy spec says. */
function remote(): RemoteEnvironmentSpec {
  return access.prodDeploySpec.access!;
}

/** A handler's clients as its function makes them: its own, and the access role's, assumed on first use. */
function functionClients(handler: AccessHandler): EnvironmentClients {
  return new EnvironmentClients(base, `mlops-${handler}`);
}

async function describeIn(sagemaker: SageMakerClient) {
  return sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
}

test('deploy, tests, share and clean-up act in the environment\'s account and region through its access role', async () => {
  const put = await own(S3Client).send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));

  const { pipelineName, artifact } = access.deploySettings;
  const spec: DeploySpec = { pipelineName, artifact, environments: { prod: access.prodDeploySpec } };
  const deployVariables = { 'codepipeline.PipelineExecutionId': 'exec-remote', 'Source.VersionId': put.VersionId! };
  const deployJob = { id: 'deploy-1', userParameters: access.userParameters('Deploy-prod', deployVariables) };
  const deployClients = functionClients('deploy');
  const deployed = await actingAs(access.handler('deploy'), () => runActionToCompletion(
    (j) => runDeployJob(j, spec, releaseClientsFor(deployClients, remote())),
    deployJob,
  ));
  expect(deployed.final).toMatchObject({ kind: 'succeeded' });
  const outputs = (deployed.final as { outputVariables: Record<string, string> }).outputVariables;
  const release = outputs.EndpointConfigName;
  const fromDeploy = Object.fromEntries(Object.entries(outputs).map(([name, value]) => [`Deploy-prod.${name}`, value]));

  // The endpoint is in the environment's account and region, not the pipeline's.
  const endpoint = await describeIn(prod(SageMakerClient));
  expect(endpoint.EndpointStatus).toBe('InService');
  expect(endpoint.EndpointArn).toMatch(/^arn:aws:sagemaker:eu-west-1:222222222222:endpoint\/churn-prod$/);
  await expect(describeIn(own(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);

  // SageMaker reads the second copy, in the environment's own bucket.
  const model = await prod(SageMakerClient).send(new DescribeModelCommand({ ModelName: release }));
  const key = `releases/churn-prod/${release}/model.tar.gz`;
  expect(model.PrimaryContainer?.ModelDataUrl).toBe(`s3://${remote().releaseBucket}/${key}`);
  await expect(own(S3Client).send(new HeadObjectCommand({ Bucket: RELEASE_BUCKET, Key: key }))).resolves.toBeDefined();
  await expect(prod(S3Client).send(new HeadObjectCommand({ Bucket: remote().releaseBucket, Key: key }))).resolves.toBeDefined();

  // The test stage invokes the remote endpoint through the access role.
  const testJob = { id: 'test-1', userParameters: access.userParameters('Test-prod', fromDeploy) };
  const testClients = functionClients('test');
  const testAccess = testJob.userParameters.access as RemoteEnvironmentSpec;
  const tested = await actingAs(access.handler('test'), () => runActionToCompletion((j) => runTestJob(j, testClientsFor(testClients, testAccess)), testJob));
  expect(tested.final).toMatchObject({ kind: 'succeeded' });

  // Sharing checks the remote endpoint and records the release in the pipeline's account.
  const settings = access.shareSettings;
  const record = settings.environments.prod.parameterName;
  const shareJob = { id: 'share-1', userParameters: access.userParameters('Share-prod', { ...fromDeploy, 'codepipeline.PipelineExecutionId': 'exec-remote' }) };
  const shareClients = functionClients('share');
  const shared = await actingAs(access.handler('share'), () => runShareJob(shareJob, settings, shareClientsFor(shareClients, settings.environments.prod.access)));
  expect(shared).toMatchObject({ kind: 'succeeded' });
  const recorded = await own(SSMClient).send(new GetParameterCommand({ Name: record }));
  expect(JSON.parse(recorded.Parameter!.Value!)).toMatchObject({ shared: true, endpointConfigName: release });
  // The API over there, found by its name, now calls the endpoint.
  const stage = await prod(APIGatewayClient).send(new GetStageCommand({ restApiId: access.prodRestApiId, stageName: 'v1' }));
  expect(stage.variables).toEqual({ endpoint: 'churn-prod' });

  // Deleting the pipeline's stack removes the endpoint over there.
  const event = {
    RequestType: 'Delete',
    StackId: access.pipelineStack.stackId,
    ResourceProperties: access.cleanupProperties,
    PhysicalResourceId: 'release-cleanup-x',
    MlopsCleanupPhase: 'is-complete',
  } as any;
  const cleanupClients = functionClients('cleanup');
  let done = false;
  for (let pass = 0; pass < 10 && !done; pass++) {
    done = (await actingAs(access.handler('cleanup'), () => isComplete(event, teardownClientsFor(cleanupClients), (a) => teardownClientsFor(cleanupClients, a)))).IsComplete;
  }
  expect(done).toBe(true);
  await expect(describeIn(prod(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);
});
