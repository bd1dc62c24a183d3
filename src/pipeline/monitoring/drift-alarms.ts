import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MonitoringFrequency, MonitoringKind } from '../../contract/monitoring-settings';
import { ViolationsFunction } from './violations-function';
import {
  CONSTRAINT_VIOLATIONS_METRIC,
  FINAL_JOB_STATUSES,
  MODEL_MONITOR_NAMESPACE,
  MONITORING_FAILURES_METRIC,
  MONITORING_SCHEDULE_DIMENSION,
  PROCESSING_JOB_STATE_CHANGE,
  VIOLATIONS_SETTINGS_VARIABLE,
  ViolationsSettings,
} from '../../contract/violations-settings';
import { acknowledgeRule, justifyWildcards } from '../../nag/acknowledgements';
import { ProblemCollector } from '../../common/problem-collector';
import { createHandlerFunction, sharedHandlersOf } from '../shared/handler-function';

/** Props of {@link DriftAlarms}. */
export interface DriftAlarmsProps {
  /** The pipeline's name, for descriptions. */
  readonly pipelineName: string;
  /** How long the violations function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** One monitored environment, as {@link DriftAlarms.addEnvironment} takes it. */
export interface DriftAlarmsEnvironment {
  readonly environmentName: string;
  /** The monitored endpoint, named in the alarms' descriptions. */
  readonly endpointName: string;
  /** The environment's monitoring schedule (`monitoringScheduleName`): the metrics' dimension and the alarms' names. */
  readonly scheduleName: string;
  /** How often the schedule runs: one alarm period is one run. */
  readonly frequency: MonitoringFrequency;
  /** Constraint violations in one run that raise the violations alarm (a whole number, 1 or more). */
  readonly violationsThreshold: number;
  /** Where both alarms notify. */
  readonly topic: sns.ITopic;
  /**
   * `s3://` prefix of the schedule's reports, named in the alarms' descriptions.
   * @default - the descriptions say how to find a run's report from its execution
   */
  readonly reportsUri?: string;
  /**
   * What the schedule checks: the traffic against its baseline, or the predictions against true labels.
   * @default 'data-quality'
   */
  readonly kind?: MonitoringKind;
}

/** The two alarms of one monitored environment. */
export interface DriftEnvironmentAlarms {
  /** A run found at least the environment's threshold of constraint violations. */
  readonly violations: cloudwatch.Alarm;
  /** A run failed or was stopped, so it checked nothing. */
  readonly failures: cloudwatch.Alarm;
}

/** The alarm names of a schedule: one schedule per environment, so unique per account and region. */
export function driftAlarmNames(scheduleName: string): { readonly violations: string; readonly failures: string } {
  return { violations: `${scheduleName}-violations`, failures: `${scheduleName}-failures` };
}

/** One alarm period per run of the schedule. */
export function driftAlarmPeriod(frequency: MonitoringFrequency): Duration {
  return frequency === 'daily' ? Duration.days(1) : Duration.hours(1);
}

/** Props of {@link createDriftMetricsPublisher}. */
export interface DriftMetricsPublisherProps {
  /** Whose runs it publishes, for descriptions: "churn-mlops", "the MLOps framework's pipelines". */
  readonly owner: string;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The schedules whose runs are published: a run counts when its schedule's
   * name starts with one of these. Read when the stack is synthesized, so
   * schedules added later count too. Empty means every monitoring schedule
   * in the account and region.
   */
  readonly schedulePrefixes: string[];
}

/** The function that turns finished Model Monitor runs into metrics, its rule and its dead-letter queue. */
export interface DriftMetricsPublisher {
  readonly function: lambda.IFunction;
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Creates, directly in `scope` (IDs `Logs`, `Role`, `Function`,
 * `FailedEvents`, `RunEnded`), the function that turns the end of each Model
 * Monitor run into the `MLOps/ModelMonitor` metrics `ConstraintViolations`
 * and `MonitoringFailures` (dimension `MonitoringSchedule`), fed by an
 * EventBridge rule on SageMaker's processing job state changes, with retries
 * and a dead-letter queue. A pipeline's {@link DriftAlarms} makes one; an
 * MlopsFramework makes one for all the pipelines it provisions.
 */
export function createDriftMetricsPublisher(scope: Construct, props: DriftMetricsPublisherProps): DriftMetricsPublisher {
  const handler = createHandlerFunction(scope, {
    roleDescription: `Publishes the Model Monitor run metrics of ${props.owner}`,
    functionDescription: 'Publishes the constraint violations and failures of each Model Monitor run as CloudWatch metrics',
    // One event is a describe, a few listing pages and one PutMetricData.
    timeout: Duration.minutes(1),
    logRetention: props.logRetention,
    createFunction: (inScope, functionId, options) => new ViolationsFunction(inScope, functionId, options),
  });
  const fn = handler.function;
  handler.setSettings(VIOLATIONS_SETTINGS_VARIABLE, Stack.of(scope).toJsonString({
    schedulePrefixes: props.schedulePrefixes,
  } satisfies ViolationsSettings));

  const role = handler.role;
  // PutMetricData has no resource-level permissions: AWS requires '*'. The
  // namespace condition keeps the function to its own metrics.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': MODEL_MONITOR_NAMESPACE } },
  }));
  // ListMonitoringExecutions has no resource-level permissions: AWS requires '*'.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:ListMonitoringExecutions'],
    resources: ['*'],
  }));
  // Model Monitor names each run's processing job itself, so only the
  // resource type and this account and region can be named.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:DescribeProcessingJob'],
    resources: [Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'processing-job', resourceName: '*' })],
  }));
  justifyWildcards(scope, [
    { finding: /^Resource::\*$/, reason: 'cloudwatch:PutMetricData (limited to the MLOps/ModelMonitor namespace by condition) and sagemaker:ListMonitoringExecutions support no resource-level permissions' },
    { finding: /^Resource::arn:.*:sagemaker:.*:processing-job\/\*$/, reason: 'Model Monitor names the processing job of each run itself; the function only describes the jobs whose state-change events it receives' },
  ]);

  // Events that still fail after the retries are kept, never dropped: those
  // EventBridge could not deliver, and those the function threw on after
  // Lambda's own retries (throttled SageMaker or CloudWatch calls).
  const deadLetterQueue = new sqs.Queue(scope, 'FailedEvents', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledgeRule(deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the drift alarms\' events');
  const retries = { retryAttempts: 2, maxEventAge: Duration.hours(1) };
  fn.configureAsyncInvoke({ ...retries, onFailure: new destinations.SqsDestination(deadLetterQueue) });
  // A monitoring run's schedule is not in every processing job's event (it
  // is read from the job when absent), so the pattern narrows to finished
  // processing jobs; the function ignores the others.
  const rule = new events.Rule(scope, 'RunEnded', {
    description: `Publishes the metrics of each finished Model Monitor run of ${props.owner}`,
    eventPattern: {
      source: ['aws.sagemaker'],
      detailType: [PROCESSING_JOB_STATE_CHANGE],
      detail: { ProcessingJobStatus: [...FINAL_JOB_STATUSES] },
    },
    targets: [new targets.LambdaFunction(fn, { ...retries, deadLetterQueue })],
  });
  return { function: fn, rule, deadLetterQueue };
}

