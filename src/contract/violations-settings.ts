/**
 * What the drift-alarm construct tells the monitoring-violations handler, and
 * the metrics they agree on: the handler publishes them, the construct's
 * alarms watch them. Types and constants only, so the handler bundle carries
 * no construct code.
 */

/** Name of the handler environment variable holding the {@link ViolationsSettings} as JSON. */
export const VIOLATIONS_SETTINGS_VARIABLE = 'MLOPS_VIOLATIONS_SETTINGS';

export interface ViolationsSettings {
  /**
   * Monitoring schedules whose runs the handler reports: a run counts when its
   * schedule's name starts with one of these. Empty means every schedule in
   * the account and region.
   */
  readonly schedulePrefixes: string[];
}

/** The CloudWatch namespace of the metrics the handler publishes (and the only one its role may write to). */
export const MODEL_MONITOR_NAMESPACE = 'MLOps/ModelMonitor';

/** Constraint violations one monitoring run found: 0 for a clean run. */
export const CONSTRAINT_VIOLATIONS_METRIC = 'ConstraintViolations';

/** 1 for a monitoring run that failed or was stopped, 0 for one that completed. */
export const MONITORING_FAILURES_METRIC = 'MonitoringFailures';

/** The one dimension of both metrics: the monitoring schedule's name. */
export const MONITORING_SCHEDULE_DIMENSION = 'MonitoringSchedule';

/** The EventBridge detail type of the events the handler takes (source `aws.sagemaker`). */
export const PROCESSING_JOB_STATE_CHANGE = 'SageMaker Processing Job State Change';

/** The processing job statuses a monitoring run ends in: the rule delivers only these. */
export const FINAL_JOB_STATUSES: readonly string[] = ['Completed', 'Failed', 'Stopped'];
