import 'aws-sdk-client-mock-jest';
import { CreateTransformJobCommand, DescribeTransformJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { awsError, batchSpec, transformRequest } from './batch-fixtures';
import { releaseId, releasePrefixFor, SAGEMAKER_NAME_MAX } from '../../../src/contract/naming';
import {
  continueTransform,
  startTransform,
  TransformState,
  transformJobInput,
  transformJobName,
  transformOutputUri,
} from '../../../src/runtime/batch-transform';
import { mockedClients } from '../../harness/mocked-clients';

const { sagemaker: sagemakerMock } = mockedClients({ sagemaker: SageMakerClient });
const sagemaker = new SageMakerClient({ region: 'us-east-1' });

const EXEC = 'exec-2222';
const REQUEST = transformRequest(EXEC);
const JOB = transformJobName(REQUEST.spec, EXEC);
const OUTPUT = `s3://batch-output/scores/${releaseId(EXEC)}/`;
const AWAITING: TransformState = { phase: 'awaiting-job', job: JOB, output: OUTPUT };

const notFound = () => awsError('ValidationException', `Could not find requested job with name ${JOB}`);
const throttled = () => awsError('ThrottlingException', 'Rate exceeded');

describe('names and input', () => {
  test('the job name is the release name: deterministic per execution and within SageMaker\'s rule for the longest prefix', () => {
    const prefix = releasePrefixFor('a-very-long-model-name-for-the-churn-team', 'nightly-batch-scoring-environment');
    const spec = batchSpec({ releasePrefix: prefix });
    const name = transformJobName(spec, EXEC);
    expect(name).toBe(transformJobName(spec, EXEC));
    expect(name).not.toBe(transformJobName(spec, 'exec-3333'));
    expect(name.length).toBeLessThanOrEqual(SAGEMAKER_NAME_MAX);
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
  });

  test('the output folder is under the prefix, with or without its trailing slash', () => {
    expect(transformOutputUri(batchSpec(), EXEC)).toBe(OUTPUT);
    expect(transformOutputUri(batchSpec({ outputS3Uri: 's3://batch-output/scores' }), EXEC)).toBe(OUTPUT);
  });

  test('KMS encrypts output and volumes; records other than lines are not reassembled as lines', () => {
    const input = transformJobInput(batchSpec({ kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k', splitType: 'RecordIO' }), JOB, OUTPUT);
    expect(input.TransformOutput).toMatchObject({ KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k', AssembleWith: undefined });
    expect(input.TransformResources?.VolumeKmsKeyId).toBe('arn:aws:kms:us-east-1:123456789012:key/k');
    expect(input.TransformInput?.SplitType).toBe('RecordIO');
  });
});

describe('startTransform', () => {
  test('a new job is created once and waited for', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(notFound());
    sagemakerMock.on(CreateTransformJobCommand).resolves({ TransformJobArn: 'arn' });
    const outcome = await startTransform(REQUEST, sagemaker);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: AWAITING });
    expect(sagemakerMock).toHaveReceivedCommandTimes(CreateTransformJobCommand, 1);
    expect(sagemakerMock).toHaveReceivedCommandWith(CreateTransformJobCommand, { TransformJobName: JOB, ModelName: JOB });
  });

  test('an existing job of the release (a retried action) is followed, never created again', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).resolves({ TransformJobName: JOB, TransformJobStatus: 'InProgress' });
    const outcome = await startTransform(REQUEST, sagemaker);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: AWAITING, message: `Transform job ${JOB} is InProgress` });
    expect(sagemakerMock).not.toHaveReceivedCommand(CreateTransformJobCommand);
  });

  test('ResourceInUse on create (an earlier attempt\'s create landed after our look) is followed, not failed', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(notFound());
    sagemakerMock.on(CreateTransformJobCommand).rejects(awsError('ResourceInUse', 'Job name must be unique within an AWS account and region, and a job with this name already exists'));
    const outcome = await startTransform(REQUEST, sagemaker);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: AWAITING, message: expect.stringMatching(/already started/) });
  });

  test('throttling on create comes back as "start again", and the next call does', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(notFound());
    sagemakerMock.on(CreateTransformJobCommand).rejectsOnce(throttled()).resolves({ TransformJobArn: 'arn' });
    const first = await startTransform(REQUEST, sagemaker);
    expect(first).toMatchObject({ kind: 'in-progress', state: { phase: 'starting', job: JOB, output: OUTPUT } });
    expect(first.message).toMatch(/ThrottlingException \(Rate exceeded\); trying again/);

    const second = await continueTransform(REQUEST, (first as { state: TransformState }).state, sagemaker);
    expect(second).toMatchObject({ kind: 'in-progress', state: AWAITING, message: expect.stringMatching(/^Started/) });
    expect(sagemakerMock).toHaveReceivedCommandTimes(CreateTransformJobCommand, 2);
  });

  test('a 5xx on the first look is transient too', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(awsError('InternalFailure', 'oops', 500));
    const outcome = await startTransform(REQUEST, sagemaker);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: { phase: 'starting' } });
    expect(sagemakerMock).not.toHaveReceivedCommand(CreateTransformJobCommand);
  });

  test('a refused create (the release model is missing) fails with SageMaker\'s message', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(notFound());
    sagemakerMock.on(CreateTransformJobCommand).rejects(awsError('ValidationException', `Could not find model "${JOB}".`));
    const outcome = await startTransform(REQUEST, sagemaker);
    expect(outcome).toEqual({
      kind: 'failed',
      message: `Could not start transform job ${JOB} for environment nightly: ValidationException: Could not find model "${JOB}".`,
    });
  });
});

