import 'aws-sdk-client-mock-jest';
import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeProcessingJobCommand, ListMonitoringExecutionsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ACCOUNT, REGION, awsError } from './monitoring-fixtures';
import { monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { VIOLATIONS_SETTINGS_VARIABLE } from '../../../src/contract/violations-settings';
import { handler, resetForTests } from '../../../src/runtime/handlers/violations.lambda';
import {
  ProcessingJobStateChange,
  eventDate,
  handleProcessingJobEvent,
  readViolationsSettings,
  reportMonitoringRun,
  runStatusOfJob,
  scheduleNameFromArn,
  scheduleOfJob,
  violationCountOf,
  violationsOfRun,
} from '../../../src/runtime/monitoring-violations';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

const VIOLATIONS_CLIENTS = { sagemaker: SageMakerClient, cloudwatch: CloudWatchClient };
const { sagemaker, cloudwatch } = mockedClients(VIOLATIONS_CLIENTS);
const clients = clientsIn(VIOLATIONS_CLIENTS, REGION);

const SCHEDULE = monitoringScheduleName('churn-prod-mon');
const SCHEDULE_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:monitoring-schedule/${SCHEDULE}`;
const JOB = 'model-monitoring-202611291000-0a1b2c3d4e5f60718293a4b5';
const JOB_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:processing-job/${JOB}`;
const END_TIME = Date.UTC(2026, 10, 29, 10, 21, 7);
const settings = { schedulePrefixes: [SCHEDULE] };

/** A processing job state change as EventBridge delivers it; the detail mirrors DescribeProcessingJob. */
function jobEvent(detail: Record<string, unknown> = {}): ProcessingJobStateChange {
  return {
    'source': 'aws.sagemaker',
    'detail-type': 'SageMaker Processing Job State Change',
    'time': '2026-11-29T10:21:09Z',
    'resources': [JOB_ARN],
    'detail': {
      ProcessingJobName: JOB,
      ProcessingJobArn: JOB_ARN,
      ProcessingJobStatus: 'Completed',
      ExitMessage: 'Completed: Job completed successfully with no violations.',
      MonitoringScheduleArn: SCHEDULE_ARN,
      ProcessingEndTime: END_TIME,
      ...detail,
    },
  };
}

function execution(status: string, jobArn = JOB_ARN) {
  return {
    MonitoringScheduleName: SCHEDULE,
    ScheduledTime: new Date(Date.UTC(2026, 10, 29, 10)),
    CreationTime: new Date(Date.UTC(2026, 10, 29, 10, 2)),
    LastModifiedTime: new Date(END_TIME),
    MonitoringExecutionStatus: status as 'Completed',
    ProcessingJobArn: jobArn,
  };
}

function listsExecution(status: string) {
  sagemaker.on(ListMonitoringExecutionsCommand).resolves({ MonitoringExecutionSummaries: [execution(status)] });
}

/** The metric data points published, as name -> value. */
function published(): Record<string, number> {
  const calls = cloudwatch.commandCalls(PutMetricDataCommand);
  expect(calls).toHaveLength(1);
  return Object.fromEntries(calls[0].args[0].input.MetricData!.map((d) => [d.MetricName!, d.Value!]));
}

function fakeLogger() {
  return { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

beforeEach(() => {
  cloudwatch.on(PutMetricDataCommand).resolves({});
});

describe('reportMonitoringRun', () => {
  test('a clean run publishes 0 violations and 0 failures for its schedule, at the job\'s end', async () => {
    listsExecution('Completed');

    const outcome = await reportMonitoringRun(jobEvent(), settings, clients);

    expect(outcome).toEqual({ kind: 'published', scheduleName: SCHEDULE, jobName: JOB, status: 'Completed', violations: 0, failures: 0 });
    expect(cloudwatch).toHaveReceivedCommandWith(PutMetricDataCommand, {
      Namespace: 'MLOps/ModelMonitor',
      MetricData: [
        { MetricName: 'ConstraintViolations', Dimensions: [{ Name: 'MonitoringSchedule', Value: SCHEDULE }], Value: 0, Unit: 'Count', Timestamp: new Date(END_TIME) },
        { MetricName: 'MonitoringFailures', Dimensions: [{ Name: 'MonitoringSchedule', Value: SCHEDULE }], Value: 0, Unit: 'Count', Timestamp: new Date(END_TIME) },
      ],
    });
    // The schedule came from the event: no describe needed.
    expect(sagemaker).not.toHaveReceivedCommand(DescribeProcessingJobCommand);
    expect(sagemaker).toHaveReceivedCommandWith(ListMonitoringExecutionsCommand, {
      MonitoringScheduleName: SCHEDULE, SortBy: 'CreationTime', SortOrder: 'Descending',
    });
  });

  test('a run with violations publishes the count its exit message states', async () => {
    listsExecution('CompletedWithViolations');

    const outcome = await reportMonitoringRun(jobEvent({ ExitMessage: 'CompletedWithViolations: Job completed successfully with 8 violations.' }), settings, clients);

    expect(outcome).toMatchObject({ kind: 'published', status: 'CompletedWithViolations', violations: 8, failures: 0 });
    expect(published()).toEqual({ ConstraintViolations: 8, MonitoringFailures: 0 });
  });

  test('a run with violations whose exit message states no count counts 1', async () => {
    listsExecution('CompletedWithViolations');
    await reportMonitoringRun(jobEvent({ ExitMessage: 'CompletedWithViolations: see the report' }), settings, clients);
    expect(published()).toEqual({ ConstraintViolations: 1, MonitoringFailures: 0 });
  });

  test('the exit message is read from the job when the event carries none', async () => {
    listsExecution('CompletedWithViolations');
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ExitMessage: 'CompletedWithViolations: Job completed successfully with 3 violations.' });

    await reportMonitoringRun(jobEvent({ ExitMessage: undefined }), settings, clients);

    expect(published()).toEqual({ ConstraintViolations: 3, MonitoringFailures: 0 });
    expect(sagemaker).toHaveReceivedCommandWith(DescribeProcessingJobCommand, { ProcessingJobName: JOB });
  });

  test.each(['Failed', 'Stopped'])('a %s run publishes a failure and no violation count (it checked nothing)', async (status) => {
    listsExecution(status);

    const outcome = await reportMonitoringRun(jobEvent({ ProcessingJobStatus: status, ExitMessage: undefined, FailureReason: 'AlgorithmError' }), settings, clients);

    expect(outcome).toMatchObject({ kind: 'published', status, failures: 1 });
    expect(outcome).not.toHaveProperty('violations');
    expect(published()).toEqual({ MonitoringFailures: 1 });
  });

  test('a processing job that is no monitoring run is ignored: no listing, no metric', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: 'feature-engineering-1', Environment: { STAGE: 'train' } });

    const outcome = await reportMonitoringRun(jobEvent({ ProcessingJobName: 'feature-engineering-1', MonitoringScheduleArn: undefined }), settings, clients);

    expect(outcome).toEqual({ kind: 'ignored', reason: 'processing job feature-engineering-1 is not a monitoring run' });
    expect(sagemaker).not.toHaveReceivedCommand(ListMonitoringExecutionsCommand);
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  test('a run of a schedule the settings do not name is ignored', async () => {
    const other = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:monitoring-schedule/fraud-prod-mon-data-quality`;

    const outcome = await reportMonitoringRun(jobEvent({ MonitoringScheduleArn: other }), settings, clients);

    expect(outcome).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/fraud-prod-mon-data-quality is not one this handler reports/) });
    expect(sagemaker).not.toHaveReceivedCommand(ListMonitoringExecutionsCommand);
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  test('with no prefixes set, runs of any schedule are reported', async () => {
    listsExecution('Completed');
    const outcome = await reportMonitoringRun(jobEvent(), { schedulePrefixes: [] }, clients);
    expect(outcome).toMatchObject({ kind: 'published', scheduleName: SCHEDULE });
  });

  test('without the schedule in the event, DescribeProcessingJob names it', async () => {
    sagemaker.on(DescribeProcessingJobCommand).resolves({ ProcessingJobName: JOB, MonitoringScheduleArn: SCHEDULE_ARN });
    listsExecution('Completed');

    const outcome = await reportMonitoringRun(jobEvent({ MonitoringScheduleArn: undefined }), settings, clients);

    expect(outcome).toMatchObject({ kind: 'published', scheduleName: SCHEDULE, status: 'Completed' });
    expect(sagemaker).toHaveReceivedCommandTimes(DescribeProcessingJobCommand, 1);
    expect(sagemaker).toHaveReceivedCommandWith(DescribeProcessingJobCommand, { ProcessingJobName: JOB });
  });

  test('Model Monitor\'s schedule variable in the job\'s environment names the schedule too', async () => {
    listsExecution('Completed');
    const outcome = await reportMonitoringRun(
      jobEvent({ MonitoringScheduleArn: undefined, Environment: { sagemaker_monitoring_schedule_name: SCHEDULE } }), settings, clients);
    expect(outcome).toMatchObject({ kind: 'published', scheduleName: SCHEDULE });
    expect(sagemaker).not.toHaveReceivedCommand(DescribeProcessingJobCommand);
  });

  test('the execution is looked for on later pages, newest first', async () => {
    sagemaker.on(ListMonitoringExecutionsCommand, { NextToken: undefined }).resolves({
      MonitoringExecutionSummaries: [execution('Completed', `arn:aws:sagemaker:${REGION}:${ACCOUNT}:processing-job/newer-run`)],
      NextToken: 'page-2',
    });
    sagemaker.on(ListMonitoringExecutionsCommand, { NextToken: 'page-2' }).resolves({ MonitoringExecutionSummaries: [execution('CompletedWithViolations')] });

    const outcome = await reportMonitoringRun(jobEvent({ ExitMessage: 'CompletedWithViolations: Job completed successfully with 2 violations.' }), settings, clients);

    expect(outcome).toMatchObject({ status: 'CompletedWithViolations', violations: 2 });
    expect(sagemaker).toHaveReceivedCommandTimes(ListMonitoringExecutionsCommand, 2);
  });

  test('while the execution is not listed or not settled, the job\'s own verdict decides', async () => {
    sagemaker.on(ListMonitoringExecutionsCommand).resolves({ MonitoringExecutionSummaries: [execution('InProgress')] });

    const outcome = await reportMonitoringRun(jobEvent({ ExitMessage: 'CompletedWithViolations: Job completed successfully with 5 violations.' }), settings, clients);

    expect(outcome).toMatchObject({ status: 'CompletedWithViolations', violations: 5 });
    expect(published()).toEqual({ ConstraintViolations: 5, MonitoringFailures: 0 });
  });

  test('a repeated event publishes the same values at the same time', async () => {
    listsExecution('CompletedWithViolations');
    const event = jobEvent({ ExitMessage: 'CompletedWithViolations: Job completed successfully with 4 violations.' });

    await reportMonitoringRun(event, settings, clients);
    await reportMonitoringRun(event, settings, clients);

    const [first, second] = cloudwatch.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);
    expect(second).toEqual(first);
  });

  test('an event that is no processing job state change, or of an unfinished job, is ignored', async () => {
    expect(await reportMonitoringRun({ ...jobEvent(), 'detail-type': 'SageMaker Training Job State Change' }, settings, clients))
      .toMatchObject({ kind: 'ignored' });
    expect(await reportMonitoringRun(jobEvent({ ProcessingJobStatus: 'InProgress' }), settings, clients))
      .toEqual({ kind: 'ignored', reason: `processing job ${JOB} is InProgress, not finished` });
    const unnamed = { ...jobEvent({ ProcessingJobName: undefined, ProcessingJobArn: undefined }), resources: [] };
    expect(await reportMonitoringRun(unnamed, settings, clients))
      .toEqual({ kind: 'ignored', reason: 'the event names no processing job' });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  test('the job name may come from the event\'s resources alone', async () => {
    listsExecution('Completed');
    const outcome = await reportMonitoringRun(jobEvent({ ProcessingJobName: undefined, ProcessingJobArn: undefined }), settings, clients);
    expect(outcome).toMatchObject({ kind: 'published', jobName: JOB });
  });
});

describe('handleProcessingJobEvent', () => {
  test('throttling is thrown so Lambda\'s asynchronous retry repeats the event', async () => {
    sagemaker.on(ListMonitoringExecutionsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const logger = fakeLogger();

    await expect(handleProcessingJobEvent(jobEvent(), settings, clients, logger as unknown as Logger)).rejects.toThrow(/Rate exceeded/);

    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/Lambda retries the event/), expect.objectContaining({ job: JOB, error: 'ThrottlingException' }));
    expect(cloudwatch).not.toHaveReceivedCommand(PutMetricDataCommand);
  });

  test('a CloudWatch service fault is thrown too', async () => {
    listsExecution('Completed');
    cloudwatch.on(PutMetricDataCommand).rejects(awsError('InternalServiceFault', 'Internal failure', 500));
    await expect(handleProcessingJobEvent(jobEvent(), settings, clients, fakeLogger() as unknown as Logger)).rejects.toThrow(/Internal failure/);
  });

  test('any other error is logged with the job it concerns and the event dropped', async () => {
    listsExecution('Completed');
    cloudwatch.on(PutMetricDataCommand).rejects(awsError('AccessDenied', 'not authorized to perform: cloudwatch:PutMetricData'));
    const logger = fakeLogger();

    const outcome = await handleProcessingJobEvent(jobEvent(), settings, clients, logger as unknown as Logger);

    expect(outcome).toEqual({ kind: 'failed', message: expect.stringMatching(new RegExp(`processing job ${JOB}: AccessDenied: not authorized.*not retried`)) });
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/Could not report the monitoring run/), { job: JOB, error: 'AccessDenied' });
  });

  test('published and ignored events are logged', async () => {
    listsExecution('Completed');
    const logger = fakeLogger();
    await handleProcessingJobEvent(jobEvent(), settings, clients, logger as unknown as Logger);
    await handleProcessingJobEvent(jobEvent({ MonitoringScheduleArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:monitoring-schedule/other` }), settings, clients, logger as unknown as Logger);
    expect(logger.info).toHaveBeenCalledWith('Published monitoring run metrics', expect.objectContaining({ scheduleName: SCHEDULE, violations: 0 }));
    expect(logger.info).toHaveBeenCalledWith('Ignored processing job event', expect.objectContaining({ job: JOB }));
  });
});

