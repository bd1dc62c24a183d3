import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Baseline, BaselineOutcome, BaselineState, continueBaseline, startBaseline } from './model-monitor-baseline';
import { ensureSchedule } from './monitoring-schedule';
import { removalNotes } from './removal';
import type { EnvironmentDeploySpec } from '../contract/deploy-settings';
import type { MonitoringKind, MonitoringSpec } from '../contract/monitoring-settings';

/*
 * The Monitor stage of a drift-detecting environment, after its release is
 * shared: a suggest-baseline job on the environment's dataset, then the
 * environment's one data-quality schedule pointed at that baseline; with
 * model-quality monitoring, then a model-quality baseline on its labelled
 * dataset and the model-quality schedule on that. Each call starts or checks
 * one thing and returns.
 */

/**
 * What the data-quality part settled, carried through the model-quality
 * phases for the step's outcome. Its summary is cut to
 * {@link MAX_CARRIED_SUMMARY} characters, so the continuation token stays
 * within CodePipeline's 2048.
 */
export interface DataQualityDone {
  readonly scheduleName: string;
  readonly baselineJob: string;
  readonly summary: string;
}

/** Where the Monitor step stands between two calls (the CodePipeline continuation token). */
export type MonitorState =
  | { readonly phase: 'baseline'; readonly baseline: BaselineState }
  /** The baseline is done; the schedule was Pending when we tried to point it there. */
  | { readonly phase: 'schedule'; readonly baseline: Baseline }
  /** The data-quality schedule is in place; the model-quality baseline runs. */
  | { readonly phase: 'model-quality-baseline'; readonly dataQuality: DataQualityDone; readonly baseline: BaselineState }
  /** The model-quality baseline is done; its schedule was Pending. */
  | { readonly phase: 'model-quality-schedule'; readonly dataQuality: DataQualityDone; readonly baseline: Baseline };

export type MonitorOutcome =
  | {
    readonly kind: 'succeeded';
    readonly message: string;
    /** The data-quality schedule. */
    readonly scheduleName: string;
    /** The data-quality baseline job. */
    readonly baselineJob: string;
    /** Set when the environment monitors model quality. */
    readonly modelQualityScheduleName?: string;
  }
  | { readonly kind: 'in-progress'; readonly message: string; readonly state: MonitorState }
  | { readonly kind: 'failed'; readonly message: string };

/** How much of the data-quality summary a model-quality continuation token carries. */
export const MAX_CARRIED_SUMMARY = 500;

/** The full monitoring spec of an environment: its monitoring fields plus its endpoint, key and tags. */
export function monitoringSpecOf(spec: EnvironmentDeploySpec): MonitoringSpec {
  if (!spec.monitoring) {
    throw new Error(`Environment with endpoint ${spec.endpointName} has no drift detection`);
  }
  return { ...spec.monitoring, endpointName: spec.endpointName, kmsKeyArn: spec.kmsKeyArn, tags: spec.tags };
}

/** Starts the execution's baseline job (or picks up the one an earlier attempt started). */
export async function startMonitoring(spec: EnvironmentDeploySpec, executionId: string, sagemaker: SageMakerClient): Promise<MonitorOutcome> {
  const monitoring = monitoringSpecOf(spec);
  return afterBaseline(monitoring, executionId, await startBaseline(monitoring, executionId, sagemaker), sagemaker);
}

/** Checks on a Monitor step started earlier. */
export async function continueMonitoring(
  spec: EnvironmentDeploySpec,
  executionId: string,
  state: MonitorState,
  sagemaker: SageMakerClient,
): Promise<MonitorOutcome> {
  const monitoring = monitoringSpecOf(spec);
  switch (state.phase) {
    case 'baseline':
      return afterBaseline(monitoring, executionId, await continueBaseline(state.baseline, sagemaker), sagemaker);
    case 'schedule':
      return schedule(monitoring, executionId, state.baseline, sagemaker);
    case 'model-quality-baseline':
      return afterModelQualityBaseline(monitoring, state.dataQuality, await continueBaseline(state.baseline, sagemaker), sagemaker);
    case 'model-quality-schedule':
      return scheduleModelQuality(monitoring, state.dataQuality, state.baseline, sagemaker);
    default:
      return { kind: 'failed', message: `Unknown monitoring phase ${JSON.stringify((state as { phase: unknown }).phase)}` };
  }
}

