import { APIGatewayClient, GetStageCommand } from '@aws-sdk/client-api-gateway';
import { CreateBucketCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isComplete, teardownClientsFor } from '../../../src/pipeline/cleanup/cleanup.lambda';
import type { RemoteEnvironmentSpec } from '../../../src/pipeline/deploy/deploy-spec';
import { releaseClientsFor, runDeployJob } from '../../../src/pipeline/deploy/deploy.lambda';
import { shareClientsFor, runShareJob } from '../../../src/pipeline/share/share.lambda';
import { testClientsFor } from '../../../src/pipeline/tests/test.lambda';
import { EnvironmentClients } from '../../../src/runtime/environment-access';
import { runTestJob } from '../../../src/runtime/integration-tests';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { createInferenceApiStage } from '../../fixtures/inference-api-stage';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { MotoServer, setDescribesUntilReady, startMotoServer } from '../../harness/moto-server';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * An environment in another account and region, end to end against moto:
 * the handlers assume the environment's access role through STS, and moto
 * keeps what they create under the account of the credentials they got, so
 * the test can tell the two accounts apart.
 */
let moto: MotoServer;
let factory: EnvironmentClients;
let remoteApiId: string;

const PIPELINE = { region: 'us-east-1' };
const ACCESS: RemoteEnvironmentSpec = {
  roleArn: 'arn:aws:iam::222222222222:role/churn-prod-mlops-access',
  region: 'eu-west-1',
  releaseBucket: 'churn-prod-222222222222-eu-west-1-releases',
};
const PARAMETER = '/cfn/churn-prod-release-record';
const PROD = envSpec({
  endpointName: 'churn-prod',
  releasePrefix: 'churn-prod',
  releaseKeyPrefix: 'releases/churn-prod/',
  executionRoleArn: 'arn:aws:iam::222222222222:role/churn-prod-mlops-sagemaker',
  imageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
  access: ACCESS,
});

beforeAll(async () => {
  moto = await startMotoServer();
  await setDescribesUntilReady(moto.endpoint, 2);
  factory = new EnvironmentClients({
    endpoint: moto.endpoint,
    region: PIPELINE.region,
    credentials: { accessKeyId: 'pipeline', secretAccessKey: 'pipeline' },
  }, 'mlops-test');
  const s3 = factory.get(S3Client);
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  // What MlopsEnvironmentAccess creates in the environment's account and region.
  await factory.get(S3Client, ACCESS).send(new CreateBucketCommand({
    Bucket: ACCESS.releaseBucket,
    CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
  }));
  // The inference API MlopsEnvironmentAccess creates there, naming the placeholder until a share.
  remoteApiId = await createInferenceApiStage(factory.get(APIGatewayClient, ACCESS), 'churn-prod-inference', 'v1', { endpoint: 'mlops-not-shared' });
  // What the pipeline's stack creates for the environment's release record.
  await factory.get(SSMClient).send(new PutParameterCommand({ Name: PARAMETER, Value: '{"shared":false}', Type: 'String' }));
});

afterAll(async () => {
  await moto?.stop();
});

async function describeIn(sagemaker: SageMakerClient) {
  return sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-prod' }));
}