describe('the Lambda entry point', () => {
  const saved = process.env[VIOLATIONS_SETTINGS_VARIABLE];
  afterEach(() => {
    if (saved === undefined) delete process.env[VIOLATIONS_SETTINGS_VARIABLE];
    else process.env[VIOLATIONS_SETTINGS_VARIABLE] = saved;
    resetForTests();
  });

  test('reads its settings from its environment and reports the run', async () => {
    process.env[VIOLATIONS_SETTINGS_VARIABLE] = JSON.stringify(settings);
    listsExecution('Completed');
    await expect(handler(jobEvent())).resolves.toMatchObject({ kind: 'published', scheduleName: SCHEDULE });
  });

  test('without settings, says so once and drops the event (a retry cannot fix it)', async () => {
    delete process.env[VIOLATIONS_SETTINGS_VARIABLE];
    await expect(handler(jobEvent())).resolves.toEqual({
      kind: 'failed',
      message: expect.stringMatching(/misconfigured: .*no MLOPS_VIOLATIONS_SETTINGS environment variable/),
    });
    expect(sagemaker.calls()).toHaveLength(0);
  });
});

describe('pure helpers', () => {
  test('readViolationsSettings names what is wrong', () => {
    expect(readViolationsSettings({ [VIOLATIONS_SETTINGS_VARIABLE]: '{"schedulePrefixes":["a-"]}' })).toEqual({ schedulePrefixes: ['a-'] });
    expect(() => readViolationsSettings({})).toThrow(/no MLOPS_VIOLATIONS_SETTINGS environment variable/);
    expect(() => readViolationsSettings({ [VIOLATIONS_SETTINGS_VARIABLE]: '{' })).toThrow(/is not valid JSON/);
    expect(() => readViolationsSettings({ [VIOLATIONS_SETTINGS_VARIABLE]: '{"schedulePrefixes":[1]}' })).toThrow(/schedulePrefixes must be a list of strings/);
    expect(() => readViolationsSettings({ [VIOLATIONS_SETTINGS_VARIABLE]: 'null' })).toThrow(/schedulePrefixes must be a list of strings/);
  });

  test('schedule names from ARNs and job fields', () => {
    expect(scheduleNameFromArn(SCHEDULE_ARN)).toBe(SCHEDULE);
    expect(scheduleNameFromArn(JOB_ARN)).toBeUndefined();
    expect(scheduleNameFromArn(undefined)).toBeUndefined();
    expect(scheduleOfJob({ Environment: { sagemaker_monitoring_schedule_name: 's1' } })).toBe('s1');
    expect(scheduleOfJob({ Environment: { sagemaker_monitoring_schedule_name: '' } })).toBeUndefined();
    expect(scheduleOfJob({})).toBeUndefined();
  });

  test('violation counts from exit messages', () => {
    expect(violationCountOf('CompletedWithViolations: Job completed successfully with 12 violations.')).toBe(12);
    expect(violationCountOf('CompletedWithViolations: Job completed successfully with 1 violation.')).toBe(1);
    expect(violationCountOf('Completed: Job completed successfully with no violations.')).toBeUndefined();
    expect(violationCountOf(undefined)).toBeUndefined();
    expect(violationsOfRun('CompletedWithViolations: 0 violations')).toBe(1);
  });

  test('a job\'s own verdict', () => {
    expect(runStatusOfJob('Completed', 'CompletedWithViolations: Job completed successfully with 2 violations.')).toBe('CompletedWithViolations');
    expect(runStatusOfJob('Completed', 'Completed: Job completed successfully with no violations.')).toBe('Completed');
    expect(runStatusOfJob('Completed', undefined)).toBe('Completed');
    expect(runStatusOfJob('Failed', undefined)).toBe('Failed');
    expect(runStatusOfJob('Stopped', 'Completed: stopped early')).toBe('Stopped');
  });

  test('event times in each form events use', () => {
    expect(eventDate(END_TIME)).toEqual(new Date(END_TIME));
    expect(eventDate(String(END_TIME))).toEqual(new Date(END_TIME));
    expect(eventDate('2026-11-29T10:21:07Z')).toEqual(new Date(END_TIME));
    expect(eventDate('not a date')).toBeUndefined();
    expect(eventDate(undefined)).toBeUndefined();
  });
});