describe('continueTransform', () => {
  test.each(['InProgress', 'Stopping'])('%s keeps the same state', async (status) => {
    sagemakerMock.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: status as never });
    expect(await continueTransform(REQUEST, AWAITING, sagemaker)).toEqual({ kind: 'in-progress', state: AWAITING, message: `Transform job ${JOB} is ${status}` });
  });

  test('Completed succeeds with the output folder and how long SageMaker took', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).resolves({
      TransformJobStatus: 'Completed',
      TransformStartTime: new Date('2026-11-29T10:00:00Z'),
      TransformEndTime: new Date('2026-11-29T10:07:30Z'),
    });
    expect(await continueTransform(REQUEST, AWAITING, sagemaker)).toMatchObject({ kind: 'succeeded', job: JOB, output: OUTPUT, durationSeconds: 450 });
  });

  test('Failed carries SageMaker\'s reason', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).resolves({
      TransformJobStatus: 'Failed',
      FailureReason: 'ClientError: See job logs for more information',
    });
    expect(await continueTransform(REQUEST, AWAITING, sagemaker)).toEqual({
      kind: 'failed',
      message: `Transform job ${JOB} failed: ClientError: See job logs for more information`,
    });
  });

  test('Stopped (someone stopped it) fails the release', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).resolves({ TransformJobStatus: 'Stopped' });
    expect(await continueTransform(REQUEST, AWAITING, sagemaker)).toEqual({ kind: 'failed', message: `Transform job ${JOB} was stopped before it completed` });
  });

  test('throttling while checking keeps waiting with the same state', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(throttled());
    const outcome = await continueTransform(REQUEST, AWAITING, sagemaker);
    expect(outcome).toMatchObject({ kind: 'in-progress', state: AWAITING });
    expect(outcome.message).toMatch(/^Checking transform job .* met ThrottlingException/);
  });

  test('a non-transient error while checking is thrown for the handler to report', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(awsError('AccessDeniedException', 'not allowed'));
    await expect(continueTransform(REQUEST, AWAITING, sagemaker)).rejects.toThrow('not allowed');
  });

  test('a job not found yet (just created) is started again; a duplicate create then waits for it', async () => {
    sagemakerMock.on(DescribeTransformJobCommand).rejects(notFound());
    sagemakerMock.on(CreateTransformJobCommand).rejects(awsError('ResourceInUse', 'a job with this name already exists'));
    expect(await continueTransform(REQUEST, AWAITING, sagemaker)).toMatchObject({ kind: 'in-progress', state: AWAITING });
  });

  test('an unknown phase in a token fails clearly', async () => {
    const outcome = await continueTransform(REQUEST, { ...AWAITING, phase: 'bogus' as never }, sagemaker);
    expect(outcome).toEqual({ kind: 'failed', message: 'Unknown transform phase "bogus"' });
  });
});
