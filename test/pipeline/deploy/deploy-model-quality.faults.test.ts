import 'aws-sdk-client-mock-jest';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import {
  CreateDataQualityJobDefinitionCommand,
  CreateModelQualityJobDefinitionCommand,
  CreateMonitoringScheduleCommand,
  CreateProcessingJobCommand,
  DeleteDataQualityJobDefinitionCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  ListDataQualityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
  ProcessingJobStatus,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job } from './deploy-fixtures';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import {
  baselineJobName,
  dataQualityDefinitionName,
  modelQualityBaselineJobName,
  modelQualityDefinitionName,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';
import type { CodePipelineJob } from '../../../src/runtime/codepipeline-job';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { MAX_CARRIED_SUMMARY } from '../../../src/runtime/monitoring-release';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';
import { modelQualitySpec, monitoringSpec } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * The Monitor step of an environment that also monitors model quality, when
 * AWS answers what moto cannot: a model-quality baseline that runs or
 * fails, a model-quality schedule still applying a change, throttling. Each
 * case drives `runDeployJob` as CodePipeline would, replaying the
 * continuation token it handed back.
 */
const { sagemaker } = mockedClients({ sagemaker: SageMakerClient });
const clients = clientsIn({ sagemaker: SageMakerClient, s3: S3Client, autoscaling: ApplicationAutoScalingClient });

const EXEC = 'exec-7777';
const fixture = monitoringSpec({ modelQuality: modelQualitySpec() });
const PREFIX = fixture.namePrefix;
const monitoringOf = (overrides: Partial<EnvironmentMonitoringSpec> = {}): EnvironmentMonitoringSpec => {
  const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...rest } = fixture;
  return { ...rest, ...overrides };
};
const spec = deploySpec({ dev: envSpec({ monitoring: monitoringOf() }) });

const DQ_JOB = baselineJobName(PREFIX, EXEC);
const DQ_OUTPUT = `s3://churn-monitoring/prod/baselines/${DQ_JOB}`;
const DQ_DEFINITION = dataQualityDefinitionName(PREFIX, `${DQ_OUTPUT}/statistics.json`, `${DQ_OUTPUT}/constraints.json`);
const DQ_SCHEDULE = monitoringScheduleName(PREFIX);
const MQ_JOB = modelQualityBaselineJobName(PREFIX, EXEC);
const MQ_OUTPUT = `s3://churn-monitoring/prod/baselines/${MQ_JOB}`;
const MQ_BASELINE = { jobName: MQ_JOB, statisticsUri: `${MQ_OUTPUT}/statistics.json`, constraintsUri: `${MQ_OUTPUT}/constraints.json` };
const MQ_DEFINITION = modelQualityDefinitionName(PREFIX, MQ_BASELINE.constraintsUri);
const MQ_SCHEDULE = modelQualityScheduleName(PREFIX);
const AWAITING_DQ_BASELINE = JSON.stringify({ phase: 'baseline', baseline: { jobName: DQ_JOB, outputUri: DQ_OUTPUT } });

const throttled = () => awsError('ThrottlingException', 'Rate exceeded');
const missing = (what: string) => awsError('ResourceNotFound', `${what} does not exist`);

function stepJob(continuationToken?: string): CodePipelineJob {
  const deployJob = job(EXEC, { continuationToken });
  return { ...deployJob, userParameters: { ...deployJob.userParameters, step: 'monitor' } };
}

function tokenOf(outcome: Awaited<ReturnType<typeof runDeployJob>>): string {
  if (outcome.kind !== 'in-progress') {
    throw new Error(`expected in-progress, got ${outcome.kind}: ${outcome.message}`);
  }
  return outcome.continuationToken;
}

/** The data-quality baseline is done; the model-quality one is in `status` (absent until created). */
function baselines(modelQuality: ProcessingJobStatus | 'absent', failureReason?: string): void {
  sagemaker.on(DescribeProcessingJobCommand).callsFake(({ ProcessingJobName }) => {
    if (ProcessingJobName === DQ_JOB) {
      return { ProcessingJobName, ProcessingJobStatus: 'Completed' };
    }
    if (modelQuality === 'absent') {
      throw awsError('ValidationException', `Could not find requested job with name ${ProcessingJobName}`);
    }
    return { ProcessingJobName, ProcessingJobStatus: modelQuality, FailureReason: failureReason };
  });
}

/** The model-quality schedule exists on an older definition, in `status`. */
function modelQualityScheduleServing(status: 'Pending' | 'Scheduled'): void {
  sagemaker.on(DescribeMonitoringScheduleCommand, { MonitoringScheduleName: MQ_SCHEDULE }).resolves({
    MonitoringScheduleName: MQ_SCHEDULE,
    MonitoringScheduleStatus: status,
    MonitoringScheduleConfig: {
      MonitoringJobDefinitionName: modelQualityDefinitionName(PREFIX, 's3://m/mq0/constraints.json'),
      MonitoringType: 'ModelQuality',
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
    },
  });
}

