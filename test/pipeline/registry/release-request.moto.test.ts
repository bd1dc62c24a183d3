import type { Logger } from '@aws-lambda-powertools/logger';
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, SageMakerClient, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { handleApprovalEvent, ModelPackageStateChange } from '../../../src/runtime/release-request';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { REGISTRY_GROUP, REQUESTS } from '../../aws-contracts/worlds/registry-world';
import { releaseRequestRole } from '../../aws-contracts/worlds/release-request-world';
import { ownMotoServer } from '../../harness/own-moto-server';

/**
 * Approvals against moto: versions are registered and approved as a training
 * pipeline or a person would, the approval event is handed to the handler as
 * EventBridge would, and the request object the pipeline watches names
 * exactly the approved version. Every call the handler makes is checked
 * against botocore's model and the trigger's role.
 */
checkHandlerCallsAs(releaseRequestRole);

ownMotoServer();
let sagemaker: SageMakerClient;
let s3: S3Client;
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
const SETTINGS = { group: REGISTRY_GROUP, ...REQUESTS };

beforeAll(() => {
  sagemaker = new SageMakerClient({});
  s3 = new S3Client({});
});

beforeEach(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: REQUESTS.bucket }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: REQUESTS.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: REGISTRY_GROUP.name }));
});

async function registerVersion(group = REGISTRY_GROUP.name): Promise<string> {
  const created = await sagemaker.send(new CreateModelPackageCommand({
    ModelPackageGroupName: group,
    InferenceSpecification: {
      Containers: [{ Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', ModelDataUrl: 's3://team-models/churn/model.tar.gz' }],
      SupportedContentTypes: ['text/csv'],
      SupportedResponseMIMETypes: ['text/csv'],
    },
    ModelApprovalStatus: 'PendingManualApproval',
  }));
  return created.ModelPackageArn!;
}

async function setApproval(arn: string, status: 'Approved' | 'Rejected') {
  await sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status }));
}

function approvalEvent(arn: string, status = 'Approved'): ModelPackageStateChange {
  return { 'detail-type': 'SageMaker Model Package State Change', 'detail': { ModelPackageArn: arn, ModelApprovalStatus: status } };
}

async function requests(): Promise<string[]> {
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: REQUESTS.bucket, Prefix: REQUESTS.key }));
  const bodies: string[] = [];
  for (const version of [...(versions.Versions ?? [])].reverse()) {
    const object = await s3.send(new GetObjectCommand({ Bucket: REQUESTS.bucket, Key: REQUESTS.key, VersionId: version.VersionId }));
    bodies.push(await object.Body!.transformToString());
  }
  return bodies;
}

test('each approval writes one request version naming exactly that package; a repeated event writes none', async () => {
  const first = await registerVersion();
  const second = await registerVersion();
  await setApproval(first, 'Approved');

  const requested = await handleApprovalEvent(approvalEvent(first), SETTINGS, { sagemaker, s3 }, logger);
  const repeated = await handleApprovalEvent(approvalEvent(first), SETTINGS, { sagemaker, s3 }, logger);
  await setApproval(second, 'Approved');
  await handleApprovalEvent(approvalEvent(second), SETTINGS, { sagemaker, s3 }, logger);

  expect(requested).toMatchObject({ kind: 'requested', modelPackageArn: first, versionId: expect.any(String) });
  expect(repeated).toEqual({ kind: 'already-requested', modelPackageArn: first });
  expect(await requests()).toEqual([JSON.stringify({ modelPackageArn: first }), JSON.stringify({ modelPackageArn: second })]);
});

test('a stale approval of a since-rejected version, and a version of another group, write nothing', async () => {
  const version = await registerVersion();
  await setApproval(version, 'Rejected');
  await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'fraud-models' }));
  const other = await registerVersion('fraud-models');
  await setApproval(other, 'Approved');

  const stale = await handleApprovalEvent(approvalEvent(version), SETTINGS, { sagemaker, s3 }, logger);
  const foreign = await handleApprovalEvent(approvalEvent(other), SETTINGS, { sagemaker, s3 }, logger);

  expect(stale).toMatchObject({ kind: 'refused', message: expect.stringMatching(/approval status is Rejected, not Approved/) });
  expect(foreign).toMatchObject({ kind: 'refused', message: expect.stringMatching(/it is a version of group fraud-models/) });
  expect(await requests()).toEqual([]);
});

