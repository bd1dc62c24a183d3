import 'aws-sdk-client-mock-jest';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEndpointConfigCommand, CreateModelCommand, DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job } from './deploy-fixtures';
import { scriptFirstRelease } from './first-release-world';
import type { ModelPackageGroupSpec } from '../../../src/contract/deploy-settings';
import { releaseId, releaseName } from '../../../src/contract/naming';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

/**
 * A registry pipeline's Deploy action releases exactly the package version
 * its execution names, and only an Approved, completed version of its own
 * group: anything else fails the release before anything is created.
 */
const { sagemaker, s3 } = mockedClients({ sagemaker: SageMakerClient, s3: S3Client, autoscaling: ApplicationAutoScalingClient });
const clients = clientsIn({ sagemaker: SageMakerClient, s3: S3Client, autoscaling: ApplicationAutoScalingClient });

const EXEC = 'exec-2222';
const RELEASE = releaseName('churn-dev', releaseId(EXEC));
const GROUP: ModelPackageGroupSpec = { name: 'Churn-Models', account: '123456789012', region: 'us-east-1' };
const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3';
const spec = deploySpec({ dev: envSpec({ modelPackageGroup: GROUP }) });

function packageJob(modelPackageArn?: string) {
  const base = job(EXEC);
  return { ...base, userParameters: { ...base.userParameters, ...(modelPackageArn === undefined ? {} : { modelPackageArn }) } };
}

function described(overrides: object = {}) {
  return {
    ModelPackageName: 'Churn-Models',
    ModelPackageGroupName: 'Churn-Models',
    ModelPackageVersion: 3,
    ModelPackageArn: PACKAGE,
    CreationTime: new Date(0),
    ModelPackageStatus: 'Completed' as const,
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    ModelApprovalStatus: 'Approved' as const,
    ...overrides,
  };
}

function expectNothingCreated() {
  expect(sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
  expect(sagemaker).not.toHaveReceivedCommand(CreateEndpointConfigCommand);
  expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
}

beforeEach(() => {
  scriptFirstRelease(s3, sagemaker);
  sagemaker.on(DescribeModelPackageCommand).resolves(described());
});

test('an Approved version of the group becomes the release\'s model, made from the package, with no artifact copy', async () => {
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);

  expect(outcome.kind).toBe('in-progress');
  expect(sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: PACKAGE });
  expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, {
    ModelName: RELEASE,
    ExecutionRoleArn: envSpec().executionRoleArn,
    Containers: [{ ModelPackageName: PACKAGE }],
  });
  const create = sagemaker.commandCalls(CreateModelCommand)[0].args[0].input;
  expect(create.PrimaryContainer).toBeUndefined();
  expect(sagemaker).toHaveReceivedCommandWith(CreateEndpointConfigCommand, { EndpointConfigName: RELEASE });
  expect(s3).not.toHaveReceivedCommand(HeadObjectCommand);
  expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
});

test.each([
  ['PendingManualApproval', /its approval status is PendingManualApproval, not Approved/],
  ['Rejected', /its approval status is Rejected, not Approved/],
])('a %s package releases nothing', async (status, reason) => {
  sagemaker.on(DescribeModelPackageCommand).resolves(described({ ModelApprovalStatus: status }));
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(reason) });
  expect(outcome.message).toMatch(/^Deploy to dev failed: Model package arn:aws:sagemaker:us-east-1:123456789012:model-package\/churn-models\/3 cannot be released from group Churn-Models .*; nothing was created$/);
  expectNothingCreated();
});

test('a package still being created releases nothing', async () => {
  sagemaker.on(DescribeModelPackageCommand).resolves(described({ ModelPackageStatus: 'InProgress' }));
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(outcome.message).toMatch(/its status is InProgress, not Completed/);
  expectNothingCreated();
});

test.each([
  ['a version of another group', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-models/3', /a version of group fraud-models in account 123456789012, us-east-1/],
  ['a version of the same group name in another account', 'arn:aws:sagemaker:us-east-1:999999999999:model-package/churn-models/3', /in account 999999999999/],
  ['a version of the same group name in another region', 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn-models/3', /, eu-west-1/],
  ['an unversioned package', 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models', /not the ARN of a model package version/],
  ['a group\'s ARN', 'arn:aws:sagemaker:us-east-1:123456789012:model-package-group/churn-models', /not the ARN of a model package version/],
])('%s is refused without asking SageMaker', async (_what, arn, reason) => {
  const outcome = await runDeployJob(packageJob(arn), spec, clients);
  expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(reason) });
  expect(sagemaker).not.toHaveReceivedCommand(DescribeModelPackageCommand);
  expectNothingCreated();
});

test('a package SageMaker places in another group is refused', async () => {
  sagemaker.on(DescribeModelPackageCommand).resolves(described({ ModelPackageGroupName: 'churn-models-old' }));
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(outcome.message).toMatch(/SageMaker says it belongs to group churn-models-old/);
  expectNothingCreated();
});

test('a group known by its ARN (lower-case name) releases a version SageMaker names in the group\'s own case', async () => {
  const byArn = deploySpec({ dev: envSpec({ modelPackageGroup: { ...GROUP, name: 'churn-models' } }) });
  const outcome = await runDeployJob(packageJob(PACKAGE), byArn, clients);
  expect(outcome.kind).toBe('in-progress');
  expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { Containers: [{ ModelPackageName: PACKAGE }] });
});

