import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { Baseline, BaselineOutcome, BaselineState, continueBaseline, startBaseline } from './model-monitor-baseline';
import { ensureSchedule } from './monitoring-schedule';
import { removalNotes } from './removal';
import type { EnvironmentDeploySpec } from '../pipeline/deploy/deploy-spec';
import type { MonitoringSpec } from '../pipeline/monitoring/monitoring-spec';

/*
 * The Monitor stage of a drift-detecting environment, after its release is
 * shared: a suggest-baseline job on the environment's dataset, then the
 * environment's one data-quality schedule pointed at that baseline. Each
 * call starts or checks one thing and returns.
 */

/** Where the Monitor step stands between two calls (the CodePipeline continuation token). */
export type MonitorState =
  | { readonly phase: 'baseline'; readonly baseline: BaselineState }
  /** The baseline is done; the schedule was Pending when we tried to point it there. */
  | { readonly phase: 'schedule'; readonly baseline: Baseline };

export type MonitorOutcome =
  | { readonly kind: 'succeeded'; readonly message: string; readonly scheduleName: string; readonly baselineJob: string }
  | { readonly kind: 'in-progress'; readonly message: string; readonly state: MonitorState }
  | { readonly kind: 'failed'; readonly message: string };

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
  return afterBaseline(monitoring, await startBaseline(monitoring, executionId, sagemaker), sagemaker);
}

/** Checks on a Monitor step started earlier. */
export async function continueMonitoring(spec: EnvironmentDeploySpec, state: MonitorState, sagemaker: SageMakerClient): Promise<MonitorOutcome> {
  const monitoring = monitoringSpecOf(spec);
  switch (state.phase) {
    case 'baseline':
      return afterBaseline(monitoring, await continueBaseline(state.baseline, sagemaker), sagemaker);
    case 'schedule':
      return schedule(monitoring, state.baseline, sagemaker);
    default:
      return { kind: 'failed', message: `Unknown monitoring phase ${JSON.stringify((state as { phase: unknown }).phase)}` };
  }
}

async function afterBaseline(monitoring: MonitoringSpec, outcome: BaselineOutcome, sagemaker: SageMakerClient): Promise<MonitorOutcome> {
  switch (outcome.kind) {
    case 'succeeded':
      return schedule(monitoring, outcome.baseline, sagemaker);
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, state: { phase: 'baseline', baseline: outcome.state } };
    default:
      return { kind: 'failed', message: `Drift detection on ${monitoring.endpointName}: ${outcome.message}` };
  }
}

async function schedule(monitoring: MonitoringSpec, baseline: Baseline, sagemaker: SageMakerClient): Promise<MonitorOutcome> {
  const outcome = await ensureSchedule(monitoring, baseline, sagemaker);
  if (outcome.kind === 'busy') {
    return { kind: 'in-progress', message: outcome.message, state: { phase: 'schedule', baseline } };
  }
  return {
    kind: 'succeeded',
    scheduleName: outcome.scheduleName,
    baselineJob: baseline.jobName,
    message: [
      `Baseline ${baseline.jobName} computed; ${outcome.message}`,
      ...removalNotes(outcome.cleanup, 'old job definitions'),
    ].filter(Boolean).join('; '),
  };
}