test('deploy, tests, share and clean-up act in the environment\'s account and region through its access role', async () => {
  const put = await factory.get(S3Client).send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));

  const deployed = await runActionToCompletion(
    (j) => runDeployJob(j, deploySpec({ prod: PROD }), releaseClientsFor(factory, ACCESS)),
    job('exec-remote', { environment: 'prod', artifactVersion: put.VersionId }),
  );
  expect(deployed.final).toMatchObject({ kind: 'succeeded' });
  const release = (deployed.final as { outputVariables: Record<string, string> }).outputVariables.EndpointConfigName;

  // The endpoint is in the environment's account and region, not the pipeline's.
  const remote = factory.get(SageMakerClient, ACCESS);
  const endpoint = await describeIn(remote);
  expect(endpoint.EndpointStatus).toBe('InService');
  expect(endpoint.EndpointArn).toMatch(/^arn:aws:sagemaker:eu-west-1:222222222222:endpoint\/churn-prod$/);
  await expect(describeIn(factory.get(SageMakerClient))).rejects.toThrow(/Could not find endpoint/);

  // SageMaker reads the second copy, in the environment's own bucket.
  const model = await remote.send(new DescribeModelCommand({ ModelName: release }));
  const key = `releases/churn-prod/${release}/model.tar.gz`;
  expect(model.PrimaryContainer?.ModelDataUrl).toBe(`s3://${ACCESS.releaseBucket}/${key}`);
  await expect(factory.get(S3Client).send(new HeadObjectCommand({ Bucket: RELEASE_BUCKET, Key: key }))).resolves.toBeDefined();
  await expect(factory.get(S3Client, ACCESS).send(new HeadObjectCommand({ Bucket: ACCESS.releaseBucket, Key: key }))).resolves.toBeDefined();

  // The test stage invokes the remote endpoint through the access role.
  await factory.get(SSMClient).send(new PutParameterCommand({
    Name: '/tests/prod',
    Type: 'String',
    Value: JSON.stringify({ requests: [{ name: 'answers', body: '0.7,1.0', contentType: 'text/csv', status: 200 }] }),
  }));
  const testAccess = { roleArn: ACCESS.roleArn, region: ACCESS.region };
  const tested = await runActionToCompletion((j) => runTestJob(j, testClientsFor(factory, testAccess)), {
    id: 'test-1',
    userParameters: {
      environment: 'prod', endpointName: 'churn-prod', endpointConfigName: release, previousConfig: 'none', requestsParameter: '/tests/prod', access: testAccess,
    },
  });
  expect(tested.final).toMatchObject({ kind: 'succeeded' });

  // Sharing checks the remote endpoint and records the release in the pipeline's account.
  const shareAccess = { roleArn: ACCESS.roleArn, region: ACCESS.region };
  const shared = await runShareJob(
    { id: 'share-1', userParameters: { environment: 'prod', executionId: 'exec-remote', endpointName: 'churn-prod', endpointConfigName: release, modelName: release } },
    { pipelineName: 'churn-mlops', environments: { prod: { endpointName: 'churn-prod', parameterName: PARAMETER, access: shareAccess, api: { restApiName: 'churn-prod-inference', stageName: 'v1' } } } },
    shareClientsFor(factory, shareAccess),
  );
  expect(shared).toMatchObject({ kind: 'succeeded' });
  const record = await factory.get(SSMClient).send(new GetParameterCommand({ Name: PARAMETER }));
  expect(JSON.parse(record.Parameter!.Value!)).toMatchObject({ shared: true, endpointConfigName: release });
  // The API over there, found by its name, now calls the endpoint.
  const stage = await factory.get(APIGatewayClient, ACCESS).send(new GetStageCommand({ restApiId: remoteApiId, stageName: 'v1' }));
  expect(stage.variables).toEqual({ endpoint: 'churn-prod' });

  // Deleting the pipeline's stack removes the endpoint over there.
  const event = {
    RequestType: 'Delete',
    ResourceProperties: { Environments: [{ endpointName: 'churn-prod', releasePrefix: 'churn-prod', variantName: 'AllTraffic', access: shareAccess }] },
    PhysicalResourceId: 'release-cleanup-x',
    MlopsCleanupPhase: 'is-complete',
  } as any;
  let done = false;
  for (let pass = 0; pass < 10 && !done; pass++) {
    done = (await isComplete(event, teardownClientsFor(factory), (a) => teardownClientsFor(factory, a))).IsComplete;
  }
  expect(done).toBe(true);
  await expect(describeIn(remote)).rejects.toThrow(/Could not find endpoint/);
});
