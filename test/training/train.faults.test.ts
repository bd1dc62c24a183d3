import 'aws-sdk-client-mock-jest';
import { CodePipelineClient, PutJobFailureResultCommand, PutJobSuccessResultCommand } from '@aws-sdk/client-codepipeline';
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateModelPackageCommand, CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DATA_BUCKET, WORK_BUCKET, trainEvent, trainJob, trainingSettings } from './train-fixtures';
import { TRAINING_SPEC_VARIABLE } from '../../src/contract/training-settings';
import { handler, readTrainingSettings, runTrainJob, trainingJobName } from '../../src/runtime/handlers/train.lambda';
import { registrationToken } from '../../src/runtime/training/model-registration';
import { awsError } from '../fixtures/aws-error';
import { clientsIn, mockedClients } from '../harness/mocked-clients';

const { sagemaker, s3, codepipeline } = mockedClients({ sagemaker: SageMakerClient, s3: S3Client, codepipeline: CodePipelineClient });
const clients = clientsIn({ sagemaker: SageMakerClient, s3: S3Client });

const EXEC = 'exec-2222';
const JOB = trainingJobName(trainingSettings(), EXEC);
const MODEL_URL = `s3://${WORK_BUCKET}/training-output/${JOB}/output/model.tar.gz`;
const TRAINING = JSON.stringify({ phase: 'training', job: JOB });