test('a package that does not exist is refused by name', async () => {
  sagemaker.on(DescribeModelPackageCommand).rejects(awsError('ValidationException', `Model Package ${PACKAGE} does not exist.`));
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(outcome.message).toMatch(/models\/3 cannot be released .*: no such model package; nothing was created/);
  expectNothingCreated();
});

test('throttling while the package is described asks to be called again, with nothing created', async () => {
  sagemaker.on(DescribeModelPackageCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).resolves(described());
  const first = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(first).toMatchObject({ kind: 'in-progress', continuationToken: JSON.stringify({ phase: 'starting' }) });
  expectNothingCreated();

  const second = await runDeployJob({ ...packageJob(PACKAGE), continuationToken: JSON.stringify({ phase: 'starting' }) }, spec, clients);
  expect(second.kind).toBe('in-progress');
  expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { Containers: [{ ModelPackageName: PACKAGE }] });
});

test('access denied on the package fails the release with AWS\'s reason', async () => {
  sagemaker.on(DescribeModelPackageCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DescribeModelPackage'));
  const outcome = await runDeployJob(packageJob(PACKAGE), spec, clients);
  expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringMatching(/sagemaker:DescribeModelPackage/) });
  expectNothingCreated();
});

describe('an action that names no package releases the one its execution\'s release request names', () => {
  const requestJob = () => job(EXEC, { artifactVersion: 'request-v7' });
  const request = (text: string) => ({ Body: { transformToString: async () => text } as never });

  test('the request version the execution started with is read, and its package released', async () => {
    s3.on(GetObjectCommand).resolves(request(JSON.stringify({ modelPackageArn: PACKAGE })));
    const outcome = await runDeployJob(requestJob(), spec, clients);

    expect(outcome.kind).toBe('in-progress');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: deploySpec().artifact.bucket, Key: deploySpec().artifact.key, VersionId: 'request-v7' });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { ModelName: RELEASE, Containers: [{ ModelPackageName: PACKAGE }] });
  });

  test('the requested package is checked like any other: a rejected one releases nothing', async () => {
    s3.on(GetObjectCommand).resolves(request(JSON.stringify({ modelPackageArn: PACKAGE })));
    sagemaker.on(DescribeModelPackageCommand).resolves(described({ ModelApprovalStatus: 'Rejected' }));
    const outcome = await runDeployJob(requestJob(), spec, clients);
    expect(outcome.message).toMatch(/its approval status is Rejected, not Approved; nothing was created/);
    expectNothingCreated();
  });

  test.each([
    ['a missing request', () => s3.on(GetObjectCommand).rejects(awsError('NoSuchVersion', 'The specified version does not exist.', 404)), /does not exist/],
    ['a request that is not JSON', () => s3.on(GetObjectCommand).resolves(request('churn-models/3')), /is not JSON/],
    ['a request without the package', () => s3.on(GetObjectCommand).resolves(request('{"modelPackage":"x"}')), /names no modelPackageArn/],
  ])('%s fails the release, naming the request', async (_what, script, reason) => {
    script();
    const outcome = await runDeployJob(requestJob(), spec, clients);
    expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(reason) });
    expect(outcome.message).toMatch(/^Deploy to dev failed: Environment dev releases from model package group Churn-Models, but the release request s3:\/\/[^ ]+ \(version request-v7\) /);
    expect(outcome.message).toMatch(/; nothing was created$/);
    expect(sagemaker).not.toHaveReceivedCommand(DescribeModelPackageCommand);
    expectNothingCreated();
  });

  test('a transient error reading the request asks to be called again, with nothing created', async () => {
    s3.on(GetObjectCommand).rejectsOnce(awsError('SlowDown', 'Please reduce your request rate.', 503)).resolves(request(JSON.stringify({ modelPackageArn: PACKAGE })));
    const first = await runDeployJob(requestJob(), spec, clients);
    expect(first).toMatchObject({ kind: 'in-progress', continuationToken: JSON.stringify({ phase: 'starting' }) });
    expectNothingCreated();
  });
});

test('an artifact environment refuses an action that names a package', async () => {
  const outcome = await runDeployJob(packageJob(PACKAGE), deploySpec(), clients);
  expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringMatching(/UserParameters.modelPackageArn is set, but environment "dev" does not release from a model package group/) });
  expectNothingCreated();
});
