import 'aws-sdk-client-mock-jest';
import type { Logger } from '@aws-lambda-powertools/logger';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { RELEASE_REQUEST_SETTINGS_VARIABLE, ReleaseRequestSettings } from '../../../src/contract/release-request-settings';
import { handler, resetForTests } from '../../../src/runtime/handlers/release-request.lambda';
import { ModelPackageStateChange, handleApprovalEvent, readReleaseRequestSettings } from '../../../src/runtime/release-request';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

/**
 * An approval of a version of the pipeline's group writes exactly one
 * release request naming it; anything else (another status, a stale event,
 * another group's package, a repeated event) writes nothing.
 */
const CLIENTS = { sagemaker: SageMakerClient, s3: S3Client };
const { sagemaker, s3 } = mockedClients(CLIENTS);
const clients = clientsIn(CLIENTS);

const SETTINGS: ReleaseRequestSettings = {
  group: { name: 'Churn-Models', account: '123456789012', region: 'us-east-1' },
  bucket: 'churn-mlops-requests',
  key: 'release-request.json',
};
const PACKAGE = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/3';

/** The event as EventBridge delivers it; its detail mirrors DescribeModelPackage. */
function approval(detail: Record<string, unknown> = {}): ModelPackageStateChange {
  return {
    'detail-type': 'SageMaker Model Package State Change',
    'detail': { ModelPackageGroupName: 'Churn-Models', ModelPackageArn: PACKAGE, ModelPackageStatus: 'Completed', ModelApprovalStatus: 'Approved', ...detail },
  } as ModelPackageStateChange;
}

function described(overrides: object = {}) {
  return {
    ModelPackageName: 'Churn-Models',
    ModelPackageGroupName: 'Churn-Models',
    ModelPackageArn: PACKAGE,
    CreationTime: new Date(0),
    ModelPackageStatus: 'Completed' as const,
    ModelApprovalStatus: 'Approved' as const,
    ...overrides,
  };
}

function fakeLogger() {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() } as unknown as Logger;
}

const currentRequest = (text: string) => ({ Body: { transformToString: async () => text } as never });

beforeEach(() => {
  sagemaker.on(DescribeModelPackageCommand).resolves(described());
  s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.', 404));
  s3.on(PutObjectCommand).resolves({ VersionId: 'v-1' });
});

test('an approved version of the group is requested: the object names exactly that package', async () => {
  const outcome = await handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger());

  expect(outcome).toEqual({ kind: 'requested', modelPackageArn: PACKAGE, versionId: 'v-1' });
  expect(sagemaker).toHaveReceivedCommandWith(DescribeModelPackageCommand, { ModelPackageName: PACKAGE });
  expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 1);
  expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
    Bucket: 'churn-mlops-requests', Key: 'release-request.json', Body: JSON.stringify({ modelPackageArn: PACKAGE }), ContentType: 'application/json',
  });
});

test.each(['PendingManualApproval', 'Rejected', undefined])('an event of a %s version requests nothing, without asking SageMaker', async (status) => {
  const outcome = await handleApprovalEvent(approval({ ModelApprovalStatus: status }), SETTINGS, clients, fakeLogger());

  expect(outcome).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/not Approved/) });
  expect(sagemaker).not.toHaveReceivedAnyCommand();
  expect(s3).not.toHaveReceivedAnyCommand();
});

test('another kind of event, or one naming no package, is ignored', async () => {
  const other = await handleApprovalEvent({ 'detail-type': 'SageMaker Model State Change', 'detail': {} }, SETTINGS, clients, fakeLogger());
  const noArn = await handleApprovalEvent(approval({ ModelPackageArn: undefined }), SETTINGS, clients, fakeLogger());

  expect(other).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/not a SageMaker Model Package State Change event/) });
  expect(noArn).toMatchObject({ kind: 'ignored', reason: 'the event names no ModelPackageArn' });
  expect(s3).not.toHaveReceivedAnyCommand();
});

