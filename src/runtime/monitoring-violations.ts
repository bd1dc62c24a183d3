/**
 * Turns the end of each Model Monitor run into CloudWatch metrics that the
 * drift alarms watch. Model Monitor's own metrics are per feature
 * (`feature_baseline_drift_<name>`), unknown until a baseline exists, so the
 * handler publishes two of its own per schedule:
 * - `ConstraintViolations`: the run's violation count (0 for a clean run);
 * - `MonitoringFailures`: 1 for a failed or stopped run, 0 otherwise.
 *
 * Which job is a monitoring run, and of which schedule. The event is
 * EventBridge's "SageMaker Processing Job State Change", whose detail mirrors
 * DescribeProcessingJob. DescribeProcessingJob documents `MonitoringScheduleArn`
 * ("the ARN of a monitoring schedule for an endpoint associated with this
 * processing job"), and Model Monitor's container contract documents the
 * `sagemaker_monitoring_schedule_name` variable in every run's Environment.
 * No published example of this event shows either field in it, so both are
 * read from the event when present and otherwise from DescribeProcessingJob:
 * a job with neither is not a monitoring run.
 *
 * The run's status comes from ListMonitoringExecutions (the execution whose
 * ProcessingJobArn is the event's job). When the execution is not listed yet
 * or not settled, the job itself decides: Failed or Stopped is a failure, and
 * a Completed job's ExitMessage starts with Model Monitor's verdict
 * (`Completed:` or `CompletedWithViolations:`).
 *
 * The violation count. No structured field carries it: the execution summary
 * has only the status. The analyzer ends a run with violations with the exit
 * message `CompletedWithViolations: Job completed successfully with <n>
 * violations.` (the format SageMaker's monitoring examples print, and the one
 * AWS's published custom monitoring containers write to /opt/ml/output/message,
 * which becomes the job's ExitMessage), so the count is read from there; a
 * run with violations whose message states no count counts as 1 violation.
 * Reading the run's constraint_violations.json from S3 would be exact but
 * needs read access to the report bucket and its key; the exit message needs
 * no access beyond DescribeProcessingJob, which the handler has anyway.
 *
 * Idempotent: a repeated event publishes the same values at the same
 * timestamp (the job's end), so the alarms' Maximum does not change. Errors
 * that may pass (throttling, service faults) are thrown so Lambda's
 * asynchronous retry repeats the event; any other error is logged and the
 * event dropped.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricDatum, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeProcessingJobCommand,
  DescribeProcessingJobCommandOutput,
  ListMonitoringExecutionsCommand,
  MonitoringExecutionSummary,
} from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { errorMessage, errorName, isTransient } from './aws-errors';
import {
  CONSTRAINT_VIOLATIONS_METRIC,
  FINAL_JOB_STATUSES,
  MODEL_MONITOR_NAMESPACE,
  MONITORING_FAILURES_METRIC,
  MONITORING_SCHEDULE_DIMENSION,
  PROCESSING_JOB_STATE_CHANGE,
  VIOLATIONS_SETTINGS_VARIABLE,
  ViolationsSettings,
} from '../contract/violations-settings';

/** Model Monitor's environment variable naming the schedule that started a run. */
const SCHEDULE_NAME_VARIABLE = 'sagemaker_monitoring_schedule_name';

/** How far back the executions of a schedule are searched for the event's job: 60 runs, 2.5 days of hourly ones. */
const EXECUTION_PAGE_SIZE = 20;
const EXECUTION_PAGES = 3;

/** The part of the event detail the handler reads: DescribeProcessingJob's fields, as JSON. */
export interface ProcessingJobDetail {
  readonly ProcessingJobName?: string;
  readonly ProcessingJobArn?: string;
  readonly ProcessingJobStatus?: string;
  readonly ExitMessage?: string;
  readonly FailureReason?: string;
  readonly MonitoringScheduleArn?: string;
  readonly Environment?: { readonly [name: string]: string };
  /** Epoch milliseconds or an ISO date, depending on the event. */
  readonly ProcessingEndTime?: number | string;
}

export interface ProcessingJobStateChange {
  readonly 'source'?: string;
  readonly 'detail-type'?: string;
  readonly 'time'?: string;
  readonly 'resources'?: string[];
  readonly 'detail'?: ProcessingJobDetail;
}

/** A monitoring run's final status, as ListMonitoringExecutions reports it. */
export type RunStatus = 'Completed' | 'CompletedWithViolations' | 'Failed' | 'Stopped';

export interface ViolationsClients {
  readonly sagemaker: SageMakerClient;
  readonly cloudwatch: CloudWatchClient;
}

export type ViolationsOutcome =
  | { readonly kind: 'ignored'; readonly reason: string }
  | {
    readonly kind: 'published';
    readonly scheduleName: string;
    readonly jobName: string;
    readonly status: RunStatus;
    /** Unset for a failed run: it checked nothing. */
    readonly violations?: number;
    readonly failures: number;
  }
  /** A fault that retrying would not fix, logged; the event is dropped. */
  | { readonly kind: 'failed'; readonly message: string };

