import { CreateBucketCommand, GetObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateModelPackageGroupCommand,
  DescribeModelPackageCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DATA_BUCKET, WORK_BUCKET, trainJob, trainingSettings } from './train-fixtures';
import { runTrainJob, trainingJobName } from '../../src/runtime/handlers/train.lambda';
import { asObserver } from '../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../aws-contracts/handler-calls/jest-checks';
import { trainingTrain } from '../aws-contracts/worlds/training-world';
import { runActionToCompletion } from '../fixtures/codepipeline-driver';
import { ownMotoServer } from '../harness/own-moto-server';

checkHandlerCallsAs(trainingTrain);

/**
 * A training run through the train handler against moto, as CodePipeline
 * drives it: the Train action until the job ends, then the Register action
 * with the Train action's output variables. Every call is checked against
 * botocore's model and the train function's policies.
 */
ownMotoServer();
let clients: { sagemaker: SageMakerClient; s3: S3Client };

const EXEC = 'exec-3333';
const JOB = trainingJobName(trainingSettings(), EXEC);

beforeAll(() => {
  clients = { sagemaker: new SageMakerClient({}), s3: new S3Client({}) };
});

let dataVersion: string;

beforeEach(async () => {
  await asObserver(async () => {
    for (const bucket of [DATA_BUCKET, WORK_BUCKET]) {
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: DATA_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await clients.s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: 'churn/train.csv', Body: '1,0.5,0.2\n0,0.1,0.9\n' }));
    dataVersion = first.VersionId!;
    // A newer upload: the run must still train on the version its execution was started for.
    await clients.s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: 'churn/train.csv', Body: 'newer\n' }));
    await clients.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: 'churn-training' }));
  });
});

test('trains on the execution\'s data version, then registers the model pending manual approval', async () => {
  const settings = trainingSettings({ spot: { maxWaitSeconds: 7200 }, networkIsolation: true, extraChannels: [{ name: 'validation', s3Uri: `s3://${DATA_BUCKET}/churn/validation/`, contentType: 'text/csv' }] });
  const train = await runActionToCompletion((job) => runTrainJob(job, settings, clients), trainJob({ step: 'train', executionId: EXEC, dataVersion }));

  expect(train.final).toEqual({
    kind: 'succeeded',
    message: expect.stringMatching(new RegExp(`^Training job ${JOB} completed`)),
    outputVariables: { TrainingJobName: JOB, ModelDataUrl: `s3://${WORK_BUCKET}/training-output/${JOB}/output/model.tar.gz` },
  });
  expect(train.steps[0].outcome.kind).toBe('in-progress');
  const outputs = (train.final as { outputVariables: Record<string, string> }).outputVariables;

  const register = await runTrainJob(trainJob({
    step: 'register', trainingJobName: outputs.TrainingJobName, modelDataUrl: outputs.ModelDataUrl, dataVersion,
  }), settings, clients);
  expect(register).toEqual({ kind: 'succeeded', message: expect.stringContaining('(PendingManualApproval)'), outputVariables: { ModelPackageArn: expect.any(String) } });

  await asObserver(async () => {
    const copy = await clients.s3.send(new GetObjectCommand({ Bucket: WORK_BUCKET, Key: `training-data/${JOB}/train/train.csv` }));
    expect(await copy.Body!.transformToString()).toBe('1,0.5,0.2\n0,0.1,0.9\n');
    const job = await clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: JOB }));
    expect(job.EnableManagedSpotTraining).toBe(true);
    const tags = await clients.sagemaker.send(new ListTagsCommand({ ResourceArn: job.TrainingJobArn }));
    expect(tags.Tags).toEqual([{ Key: 'mlops:pipeline', Value: 'churn-training' }]);
    expect(job.InputDataConfig?.map((c) => c.ChannelName)).toEqual(['train', 'validation']);
    const packages = await clients.sagemaker.send(new ListModelPackagesCommand({ ModelPackageGroupName: 'churn-training' }));
    expect(packages.ModelPackageSummaryList).toHaveLength(1);
    const version = packages.ModelPackageSummaryList![0].ModelPackageArn;
    const registered = await clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: version }));
    expect(registered.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(registered.InferenceSpecification?.Containers?.[0].ModelDataUrl).toBe(outputs.ModelDataUrl);
  });
});

test('a retried Train action of the same execution does not start a second job', async () => {
  const settings = trainingSettings();
  const first = await runTrainJob(trainJob({ executionId: EXEC, dataVersion }), settings, clients);
  const again = await runTrainJob(trainJob({ executionId: EXEC, dataVersion }), settings, clients);

  expect(first.kind).toBe('in-progress');
  expect(again).toMatchObject({ kind: 'succeeded', outputVariables: { TrainingJobName: JOB } });
  const jobs = await asObserver(() => clients.sagemaker.send(new ListTrainingJobsCommand({})));
  expect(jobs.TrainingJobSummaries?.map((j) => j.TrainingJobName)).toEqual([JOB]);
});