test('a stale approval (the version was rejected since) requests nothing and says why', async () => {
  sagemaker.on(DescribeModelPackageCommand).resolves(described({ ModelApprovalStatus: 'Rejected' }));
  const logger = fakeLogger();

  const outcome = await handleApprovalEvent(approval(), SETTINGS, clients, logger);

  expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringMatching(/churn-models\/3 cannot be released from group Churn-Models .*approval status is Rejected/) });
  expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  expect(logger.warn).toHaveBeenCalledWith('No release requested', expect.objectContaining({ modelPackageArn: PACKAGE }));
});

test('a version of another group is refused before SageMaker is asked', async () => {
  const foreign = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-models/1';

  const outcome = await handleApprovalEvent(approval({ ModelPackageArn: foreign }), SETTINGS, clients, fakeLogger());

  expect(outcome).toMatchObject({ kind: 'refused', message: expect.stringMatching(/it is a version of group fraud-models/) });
  expect(sagemaker).not.toHaveReceivedAnyCommand();
  expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
});

test('a repeated event for the version already requested writes nothing: one approval, one release', async () => {
  s3.on(GetObjectCommand).resolves(currentRequest(JSON.stringify({ modelPackageArn: PACKAGE })));

  const outcome = await handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger());

  expect(outcome).toEqual({ kind: 'already-requested', modelPackageArn: PACKAGE });
  expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
});

test('a request for an earlier version, or an unreadable one, is replaced', async () => {
  s3.on(GetObjectCommand).resolvesOnce(currentRequest(JSON.stringify({ modelPackageArn: PACKAGE.replace(/3$/, '2') }))).resolvesOnce(currentRequest('not json'));

  expect(await handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger())).toMatchObject({ kind: 'requested' });
  expect(await handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger())).toMatchObject({ kind: 'requested' });
  expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 2);
});

test('a transient error is thrown, so Lambda retries the event', async () => {
  sagemaker.on(DescribeModelPackageCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
  await expect(handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger())).rejects.toThrow(/Rate exceeded/);

  sagemaker.on(DescribeModelPackageCommand).resolves(described());
  s3.on(GetObjectCommand).rejects(awsError('AccessDenied', 'Access Denied', 403));
  await expect(handleApprovalEvent(approval(), SETTINGS, clients, fakeLogger())).rejects.toThrow(/Access Denied/);
  expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
});

describe('settings', () => {
  const env = (value?: string) => (value === undefined ? {} : { [RELEASE_REQUEST_SETTINGS_VARIABLE]: value });

  test('are read from the environment', () => {
    expect(readReleaseRequestSettings(env(JSON.stringify(SETTINGS)))).toEqual(SETTINGS);
  });

  test.each([
    [undefined, /has no MLOPS_RELEASE_REQUEST_SETTINGS environment variable/],
    ['{', /is not valid JSON/],
    [JSON.stringify({ ...SETTINGS, group: { name: 'churn' } }), /group must have a name, an account and a region/],
    [JSON.stringify({ ...SETTINGS, key: '' }), /must name the request's bucket and key/],
  ])('%s is refused', (value, message) => {
    expect(() => readReleaseRequestSettings(env(value))).toThrow(message);
  });

  test('a misconfigured function says so once and drops the event (no retry can fix it)', async () => {
    resetForTests();
    delete process.env[RELEASE_REQUEST_SETTINGS_VARIABLE];
    const outcome = await handler(approval());
    expect(outcome).toMatchObject({ kind: 'failed', message: expect.stringMatching(/release-request function is misconfigured/) });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  test('the handler writes the request its settings say', async () => {
    resetForTests();
    process.env[RELEASE_REQUEST_SETTINGS_VARIABLE] = JSON.stringify(SETTINGS);
    try {
      expect(await handler(approval())).toMatchObject({ kind: 'requested', modelPackageArn: PACKAGE });
    } finally {
      delete process.env[RELEASE_REQUEST_SETTINGS_VARIABLE];
      resetForTests();
    }
  });
});