function failed(monitoring: MonitoringSpec, kind: MonitoringKind, message: string): MonitorOutcome {
  const what = kind === 'model-quality' ? 'Model-quality monitoring' : 'Drift detection';
  return { kind: 'failed', message: `${what} on ${monitoring.endpointName}: ${message}` };
}

async function afterBaseline(
  monitoring: MonitoringSpec,
  executionId: string,
  outcome: BaselineOutcome,
  sagemaker: SageMakerClient,
): Promise<MonitorOutcome> {
  switch (outcome.kind) {
    case 'succeeded':
      return schedule(monitoring, executionId, outcome.baseline, sagemaker);
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, state: { phase: 'baseline', baseline: outcome.state } };
    default:
      return failed(monitoring, 'data-quality', outcome.message);
  }
}

async function schedule(monitoring: MonitoringSpec, executionId: string, baseline: Baseline, sagemaker: SageMakerClient): Promise<MonitorOutcome> {
  const outcome = await ensureSchedule(monitoring, baseline, sagemaker);
  if (outcome.kind === 'busy') {
    return { kind: 'in-progress', message: outcome.message, state: { phase: 'schedule', baseline } };
  }
  const summary = [
    `Baseline ${baseline.jobName} computed; ${outcome.message}`,
    ...removalNotes(outcome.cleanup, 'old job definitions'),
  ].filter(Boolean).join('; ');
  if (!monitoring.modelQuality) {
    return { kind: 'succeeded', scheduleName: outcome.scheduleName, baselineJob: baseline.jobName, message: summary };
  }
  const dataQuality: DataQualityDone = { scheduleName: outcome.scheduleName, baselineJob: baseline.jobName, summary: carried(summary) };
  return afterModelQualityBaseline(monitoring, dataQuality, await startBaseline(monitoring, executionId, sagemaker, 'model-quality'), sagemaker);
}

/** A summary cut to what a continuation token can carry. */
function carried(summary: string): string {
  return summary.length <= MAX_CARRIED_SUMMARY ? summary : `${summary.slice(0, MAX_CARRIED_SUMMARY - 1)}…`;
}

async function afterModelQualityBaseline(
  monitoring: MonitoringSpec,
  dataQuality: DataQualityDone,
  outcome: BaselineOutcome,
  sagemaker: SageMakerClient,
): Promise<MonitorOutcome> {
  switch (outcome.kind) {
    case 'succeeded':
      return scheduleModelQuality(monitoring, dataQuality, outcome.baseline, sagemaker);
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, state: { phase: 'model-quality-baseline', dataQuality, baseline: outcome.state } };
    default:
      return failed(monitoring, 'model-quality', outcome.message);
  }
}

async function scheduleModelQuality(
  monitoring: MonitoringSpec,
  dataQuality: DataQualityDone,
  baseline: Baseline,
  sagemaker: SageMakerClient,
): Promise<MonitorOutcome> {
  const outcome = await ensureSchedule(monitoring, baseline, sagemaker, 'model-quality');
  if (outcome.kind === 'busy') {
    return { kind: 'in-progress', message: outcome.message, state: { phase: 'model-quality-schedule', dataQuality, baseline } };
  }
  return {
    kind: 'succeeded',
    scheduleName: dataQuality.scheduleName,
    baselineJob: dataQuality.baselineJob,
    modelQualityScheduleName: outcome.scheduleName,
    message: [
      dataQuality.summary,
      `model-quality baseline ${baseline.jobName} computed; ${outcome.message}`,
      ...removalNotes(outcome.cleanup, 'old model-quality job definitions'),
    ].join('; '),
  };
}
