import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  DescribeEndpointCommand,
  DescribeModelCommand,
  ListModelsCommand,
  SageMakerClient,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job } from './deploy-fixtures';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { handleApprovalEvent } from '../../../src/runtime/release-request';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { REGISTRY_GROUP, REQUESTS, registryDeploy } from '../../aws-contracts/worlds/registry-world';
import { releaseRequestRole } from '../../aws-contracts/worlds/release-request-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { setDescribesUntilReady } from '../../harness/moto-server';
import { ownMotoServer } from '../../harness/own-moto-server';

/**
 * Registry releases against moto: the package versions are registered and
 * approved as a training pipeline or a person would, and each release makes
 * its model from exactly the version its execution names. Every call the
 * handler makes is checked against botocore's model and the deploy role's
 * policies.
 */
const SPEC = envSpec({ modelPackageGroup: REGISTRY_GROUP });
checkHandlerCallsAs(registryDeploy(SPEC));

const moto = ownMotoServer();
let clients: { sagemaker: SageMakerClient; s3: S3Client; autoscaling: ApplicationAutoScalingClient };

beforeAll(() => {
  clients = { sagemaker: new SageMakerClient({}), s3: new S3Client({}), autoscaling: new ApplicationAutoScalingClient({}) };
});

beforeEach(async () => {
  await setDescribesUntilReady(moto.endpoint, 1);
  await clients.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: REGISTRY_GROUP.name }));
});

/** Registers a version of the group (Pending until approved) and says its ARN. */
async function registerVersion(group = REGISTRY_GROUP.name): Promise<string> {
  const created = await clients.sagemaker.send(new CreateModelPackageCommand({
    ModelPackageGroupName: group,
    InferenceSpecification: {
      Containers: [{ Image: SPEC.imageUri, ModelDataUrl: 's3://team-models/churn/model.tar.gz' }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
    },
    ModelApprovalStatus: 'PendingManualApproval',
  }));
  return created.ModelPackageArn!;
}

async function setApproval(arn: string, status: 'Approved' | 'Rejected') {
  await clients.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status }));
}

async function release(executionId: string, modelPackageArn: string) {
  const base = job(executionId);
  return runActionToCompletion(
    (j) => runDeployJob(j, deploySpec({ dev: SPEC }), clients),
    { ...base, userParameters: { ...base.userParameters, modelPackageArn } },
  );
}

test('an approved version is released: the endpoint serves a model made from exactly that package', async () => {
  const first = await registerVersion();
  const second = await registerVersion();
  await setApproval(first, 'Approved');
  await setApproval(second, 'Approved');

  const { final } = await release('exec-v1', first);

  const model = releaseName('churn-dev', releaseId('exec-v1'));
  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { ModelName: model, EndpointConfigName: model } });
  const described = await clients.sagemaker.send(new DescribeModelCommand({ ModelName: model }));
  expect(described.Containers).toEqual([expect.objectContaining({ ModelPackageName: first })]);
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: model });
});

test('a pending, then a rejected version releases nothing; once approved it releases', async () => {
  const version = await registerVersion();

  const pending = await release('exec-pending', version);
  expect(pending.final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/approval status is PendingManualApproval, not Approved; nothing was created/) });
  await setApproval(version, 'Rejected');
  const rejected = await release('exec-rejected', version);
  expect(rejected.final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/approval status is Rejected/) });
  const models = await clients.sagemaker.send(new ListModelsCommand({ NameContains: 'churn-dev' }));
  expect(models.Models ?? []).toEqual([]);

  await setApproval(version, 'Approved');
  const approved = await release('exec-approved', version);
  expect(approved.final.kind).toBe('succeeded');
});

test('a version of another group, and a version that does not exist, release nothing', async () => {
  await clients.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'fraud-models' }));
  const other = await registerVersion('fraud-models');
  await setApproval(other, 'Approved');

  const foreign = await release('exec-foreign', other);
  expect(foreign.final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/it is a version of group fraud-models/) });
  const missing = await release('exec-missing', other.replace(/fraud-models\/1$/, 'churn-models/99'));
  expect(missing.final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/churn-models\/99 cannot be released .*: no such model package/) });
  const models = await clients.sagemaker.send(new ListModelsCommand({ NameContains: 'churn-dev' }));
  expect(models.Models ?? []).toEqual([]);
});

test('an approval releases through its request: the trigger writes it, the Deploy action reads the version its execution started with', async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: REQUESTS.bucket }));
  await clients.s3.send(new PutBucketVersioningCommand({ Bucket: REQUESTS.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  const first = await registerVersion();
  const second = await registerVersion();
  await setApproval(first, 'Approved');
  await setApproval(second, 'Approved');
  const approve = (arn: string) => actingAs(releaseRequestRole(), () => handleApprovalEvent(
    { 'detail-type': 'SageMaker Model Package State Change', 'detail': { ModelPackageArn: arn, ModelApprovalStatus: 'Approved' } },
    { group: REGISTRY_GROUP, ...REQUESTS },
    { sagemaker: clients.sagemaker, s3: clients.s3 },
    { info: () => undefined, warn: () => undefined, error: () => undefined } as never,
  ));
  const requestOfFirst = await approve(first);
  await approve(second);
  if (requestOfFirst.kind !== 'requested') throw new Error(`no request: ${JSON.stringify(requestOfFirst)}`);

  // The execution the first approval started runs after the second was approved: it still releases the first.
  const base = job('exec-request', { artifactVersion: requestOfFirst.versionId });
  const { final } = await runActionToCompletion((j) => runDeployJob(j, { ...deploySpec({ dev: SPEC }), artifact: REQUESTS }, clients), base);

  expect(final.kind).toBe('succeeded');
  const model = releaseName('churn-dev', releaseId('exec-request'));
  const described = await clients.sagemaker.send(new DescribeModelCommand({ ModelName: model }));
  expect(described.Containers).toEqual([expect.objectContaining({ ModelPackageName: first })]);
});