beforeEach(() => {
  // Default world: the data-quality baseline done, nothing else yet.
  baselines('absent');
  sagemaker.on(CreateProcessingJobCommand).resolves({ ProcessingJobArn: 'arn' });
  sagemaker.on(DescribeDataQualityJobDefinitionCommand).rejects(missing('Job definition'));
  sagemaker.on(CreateDataQualityJobDefinitionCommand).resolves({});
  sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
  sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(missing('Model quality job definition'));
  sagemaker.on(CreateModelQualityJobDefinitionCommand).resolves({});
  sagemaker.on(ListModelQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
  sagemaker.on(DescribeMonitoringScheduleCommand).rejects(missing('Monitoring schedule'));
  sagemaker.on(CreateMonitoringScheduleCommand).resolves({});
  sagemaker.on(UpdateMonitoringScheduleCommand).resolves({});
});

test('after the data-quality schedule, the model-quality baseline starts and its job is followed by a "model-quality-baseline" token', async () => {
  const first = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);

  const token = JSON.parse(tokenOf(first));
  expect(token).toEqual({
    phase: 'model-quality-baseline',
    dataQuality: { scheduleName: DQ_SCHEDULE, baselineJob: DQ_JOB, summary: expect.stringContaining(`Monitoring schedule ${DQ_SCHEDULE} created on ${DQ_DEFINITION}`) },
    baseline: { jobName: MQ_JOB, outputUri: MQ_OUTPUT },
  });
  expect(sagemaker).toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, { MonitoringScheduleName: DQ_SCHEDULE });
  expect(sagemaker).toHaveReceivedCommandWith(CreateProcessingJobCommand, {
    ProcessingJobName: MQ_JOB,
    Environment: expect.objectContaining({ analysis_type: 'MODEL_QUALITY', problem_type: 'BinaryClassification' }),
  });

  // While the job runs, the token stays and no second job is started, nor anything of data quality redone.
  baselines('InProgress');
  sagemaker.resetHistory();
  const second = await runDeployJob(stepJob(tokenOf(first)), spec, clients);
  expect(tokenOf(second)).toBe(tokenOf(first));
  expect(sagemaker).not.toHaveReceivedCommand(CreateProcessingJobCommand);
  expect(sagemaker).not.toHaveReceivedCommand(CreateMonitoringScheduleCommand);
  expect(sagemaker).not.toHaveReceivedCommandWith(DescribeProcessingJobCommand, { ProcessingJobName: DQ_JOB });
});

test('a completed model-quality baseline gets its definition and the model-quality schedule; ModelQualityScheduleName is output', async () => {
  const first = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);
  baselines('Completed');

  const outcome = await runDeployJob(stepJob(tokenOf(first)), spec, clients);

  expect(outcome).toMatchObject({
    kind: 'succeeded',
    outputVariables: { ScheduleName: DQ_SCHEDULE, BaselineJobName: DQ_JOB, ModelQualityScheduleName: MQ_SCHEDULE },
  });
  expect(outcome.message).toMatch(new RegExp(`^Baseline ${DQ_JOB} computed; Monitoring schedule ${DQ_SCHEDULE} created .*; `
    + `model-quality baseline ${MQ_JOB} computed; Monitoring schedule ${MQ_SCHEDULE} created on ${MQ_DEFINITION} \\(hourly\\)$`));
  expect(sagemaker).toHaveReceivedCommandWith(CreateModelQualityJobDefinitionCommand, {
    JobDefinitionName: MQ_DEFINITION,
    // The environment's endpoint and tags, not the monitoring fixture's.
    ModelQualityJobInput: expect.objectContaining({ EndpointInput: expect.objectContaining({ EndpointName: 'churn-dev' }) }),
    Tags: [{ Key: 'mlops:environment', Value: 'dev' }],
  });
  expect(sagemaker).toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, {
    MonitoringScheduleName: MQ_SCHEDULE,
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: MQ_DEFINITION, MonitoringType: 'ModelQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
  });
});

test('a Failed model-quality baseline fails the step, naming the job and SageMaker\'s reason; no model-quality schedule is made', async () => {
  const first = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);
  baselines('Failed', 'AlgorithmError: ground_truth_attribute label is not a column of the dataset');

  expect(await runDeployJob(stepJob(tokenOf(first)), spec, clients)).toEqual({
    kind: 'failed',
    message: `Model-quality monitoring on churn-dev: Baseline job ${MQ_JOB} is Failed: AlgorithmError: ground_truth_attribute label is not a column of the dataset`,
  });
  expect(sagemaker).not.toHaveReceivedCommand(CreateModelQualityJobDefinitionCommand);
  expect(sagemaker).not.toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, { MonitoringScheduleName: MQ_SCHEDULE });
});