/** A setting the handler cannot work without is missing or malformed. */
export class ViolationsSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViolationsSettingsError';
  }
}

/** Reads and checks the handler's settings from its environment. */
export function readViolationsSettings(env: NodeJS.ProcessEnv = process.env): ViolationsSettings {
  const raw = env[VIOLATIONS_SETTINGS_VARIABLE];
  if (!raw) {
    throw new ViolationsSettingsError(`The monitoring-violations handler has no ${VIOLATIONS_SETTINGS_VARIABLE} environment variable`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ViolationsSettingsError(`${VIOLATIONS_SETTINGS_VARIABLE} is not valid JSON`);
  }
  const prefixes = (parsed as { schedulePrefixes?: unknown } | null)?.schedulePrefixes;
  if (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== 'string')) {
    throw new ViolationsSettingsError(`${VIOLATIONS_SETTINGS_VARIABLE}.schedulePrefixes must be a list of strings`);
  }
  return { schedulePrefixes: prefixes as string[] };
}

/** The schedule name of a monitoring schedule ARN (`arn:...:monitoring-schedule/<name>`). */
export function scheduleNameFromArn(arn: string | undefined): string | undefined {
  const match = /:monitoring-schedule\/([^/]+)$/.exec(arn ?? '');
  return match?.[1];
}

/** The job name of a processing job ARN (`arn:...:processing-job/<name>`). */
export function jobNameFromArn(arn: string | undefined): string | undefined {
  const match = /:processing-job\/([^/]+)$/.exec(arn ?? '');
  return match?.[1];
}

/** The schedule that started a job, from its ARN field or Model Monitor's environment variable; undefined for other jobs. */
export function scheduleOfJob(job: Pick<ProcessingJobDetail, 'MonitoringScheduleArn' | 'Environment'>): string | undefined {
  const fromEnvironment = job.Environment?.[SCHEDULE_NAME_VARIABLE];
  return scheduleNameFromArn(job.MonitoringScheduleArn) ?? (fromEnvironment ? fromEnvironment : undefined);
}

/** True when the settings report runs of this schedule: its name starts with an allowed prefix, or any when none are set. */
export function isReportedSchedule(scheduleName: string, schedulePrefixes: readonly string[]): boolean {
  return schedulePrefixes.length === 0 || schedulePrefixes.some((prefix) => scheduleName.startsWith(prefix));
}

/** The violation count an exit message states (`... with 8 violations.`), if it states one. */
export function violationCountOf(exitMessage: string | undefined): number | undefined {
  const match = /\b(\d+)\s+violations?\b/i.exec(exitMessage ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A run with violations counts at least 1, even when its message states no (or a zero) count. */
export function violationsOfRun(exitMessage: string | undefined): number {
  return Math.max(1, violationCountOf(exitMessage) ?? 1);
}

/** True for the execution statuses a run ends in. */
export function isFinalRunStatus(status: string | undefined): status is RunStatus {
  return status === 'Completed' || status === 'CompletedWithViolations' || status === 'Failed' || status === 'Stopped';
}

/** A processing job status a run ends in. */
export type FinalJobStatus = 'Completed' | 'Failed' | 'Stopped';

/** True for the processing job statuses a run ends in. */
export function isFinalJobStatus(status: string | undefined): status is FinalJobStatus {
  return FINAL_JOB_STATUSES.includes(status ?? '');
}

/**
 * A run's status from its processing job alone: Failed and Stopped as they
 * are; a Completed job by the verdict its exit message starts with.
 */
export function runStatusOfJob(jobStatus: FinalJobStatus, exitMessage: string | undefined): RunStatus {
  if (jobStatus !== 'Completed') {
    return jobStatus;
  }
  return /^\s*CompletedWithViolations\b/.test(exitMessage ?? '') ? 'CompletedWithViolations' : 'Completed';
}

/** What a run publishes: violations only when it checked anything, failures always. */
export function metricValues(status: RunStatus, exitMessage: string | undefined): { violations?: number; failures: number } {
  switch (status) {
    case 'Completed':
      return { violations: 0, failures: 0 };
    case 'CompletedWithViolations':
      return { violations: violationsOfRun(exitMessage), failures: 0 };
    default:
      return { failures: 1 };
  }
}

/** The PutMetricData entries of one run. */
export function metricData(scheduleName: string, values: { violations?: number; failures: number }, timestamp: Date): MetricDatum[] {
  const datum = (metricName: string, value: number): MetricDatum => ({
    MetricName: metricName,
    Dimensions: [{ Name: MONITORING_SCHEDULE_DIMENSION, Value: scheduleName }],
    Value: value,
    Unit: StandardUnit.Count,
    Timestamp: timestamp,
  });
  const data: MetricDatum[] = [];
  if (values.violations !== undefined) {
    data.push(datum(CONSTRAINT_VIOLATIONS_METRIC, values.violations));
  }
  data.push(datum(MONITORING_FAILURES_METRIC, values.failures));
  return data;
}

/** An event time as a Date: epoch milliseconds, epoch milliseconds as text, or an ISO date. */
export function eventDate(value: number | string | undefined): Date | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const date = typeof value === 'number' || /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value)) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The execution of `scheduleName` that ran `jobName`, newest first, searching the last few pages only. */
export async function findExecution(
  sagemaker: SageMakerClient,
  scheduleName: string,
  jobName: string,
): Promise<MonitoringExecutionSummary | undefined> {
  let nextToken: string | undefined;
  for (let page = 0; page < EXECUTION_PAGES; page++) {
    const listed = await sagemaker.send(new ListMonitoringExecutionsCommand({
      MonitoringScheduleName: scheduleName,
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: EXECUTION_PAGE_SIZE,
      NextToken: nextToken,
    }));
    const found = listed.MonitoringExecutionSummaries?.find((e) => jobNameFromArn(e.ProcessingJobArn) === jobName);
    if (found || !listed.NextToken) {
      return found;
    }
    nextToken = listed.NextToken;
  }
  return undefined;
}