beforeEach(() => {
  s3.on(HeadObjectCommand, { Bucket: WORK_BUCKET }).rejects(awsError('NotFound', 'Not Found', 404));
  s3.on(HeadObjectCommand, { Bucket: DATA_BUCKET }).resolves({ ContentLength: 2048 });
  s3.on(CopyObjectCommand).resolves({});
  sagemaker.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${JOB}` });
  sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Starting' });
});

describe('train handler: Train step', () => {
  test('names the job after the execution, within SageMaker\'s 63 characters', () => {
    expect(JOB).toMatch(/^churn-training-train-r[0-9a-f]{10}$/);
    expect(trainingJobName(trainingSettings({ jobPrefix: 'a'.repeat(51) }), EXEC).length).toBeLessThanOrEqual(63);
    expect(trainingJobName(trainingSettings(), 'exec-other')).not.toBe(JOB);
  });

  test('copies the exact data version into the run\'s folder and starts the job on that copy', async () => {
    const outcome = await runTrainJob(trainJob({ step: 'train', executionId: EXEC, dataVersion: 'v9' }), trainingSettings(), clients);

    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: WORK_BUCKET,
      Key: `training-data/${JOB}/train/train.csv`,
      CopySource: `${DATA_BUCKET}/churn/train.csv?versionId=v9`,
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateTrainingJobCommand, {
      TrainingJobName: JOB,
      RoleArn: trainingSettings().roleArn,
      AlgorithmSpecification: { TrainingImage: trainingSettings().trainingImage, TrainingInputMode: 'File' },
      HyperParameters: { objective: 'binary:logistic', num_round: '50' },
      InputDataConfig: [{
        ChannelName: 'train',
        ContentType: 'text/csv',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${WORK_BUCKET}/training-data/${JOB}/train/`, S3DataDistributionType: 'FullyReplicated' } },
      }],
      OutputDataConfig: { S3OutputPath: `s3://${WORK_BUCKET}/training-output/` },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn-training' }],
    });
    expect(sagemaker.commandCalls(CreateTrainingJobCommand)[0].args[0].input.EnableManagedSpotTraining).toBeUndefined();
    expect(outcome).toEqual({ kind: 'in-progress', message: `Training job ${JOB} is InProgress (Starting)`, continuationToken: TRAINING });
  });

  test('spot training waits up to the given time and keeps checkpoints under the run\'s own prefix; output is encrypted with the output bucket\'s key', async () => {
    const settings = trainingSettings({ spot: { maxWaitSeconds: 7200 }, output: { s3Uri: `s3://${WORK_BUCKET}/training-output/`, kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k-1' } });
    await runTrainJob(trainJob({ executionId: EXEC }), settings, clients);

    expect(sagemaker).toHaveReceivedCommandWith(CreateTrainingJobCommand, {
      EnableManagedSpotTraining: true,
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      CheckpointConfig: { S3Uri: `s3://${WORK_BUCKET}/training-checkpoints/${JOB}/` },
      OutputDataConfig: { S3OutputPath: `s3://${WORK_BUCKET}/training-output/`, KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k-1' },
    });
  });

  test('network isolation and inter-container encryption are asked for when the settings say so, and left out otherwise', async () => {
    const isolatedSettings = trainingSettings({ networkIsolation: true, interContainerEncryption: true, instanceCount: 2 });
    await runTrainJob(trainJob({ executionId: EXEC }), isolatedSettings, clients);
    await runTrainJob(trainJob({ executionId: 'exec-plain' }), trainingSettings(), clients);

    const [isolated, plain] = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input);
    expect(isolated).toMatchObject({
      EnableNetworkIsolation: true, EnableInterContainerTrafficEncryption: true, ResourceConfig: { InstanceCount: 2 },
    });
    expect(plain.EnableNetworkIsolation).toBeUndefined();
    expect(plain.EnableInterContainerTrafficEncryption).toBeUndefined();
  });

  test('further channels follow the data\'s, read where they are', async () => {
    const settings = trainingSettings({ extraChannels: [{ name: 'validation', s3Uri: 's3://team-data/churn/validation/', contentType: 'text/csv' }, { name: 'extra', s3Uri: 's3://team-data/x/' }] });
    await runTrainJob(trainJob({ executionId: EXEC }), settings, clients);

    expect(sagemaker.commandCalls(CreateTrainingJobCommand)[0].args[0].input.InputDataConfig).toEqual([
      expect.objectContaining({ ChannelName: 'train' }),
      {
        ChannelName: 'validation',
        ContentType: 'text/csv',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://team-data/churn/validation/', S3DataDistributionType: 'FullyReplicated' } },
      },
      { ChannelName: 'extra', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://team-data/x/', S3DataDistributionType: 'FullyReplicated' } } },
    ]);
  });

  test('a retried first call finds the job an earlier attempt started and polls it instead of failing', async () => {
    s3.on(HeadObjectCommand, { Bucket: WORK_BUCKET }).resolves({ ContentLength: 2048 });
    sagemaker.on(CreateTrainingJobCommand).rejects(awsError('ResourceInUse', `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${JOB})`));

    const outcome = await runTrainJob(trainJob({ executionId: EXEC }), trainingSettings(), clients);

    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    expect(outcome.kind).toBe('in-progress');
  });

  test('missing training data fails the action, naming the object and version, before any job starts', async () => {
    s3.on(HeadObjectCommand, { Bucket: DATA_BUCKET }).rejects(awsError('NotFound', 'Not Found', 404));

    const outcome = await runTrainJob(trainJob({ executionId: EXEC, dataVersion: 'v9' }), trainingSettings(), clients);

    expect(outcome).toEqual({ kind: 'failed', message: `Training failed: Training data s3://${DATA_BUCKET}/churn/train.csv (version v9) does not exist or cannot be read` });
    expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
  });

  test('throttling on the first call asks to start again; a refused request fails with SageMaker\'s reason', async () => {
    sagemaker.on(CreateTrainingJobCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejects(awsError('ResourceLimitExceeded', 'The account-level service limit \'ml.p3.16xlarge for training job usage\' is 0 Instances'));

    const retry = await runTrainJob(trainJob({ executionId: EXEC }), trainingSettings(), clients);
    expect(retry).toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: '{"phase":"starting"}' });

    const refused = await runTrainJob(trainJob({ executionId: EXEC }, retry.kind === 'in-progress' ? retry.continuationToken : undefined), trainingSettings(), clients);
    expect(refused).toEqual({ kind: 'failed', message: expect.stringMatching(/^ResourceLimitExceeded: The account-level service limit/) });
  });

  test('polls without sleeping: in progress keeps the token, throttling keeps it too', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolvesOnce({ TrainingJobStatus: 'InProgress', SecondaryStatus: 'Training' })
      .rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'));

    expect(await runTrainJob(trainJob({ executionId: EXEC }, TRAINING), trainingSettings(), clients))
      .toEqual({ kind: 'in-progress', message: `Training job ${JOB} is InProgress (Training)`, continuationToken: TRAINING });
    expect(await runTrainJob(trainJob({ executionId: EXEC }, TRAINING), trainingSettings(), clients))
      .toEqual({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: TRAINING });
    expect(sagemaker).not.toHaveReceivedCommand(CreateTrainingJobCommand);
  });

  test('a completed job succeeds with its name and model artifact as output variables', async () => {
    sagemaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed', BillableTimeInSeconds: 312, ModelArtifacts: { S3ModelArtifacts: MODEL_URL },
    });

    expect(await runTrainJob(trainJob({ executionId: EXEC }, TRAINING), trainingSettings(), clients)).toEqual({
      kind: 'succeeded',
      message: `Training job ${JOB} completed; 312 s billed`,
      outputVariables: { TrainingJobName: JOB, ModelDataUrl: MODEL_URL },
    });
  });

  test.each([
    [{ TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: num_round must be positive' }, 'is Failed: AlgorithmError: num_round must be positive'],
    [{ TrainingJobStatus: 'Stopped' }, 'is Stopped: SageMaker gave no reason'],
    [{ TrainingJobStatus: 'Completed' }, 'completed without a model artifact'],
  ])('a job that ends %j fails the action with the reason', async (answer, reason) => {
    sagemaker.on(DescribeTrainingJobCommand).resolves(answer as object);

    const outcome = await runTrainJob(trainJob({ executionId: EXEC }, TRAINING), trainingSettings(), clients);

    expect(outcome).toEqual({ kind: 'failed', message: `Training failed: Training job ${JOB} ${reason}` });
  });

  test('a continuation token naming another pipeline\'s job is refused', async () => {
    const outcome = await runTrainJob(trainJob({ executionId: EXEC }, JSON.stringify({ phase: 'training', job: 'other-train-r0000000000' })), trainingSettings(), clients);

    expect(outcome).toEqual({ kind: 'failed', message: 'The continuation token names no training job of this pipeline' });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeTrainingJobCommand);
  });

  test('an unknown step and a missing execution id fail with the parameter\'s name', async () => {
    expect(await runTrainJob(trainJob({ step: 'deploy' }), trainingSettings(), clients))
      .toEqual({ kind: 'failed', message: 'UserParameters.step "deploy" is not one of train, register' });
    expect(await runTrainJob(trainJob({ step: 'train' }), trainingSettings(), clients))
      .toEqual({ kind: 'failed', message: 'UserParameters.executionId must be a non-empty string' });
  });
});