test('a model-quality schedule still Pending hands back a "model-quality-schedule" token; the replay updates it without checking any baseline again', async () => {
  baselines('Completed');
  modelQualityScheduleServing('Pending');

  const first = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);
  const token = JSON.parse(tokenOf(first));
  expect(token).toMatchObject({ phase: 'model-quality-schedule', dataQuality: { scheduleName: DQ_SCHEDULE, baselineJob: DQ_JOB }, baseline: MQ_BASELINE });
  expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);

  sagemaker.resetHistory();
  modelQualityScheduleServing('Scheduled');
  const second = await runDeployJob(stepJob(tokenOf(first)), spec, clients);

  expect(second).toMatchObject({ kind: 'succeeded', outputVariables: { ScheduleName: DQ_SCHEDULE, ModelQualityScheduleName: MQ_SCHEDULE } });
  expect(second.message).toContain(`Monitoring schedule ${DQ_SCHEDULE} created`);
  expect(sagemaker).toHaveReceivedCommandWith(UpdateMonitoringScheduleCommand, {
    MonitoringScheduleName: MQ_SCHEDULE,
    MonitoringScheduleConfig: expect.objectContaining({ MonitoringJobDefinitionName: MQ_DEFINITION, MonitoringType: 'ModelQuality' }),
  });
  expect(sagemaker).not.toHaveReceivedCommand(DescribeProcessingJobCommand);
  expect(sagemaker).not.toHaveReceivedCommandWith(DescribeMonitoringScheduleCommand, { MonitoringScheduleName: DQ_SCHEDULE });
});

describe('throttling', () => {
  test('while polling the model-quality baseline: "check again" with the same phase', async () => {
    const first = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);
    sagemaker.on(DescribeProcessingJobCommand).rejects(throttled());
    const second = await runDeployJob(stepJob(tokenOf(first)), spec, clients);
    expect(JSON.parse(tokenOf(second))).toEqual(JSON.parse(tokenOf(first)));
    expect(second.message).toContain('Rate exceeded');
  });

  test('on the model-quality schedule: the same token is handed back, and the replay finishes', async () => {
    baselines('Completed');
    modelQualityScheduleServing('Pending');
    const pending = tokenOf(await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients));

    sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(throttled());
    const throttledCall = await runDeployJob(stepJob(pending), spec, clients);
    expect(throttledCall).toMatchObject({ kind: 'in-progress', message: 'Transient ThrottlingException; will try again', continuationToken: pending });

    sagemaker.on(DescribeModelQualityJobDefinitionCommand).rejects(missing('Model quality job definition'));
    modelQualityScheduleServing('Scheduled');
    expect(await runDeployJob(stepJob(pending), spec, clients)).toMatchObject({ kind: 'succeeded', outputVariables: { ModelQualityScheduleName: MQ_SCHEDULE } });
  });

  test('starting the model-quality baseline on the first call: the step starts over, finding what it made', async () => {
    sagemaker.on(CreateProcessingJobCommand, { ProcessingJobName: MQ_JOB }).rejects(throttled());
    const first = await runDeployJob(stepJob(), spec, clients);
    expect(tokenOf(first)).toBe('{"phase":"starting"}');

    sagemaker.on(CreateProcessingJobCommand, { ProcessingJobName: MQ_JOB }).resolves({});
    const second = await runDeployJob(stepJob(tokenOf(first)), spec, clients);
    expect(JSON.parse(tokenOf(second))).toMatchObject({ phase: 'model-quality-baseline' });
    // The data-quality baseline was found, not started again.
    expect(sagemaker).not.toHaveReceivedCommandWith(CreateProcessingJobCommand, { ProcessingJobName: DQ_JOB });
  });
});

test('a long data-quality summary is cut in the token, which stays within CodePipeline\'s 2048 characters', async () => {
  const old = Array.from({ length: 40 }, (_, i) => dataQualityDefinitionName(PREFIX, `s3://m/b${i}/statistics.json`, `s3://m/b${i}/constraints.json`));
  sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({
    JobDefinitionSummaries: old.map((n) => ({ MonitoringJobDefinitionName: n, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'churn-dev' })),
  });
  sagemaker.on(DeleteDataQualityJobDefinitionCommand).resolves({});

  const outcome = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), spec, clients);

  const token = tokenOf(outcome);
  expect(token.length).toBeLessThanOrEqual(2048);
  const summary: string = JSON.parse(token).dataQuality.summary;
  expect(summary).toHaveLength(MAX_CARRIED_SUMMARY);
  expect(summary.endsWith('…')).toBe(true);
});

test('an environment without model quality makes no model-quality call and outputs no ModelQualityScheduleName', async () => {
  const dataQualityOnly = deploySpec({ dev: envSpec({ monitoring: monitoringOf({ modelQuality: undefined }) }) });
  const outcome = await runDeployJob(stepJob(AWAITING_DQ_BASELINE), dataQualityOnly, clients);
  expect(outcome).toEqual({
    kind: 'succeeded',
    message: expect.stringContaining(`Monitoring schedule ${DQ_SCHEDULE} created`),
    outputVariables: { ScheduleName: DQ_SCHEDULE, BaselineJobName: DQ_JOB },
  });
  expect(sagemaker).toHaveReceivedCommandTimes(CreateProcessingJobCommand, 0);
  expect(sagemaker).not.toHaveReceivedCommand(CreateModelQualityJobDefinitionCommand);
  expect(sagemaker).not.toHaveReceivedCommand(ListModelQualityJobDefinitionsCommand);
});