/**
 * Reports one processing job state change: ignored unless it ends a run of
 * a reported schedule, else the run's metrics are published. AWS errors are
 * thrown; {@link handleProcessingJobEvent} decides which are retried.
 */
export async function reportMonitoringRun(
  event: ProcessingJobStateChange,
  settings: ViolationsSettings,
  clients: ViolationsClients,
): Promise<ViolationsOutcome> {
  if (event.source !== 'aws.sagemaker' || event['detail-type'] !== PROCESSING_JOB_STATE_CHANGE) {
    return { kind: 'ignored', reason: `not a ${PROCESSING_JOB_STATE_CHANGE} event (${event.source}, ${event['detail-type']})` };
  }
  const detail = event.detail ?? {};
  const jobName = detail.ProcessingJobName ?? jobNameFromArn(detail.ProcessingJobArn ?? event.resources?.[0]);
  if (!jobName) {
    return { kind: 'ignored', reason: 'the event names no processing job' };
  }
  const jobStatus = detail.ProcessingJobStatus;
  if (!isFinalJobStatus(jobStatus)) {
    return { kind: 'ignored', reason: `processing job ${jobName} is ${jobStatus}, not finished` };
  }

  let described: DescribeProcessingJobCommandOutput | undefined;
  const describe = async () => {
    described ??= await clients.sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: jobName }));
    return described;
  };
  const scheduleName = scheduleOfJob(detail) ?? scheduleOfJob(await describe());
  if (!scheduleName) {
    return { kind: 'ignored', reason: `processing job ${jobName} is not a monitoring run` };
  }
  if (!isReportedSchedule(scheduleName, settings.schedulePrefixes)) {
    return { kind: 'ignored', reason: `monitoring schedule ${scheduleName} is not one this handler reports (${settings.schedulePrefixes.join(', ')})` };
  }

  const exitMessage = async () => detail.ExitMessage ?? (await describe()).ExitMessage;
  const execution = await findExecution(clients.sagemaker, scheduleName, jobName);
  const executionStatus = execution?.MonitoringExecutionStatus;
  // While the execution is not listed or not settled yet, the job's own outcome says the same.
  const status = isFinalRunStatus(executionStatus)
    ? executionStatus
    : runStatusOfJob(jobStatus, jobStatus === 'Completed' ? await exitMessage() : undefined);
  const values = metricValues(status, status === 'CompletedWithViolations' ? await exitMessage() : undefined);
  const timestamp = eventDate(detail.ProcessingEndTime) ?? described?.ProcessingEndTime ?? eventDate(event.time) ?? new Date();
  await clients.cloudwatch.send(new PutMetricDataCommand({
    Namespace: MODEL_MONITOR_NAMESPACE,
    MetricData: metricData(scheduleName, values, timestamp),
  }));
  return { kind: 'published', scheduleName, jobName, status, ...values };
}

/**
 * The handler's decision on an event: the outcome, logged. Errors that may
 * pass are thrown so Lambda's asynchronous retry repeats the event; any other
 * error is logged with the job it concerns and the event dropped.
 */
export async function handleProcessingJobEvent(
  event: ProcessingJobStateChange,
  settings: ViolationsSettings,
  clients: ViolationsClients,
  logger: Pick<Logger, 'info' | 'warn' | 'error'>,
): Promise<ViolationsOutcome> {
  const job = event.detail?.ProcessingJobName ?? event.resources?.[0] ?? 'unknown';
  try {
    const outcome = await reportMonitoringRun(event, settings, clients);
    if (outcome.kind === 'published') {
      logger.info('Published monitoring run metrics', { ...outcome });
    } else if (outcome.kind === 'ignored') {
      logger.info('Ignored processing job event', { job, reason: outcome.reason });
    }
    return outcome;
  } catch (err) {
    if (isTransient(err)) {
      logger.warn('Could not report the monitoring run for now; Lambda retries the event', { job, error: errorName(err), message: errorMessage(err) });
      throw err;
    }
    const message = `Could not report the monitoring run of processing job ${job}: ${errorName(err)}: ${errorMessage(err)}. `
      + 'Its metrics are not published and the event is not retried; the drift alarms see no data for this run.';
    logger.error(message, { job, error: errorName(err) });
    return { kind: 'failed', message };
  }
}