describe('train handler: Register step', () => {
  const register = (overrides: Record<string, unknown> = {}) => trainJob({ step: 'register', trainingJobName: JOB, modelDataUrl: MODEL_URL, dataVersion: 'v9', ...overrides });

  beforeEach(() => {
    sagemaker.on(CreateModelPackageCommand).resolves({ ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-training/3' });
  });

  test('registers the model pending manual approval, with the inference image, lineage and an idempotency token', async () => {
    const outcome = await runTrainJob(register(), trainingSettings(), clients);

    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageCommand, {
      ModelPackageGroupName: 'churn-training',
      ModelPackageDescription: `Trained by churn-training (training job ${JOB})`,
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: trainingSettings().inferenceImage, ModelDataUrl: MODEL_URL }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      CustomerMetadataProperties: { 'mlops:training-job': JOB, 'mlops:data-version': 'v9' },
      ClientToken: registrationToken(JOB),
    });
    expect(registrationToken(JOB)).toMatch(/^[a-f0-9]{36}$/);
    expect(outcome).toEqual({
      kind: 'succeeded',
      message: `Registered ${JOB}'s model as arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-training/3 (PendingManualApproval)`,
      outputVariables: { ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-training/3' },
    });
  });

  test('registers with the approval status the pipeline was given', async () => {
    await runTrainJob(register(), trainingSettings({ approvalStatus: 'Approved' }), clients);

    expect(sagemaker).toHaveReceivedCommandWith(CreateModelPackageCommand, { ModelApprovalStatus: 'Approved' });
  });

  test.each([
    [{ modelDataUrl: 's3://elsewhere/model.tar.gz' }, /is not under this pipeline's training output/],
    [{ modelDataUrl: `s3://${WORK_BUCKET}/training-output/../secrets/model.tar.gz` }, /is not under this pipeline's training output/],
    [{ modelDataUrl: `s3://${WORK_BUCKET}/training-output/churn-training-train-r0000000000/output/model.tar.gz` }, /is not the output of training job/],
    [{ trainingJobName: 'someone-else-r0000000000' }, /is not a training job of this pipeline/],
  ])('refuses to register %j', async (overrides, message) => {
    const outcome = await runTrainJob(register(overrides), trainingSettings(), clients);

    expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(message) });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelPackageCommand);
  });

  test('a missing group fails with SageMaker\'s reason; throttling retries the step', async () => {
    sagemaker.on(CreateModelPackageCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .rejects(awsError('ValidationException', 'Model Package Group churn-training does not exist.'));

    expect((await runTrainJob(register(), trainingSettings(), clients)).kind).toBe('in-progress');
    expect(await runTrainJob(register(), trainingSettings(), clients))
      .toEqual({ kind: 'failed', message: 'ValidationException: Model Package Group churn-training does not exist.' });
  });
});

describe('train handler: entry point', () => {
  const ENV = { [TRAINING_SPEC_VARIABLE]: JSON.stringify(trainingSettings()) };

  test('reads its settings from the environment, naming the variable when it is missing', () => {
    expect(readTrainingSettings(ENV)).toEqual(trainingSettings());
    expect(() => readTrainingSettings({})).toThrow(`The train handler has no ${TRAINING_SPEC_VARIABLE} environment variable`);
  });

  test('reports an in-progress step to CodePipeline with its continuation token, and a failure with its reason', async () => {
    const previous = process.env[TRAINING_SPEC_VARIABLE];
    process.env[TRAINING_SPEC_VARIABLE] = ENV[TRAINING_SPEC_VARIABLE];
    try {
      await handler(trainEvent({ step: 'train', executionId: EXEC }));
      expect(codepipeline).toHaveReceivedCommandWith(PutJobSuccessResultCommand, { jobId: 'job-1', continuationToken: TRAINING });

      sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobStatus: 'Failed', FailureReason: 'ClientError: no data' });
      await handler(trainEvent({ step: 'train', executionId: EXEC }, TRAINING));
      expect(codepipeline).toHaveReceivedCommandWith(PutJobFailureResultCommand, {
        jobId: 'job-1',
        failureDetails: { type: 'JobFailed', message: `Training failed: Training job ${JOB} is Failed: ClientError: no data` },
      });
    } finally {
      if (previous === undefined) delete process.env[TRAINING_SPEC_VARIABLE]; else process.env[TRAINING_SPEC_VARIABLE] = previous;
    }
  });
});