/**
 * The drift alarms of a pipeline: a function that publishes each finished
 * Model Monitor run as metrics (see {@link createDriftMetricsPublisher}), and
 * per monitored environment two alarms on those metrics that notify the
 * pipeline's topic.
 *
 * In a stack whose pipelines use shared handlers (an MlopsFramework's
 * blueprints), the framework stack publishes the metrics of every schedule
 * in its account and region, so only the alarms are made here.
 *
 * EventBridge rules see their own account's and region's events: the
 * environments must run in this stack's account and region.
 */
export class DriftAlarms extends Construct {
  /**
   * The function that publishes the monitoring runs' metrics.
   * @default - none when the stack uses shared handlers: the framework's publishes them
   */
  public readonly function?: lambda.IFunction;
  /**
   * The rule that hands it every finished processing job.
   * @default - none when the stack uses shared handlers
   */
  public readonly rule?: events.Rule;
  /**
   * Events the function could not take or failed on after its retries.
   * @default - none when the stack uses shared handlers
   */
  public readonly deadLetterQueue?: sqs.Queue;
  private readonly schedulePrefixes: string[] = [];
  private readonly environments = new Map<string, DriftEnvironmentAlarms>();
  private readonly keysGranted = new Set<string>();

  constructor(scope: Construct, id: string, props: DriftAlarmsProps) {
    super(scope, id);
    if (sharedHandlersOf(this)) {
      return;
    }
    const publisher = createDriftMetricsPublisher(this, {
      owner: props.pipelineName,
      logRetention: props.logRetention,
      schedulePrefixes: this.schedulePrefixes,
    });
    this.function = publisher.function;
    this.rule = publisher.rule;
    this.deadLetterQueue = publisher.deadLetterQueue;
  }

