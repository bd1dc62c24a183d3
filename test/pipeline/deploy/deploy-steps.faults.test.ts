import 'aws-sdk-client-mock-jest';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateDataQualityJobDefinitionCommand,
  CreateModelCommand,
  CreateMonitoringScheduleCommand,
  CreateProcessingJobCommand,
  CreateTransformJobCommand,
  DeleteModelCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  DescribeTransformJobCommand,
  ListDataQualityJobDefinitionsCommand,
  ListModelsCommand,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from './deploy-fixtures';
import type { BatchEnvironmentSpec } from '../../../src/contract/batch-settings';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import { baselineJobName, dataQualityDefinitionName, monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { releaseId, releaseName } from '../../../src/contract/naming';
import type { CodePipelineJob } from '../../../src/runtime/codepipeline-job';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';
import { batchSpec } from '../../runtime/batch/batch-fixtures';
import { monitoringSpec } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * The deploy function's batch release and Monitor steps when AWS answers
 * what moto cannot make it answer: throttling, failed jobs, a schedule still
 * applying a change. Each case drives `runDeployJob` as CodePipeline would,
 * replaying the continuation token it handed back.
 */
const { sagemaker, s3 } = mockedClients({ sagemaker: SageMakerClient, s3: S3Client });
const clients = clientsIn({ sagemaker: SageMakerClient, s3: S3Client, autoscaling: ApplicationAutoScalingClient });

const EXEC = 'exec-5555';
const RELEASE = releaseName('churn-dev', releaseId(EXEC));
const OUTPUT = `s3://batch-output/scores/${releaseId(EXEC)}/`;
const AWAITING_TRANSFORM = JSON.stringify({ phase: 'awaiting-job', job: RELEASE, output: OUTPUT });

const notFound = () => awsError('NotFound', 'Not Found', 404);
const throttled = () => awsError('ThrottlingException', 'Rate exceeded');
const noJob = (name: string) => awsError('ValidationException', `Could not find requested job with name ${name}`);

/** A job of the given step for the dev environment; the continuation token as CodePipeline hands it back. */
function stepJob(step: string, continuationToken?: string): CodePipelineJob {
  const deployJob = job(EXEC, { continuationToken, artifactVersion: 'v3' });
  return { ...deployJob, userParameters: { ...deployJob.userParameters, step } };
}

function tokenOf(outcome: Awaited<ReturnType<typeof runDeployJob>>): string {
  if (outcome.kind !== 'in-progress') {
    throw new Error(`expected in-progress, got ${outcome.kind}: ${outcome.message}`);
  }
  return outcome.continuationToken;
}

describe('batch release', () => {
  const batch: BatchEnvironmentSpec = (() => {
    const { releasePrefix: _p, instanceType: _t, instanceCount: _c, kmsKeyArn: _k, tags: _g, ...transform } = batchSpec();
    return { ...transform, check: { minObjects: 1 } };
  })();
  const spec = deploySpec({ dev: envSpec({ batch }) });

  beforeEach(() => {
    // Default world: the artifact version exists, no release copy, model or transform yet.
    s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejects(notFound());
    s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).resolves({ ContentLength: 1024 });
    s3.on(CopyObjectCommand).resolves({});
    sagemaker.on(CreateModelCommand).resolves({});
    sagemaker.on(DescribeTransformJobCommand).rejects(noJob(RELEASE));
    sagemaker.on(CreateTransformJobCommand).resolves({ TransformJobArn: 'arn' });
  });

  test('throttling on CreateTransformJob hands back a token that, replayed, starts the transform again past the model that now exists', async () => {
    sagemaker.on(CreateTransformJobCommand).rejectsOnce(throttled()).resolves({ TransformJobArn: 'arn' });

    const first = await runDeployJob(stepJob('release'), spec, clients);
    expect(first).toMatchObject({ kind: 'in-progress', message: expect.stringMatching(/ThrottlingException/) });
    expect(JSON.parse(tokenOf(first))).toEqual({ phase: 'starting', job: RELEASE, output: OUTPUT });

    // The first call staged the copy and created the model: SageMaker refuses a second model of that name.
    s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).resolves({ ContentLength: 1024 });
    sagemaker.on(CreateModelCommand).rejects(awsError('ValidationException', `Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/${RELEASE}".`));
    const second = await runDeployJob(stepJob('release', tokenOf(first)), spec, clients);

    expect(JSON.parse(tokenOf(second))).toEqual({ phase: 'awaiting-job', job: RELEASE, output: OUTPUT });
    expect(sagemaker).toHaveReceivedCommandTimes(CreateTransformJobCommand, 2);
    expect(sagemaker).toHaveReceivedCommandWith(CreateTransformJobCommand, { TransformJobName: RELEASE, ModelName: RELEASE });
    expect(s3).toHaveReceivedCommandTimes(CopyObjectCommand, 1);
  });

  test('a Failed transform fails the release with SageMaker\'s FailureReason and removes no model', async () => {
    sagemaker.on(DescribeTransformJobCommand).resolves({
      TransformJobName: RELEASE,
      TransformJobStatus: 'Failed',
      FailureReason: 'ClientError: See job logs for more information',
    });
    expect(await runDeployJob(stepJob('release', AWAITING_TRANSFORM), spec, clients)).toEqual({
      kind: 'failed',
      message: `Batch release to dev failed: Transform job ${RELEASE} failed: ClientError: See job logs for more information`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(ListModelsCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteModelCommand);
  });

  test('a missing artifact version fails the release before any model or transform', async () => {
    s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).rejects(notFound());
    expect(await runDeployJob(stepJob('release'), spec, clients)).toEqual({
      kind: 'failed',
      message: `Batch release to dev failed: Model artifact s3://${MODEL_BUCKET}/churn/model.tar.gz (version v3) does not exist or cannot be read`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(CreateModelCommand);
    expect(sagemaker).not.toHaveReceivedCommand(CreateTransformJobCommand);
  });

  test('a "starting" token (a transient error before anything was accepted) starts the release from the beginning', async () => {
    const outcome = await runDeployJob(stepJob('release', JSON.stringify({ phase: 'starting' })), spec, clients);
    expect(JSON.parse(tokenOf(outcome))).toEqual({ phase: 'awaiting-job', job: RELEASE, output: OUTPUT });
    expect(s3).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: RELEASE_BUCKET, CopySource: `${MODEL_BUCKET}/churn/model.tar.gz?versionId=v3` });
    expect(sagemaker).toHaveReceivedCommandWith(CreateModelCommand, { ModelName: RELEASE });
    expect(sagemaker).toHaveReceivedCommandWith(CreateTransformJobCommand, { TransformJobName: RELEASE });
  });

  test('an old model that cannot be removed is reported, and the completed release still succeeds', async () => {
    const old = ['exec-a', 'exec-b'].map((e) => releaseName('churn-dev', releaseId(e)));
    sagemaker.on(DescribeTransformJobCommand).resolves({ TransformJobName: RELEASE, TransformJobStatus: 'Completed' });
    sagemaker.on(ListModelsCommand).resolves({
      Models: [
        { ModelName: RELEASE, ModelArn: 'a', CreationTime: new Date(3000) },
        { ModelName: old[0], ModelArn: 'a', CreationTime: new Date(2000) },
        { ModelName: old[1], ModelArn: 'a', CreationTime: new Date(1000) },
      ],
    });
    sagemaker.on(DeleteModelCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DeleteModel'));

    const outcome = await runDeployJob(stepJob('release', AWAITING_TRANSFORM), deploySpec({ dev: envSpec({ batch, keepReleases: 1 }) }), clients);
    expect(outcome).toMatchObject({ kind: 'succeeded', outputVariables: { ModelName: RELEASE, TransformJobName: RELEASE, OutputUri: OUTPUT } });
    expect(sagemaker).toHaveReceivedCommandTimes(DeleteModelCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteModelCommand, { ModelName: old[1] });
    expect(outcome.message).toContain(`could not remove ${old[1]} (not authorized to perform: sagemaker:DeleteModel); the next release tries again`);
  });
});

describe('monitor step', () => {
  const fixture = monitoringSpec();
  const monitoring: EnvironmentMonitoringSpec = (() => {
    const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...rest } = fixture;
    return rest;
  })();
  const spec = deploySpec({ dev: envSpec({ monitoring }) });
  const JOB = baselineJobName(fixture.namePrefix, EXEC);
  const BASELINE_OUTPUT = `s3://churn-monitoring/prod/baselines/${JOB}`;
  const BASELINE = { jobName: JOB, statisticsUri: `${BASELINE_OUTPUT}/statistics.json`, constraintsUri: `${BASELINE_OUTPUT}/constraints.json` };
  const DEFINITION = dataQualityDefinitionName(fixture.namePrefix, BASELINE.statisticsUri, BASELINE.constraintsUri);
  const SCHEDULE = monitoringScheduleName(fixture.namePrefix);
  const AWAITING_BASELINE = JSON.stringify({ phase: 'baseline', baseline: { jobName: JOB, outputUri: BASELINE_OUTPUT } });

  beforeEach(() => {
    // Default world: no baseline job, job definition or schedule yet.
    sagemaker.on(DescribeProcessingJobCommand).rejects(noJob(JOB));
    sagemaker.on(CreateProcessingJobCommand).resolves({ ProcessingJobArn: 'arn' });
    sagemaker.on(DescribeDataQualityJobDefinitionCommand).rejects(awsError('ResourceNotFound', 'Job definition not found'));
    sagemaker.on(CreateDataQualityJobDefinitionCommand).resolves({});
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(awsError('ResourceNotFound', `Monitoring schedule ${SCHEDULE} does not exist`));
    sagemaker.on(CreateMonitoringScheduleCommand).resolves({});
    sagemaker.on(UpdateMonitoringScheduleCommand).resolves({});
    sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
  });

  test('a baseline in progress hands back a "baseline" token, kept while the job runs, and starts no second job', async () => {
    const first = await runDeployJob(stepJob('monitor'), spec, clients);
    expect(tokenOf(first)).toBe(AWAITING_BASELINE);
    expect(sagemaker).toHaveReceivedCommandWith(CreateProcessingJobCommand, { ProcessingJobName: JOB });

    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: JOB, ProcessingJobStatus: 'InProgress' });
    const second = await runDeployJob(stepJob('monitor', tokenOf(first)), spec, clients);
    expect(tokenOf(second)).toBe(AWAITING_BASELINE);
    expect(sagemaker).toHaveReceivedCommandTimes(CreateProcessingJobCommand, 1);
    expect(sagemaker).not.toHaveReceivedCommand(CreateMonitoringScheduleCommand);
  });

  test('a completed baseline gets a job definition on its files and the schedule on it; ScheduleName and BaselineJobName are output', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: JOB, ProcessingJobStatus: 'Completed' });

    const outcome = await runDeployJob(stepJob('monitor', AWAITING_BASELINE), spec, clients);

    expect(outcome).toMatchObject({ kind: 'succeeded', outputVariables: { ScheduleName: SCHEDULE, BaselineJobName: JOB } });
    expect(sagemaker).toHaveReceivedCommandWith(CreateDataQualityJobDefinitionCommand, {
      JobDefinitionName: DEFINITION,
      DataQualityBaselineConfig: { StatisticsResource: { S3Uri: BASELINE.statisticsUri }, ConstraintsResource: { S3Uri: BASELINE.constraintsUri } },
      // The environment's endpoint, key and tags, not the monitoring fixture's.
      DataQualityJobInput: { EndpointInput: expect.objectContaining({ EndpointName: 'churn-dev' }) },
      Tags: [{ Key: 'mlops:environment', Value: 'dev' }],
    });
    expect(sagemaker).toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: DEFINITION, MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
    });
  });

  test('a schedule still Pending hands back a "schedule" token; the replay points it at the new baseline without checking the baseline again', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: JOB, ProcessingJobStatus: 'Completed' });
    const serving = (status: 'Pending' | 'Scheduled') => ({
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleStatus: status,
      MonitoringScheduleConfig: {
        MonitoringJobDefinitionName: dataQualityDefinitionName(fixture.namePrefix, 's3://m/b0/statistics.json', 's3://m/b0/constraints.json'),
        MonitoringType: 'DataQuality' as const,
        ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      },
    });
    sagemaker.on(DescribeMonitoringScheduleCommand).resolves(serving('Pending'));

    const first = await runDeployJob(stepJob('monitor', AWAITING_BASELINE), spec, clients);
    expect(JSON.parse(tokenOf(first))).toEqual({ phase: 'schedule', baseline: BASELINE });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);

    sagemaker.resetHistory();
    sagemaker.on(DescribeMonitoringScheduleCommand).resolves(serving('Scheduled'));
    const second = await runDeployJob(stepJob('monitor', tokenOf(first)), spec, clients);
    expect(second).toMatchObject({ kind: 'succeeded', outputVariables: { ScheduleName: SCHEDULE, BaselineJobName: JOB } });
    expect(sagemaker).toHaveReceivedCommandWith(UpdateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: expect.objectContaining({ MonitoringJobDefinitionName: DEFINITION }),
    });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeProcessingJobCommand);
  });

  test('a Failed baseline fails the step, naming the job and SageMaker\'s reason', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({
      ProcessingJobName: JOB,
      ProcessingJobStatus: 'Failed',
      FailureReason: 'AlgorithmError: the dataset has no header row',
    });
    expect(await runDeployJob(stepJob('monitor', AWAITING_BASELINE), spec, clients)).toEqual({
      kind: 'failed',
      message: `Drift detection on churn-dev: Baseline job ${JOB} is Failed: AlgorithmError: the dataset has no header row`,
    });
    expect(sagemaker).not.toHaveReceivedCommand(CreateMonitoringScheduleCommand);
  });

  test('the monitor step of an environment without drift detection fails as a configuration error, calling nothing', async () => {
    expect(await runDeployJob(stepJob('monitor'), deploySpec(), clients)).toEqual({
      kind: 'failed',
      message: 'Environment "dev" has no drift detection to set up',
    });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

test('an unknown step fails, naming the steps there are, and calls nothing', async () => {
  expect(await runDeployJob(stepJob('rollback'), deploySpec(), clients)).toEqual({
    kind: 'failed',
    message: 'UserParameters.step "rollback" is not one of release, check-output, monitor',
  });
  expect(sagemaker.calls()).toHaveLength(0);
  expect(s3.calls()).toHaveLength(0);
});