  /**
   * Reports the runs of an environment's monitoring schedule and creates its
   * two alarms, each notifying `topic`: constraint violations (Maximum of
   * `ConstraintViolations` at or over the threshold in one run's period) and
   * failed runs (Maximum of `MonitoringFailures` at or over 1). A period with
   * no run does not alarm. Grants CloudWatch what it needs to publish to the
   * topic and its key, when they are defined in this app.
   */
  public addEnvironment(environment: DriftAlarmsEnvironment): DriftEnvironmentAlarms {
    validateEnvironment(environment, this.environments);
    const { environmentName, endpointName, scheduleName, topic } = environment;
    this.schedulePrefixes.push(scheduleName);
    const period = driftAlarmPeriod(environment.frequency);
    const names = driftAlarmNames(scheduleName);
    const reports = environment.reportsUri
      ? `Reports: ${environment.reportsUri}`
      : `Reports: each run's output in S3 (ListMonitoringExecutions on ${scheduleName}, then its processing job's ProcessingOutputConfig)`;
    const kind = environment.kind ?? 'data-quality';
    const check = `${environment.frequency} Model Monitor ${kind} check of endpoint ${endpointName} (environment ${environmentName}, schedule ${scheduleName})`;
    const meaning = kind === 'model-quality'
      ? 'the model\'s predictions fell short of the quality of its baseline against the true labels'
      : 'the endpoint\'s traffic drifted from its baseline';

    const violations = new cloudwatch.Alarm(this, `Violations-${environmentName}`, {
      alarmName: names.violations,
      alarmDescription: `The ${check} found ${environment.violationsThreshold} or more constraint violations: ${meaning}. ${reports}`,
      metric: this.runMetric(CONSTRAINT_VIOLATIONS_METRIC, scheduleName, period),
      threshold: environment.violationsThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const failures = new cloudwatch.Alarm(this, `Failures-${environmentName}`, {
      alarmName: names.failures,
      alarmDescription: `The ${check} failed or was stopped, so it checked nothing. The failure reason is in the run's monitoring execution. ${reports}`,
      metric: this.runMetric(MONITORING_FAILURES_METRIC, scheduleName, period),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [violations, failures]) {
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
    }
    this.allowAlarmsToPublish(topic, [names.violations, names.failures]);
    const alarms = { violations, failures };
    this.environments.set(environmentName, alarms);
    return alarms;
  }

  private runMetric(metricName: string, scheduleName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: MODEL_MONITOR_NAMESPACE,
      metricName,
      dimensionsMap: { [MONITORING_SCHEDULE_DIMENSION]: scheduleName },
      statistic: cloudwatch.Stats.MAXIMUM,
      period,
    });
  }

  /**
   * CloudWatch publishes alarm notifications as its service principal: a
   * topic whose policy CDK manages (as a TLS-only topic's is) must allow it,
   * here for these alarms only, and a KMS-encrypted topic's key must let it
   * encrypt the message. An imported topic or key cannot be changed here.
   */
  private allowAlarmsToPublish(topic: sns.ITopic, alarmNames: string[]): void {
    const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    // ARNs made from the names rather than the alarms' attributes, so a topic
    // defined in another stack does not come to depend on this one.
    const alarmArns = alarmNames.map((alarmName) => Stack.of(this).formatArn({
      service: 'cloudwatch', resource: 'alarm', resourceName: alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }));
    const added = topic.addToResourcePolicy(new iam.PolicyStatement({
      principals: [cloudwatchPrincipal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': alarmArns } },
    }));
    // One statement per key: every alarm of this construct uses it the same way.
    const key = topic.masterKey;
    let keyChanged = true;
    if (key && !this.keysGranted.has(key.node.path)) {
      this.keysGranted.add(key.node.path);
      keyChanged = key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [cloudwatchPrincipal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }), true).statementAdded;
    }
    if (!added.statementAdded || !keyChanged) {
      Annotations.of(this).addWarningV2('cdk-mlops-framework:DriftAlarms.importedTopic',
        `The topic ${topic.node.path} (or its key) is imported, so it cannot be changed here: its policy must let cloudwatch.amazonaws.com call sns:Publish `
        + '(and its KMS key, if any, let that principal use kms:Decrypt and kms:GenerateDataKey*), or the drift alarms notify no one.');
    }
  }
}

function validateEnvironment(environment: DriftAlarmsEnvironment, known: ReadonlyMap<string, DriftEnvironmentAlarms>): void {
  const problems = new ProblemCollector('DriftAlarms.addEnvironment');
  const { environmentName, scheduleName, frequency, violationsThreshold } = environment;
  problems.check(Token.isUnresolved(environmentName) || environmentName.length > 0, 'environmentName', 'must not be empty');
  problems.check(!known.has(environmentName), 'environmentName', `"${environmentName}" already has drift alarms`);
  problems.matches(scheduleName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'scheduleName', 'is not a SageMaker monitoring schedule name (1 to 63 letters, digits and hyphens)');
  problems.check(frequency === 'hourly' || frequency === 'daily', 'frequency', `must be hourly or daily, got ${JSON.stringify(frequency)}`);
  problems.integerInRange(violationsThreshold, 1, Number.MAX_SAFE_INTEGER, 'violationsThreshold');
  problems.throwIfAny();
}
