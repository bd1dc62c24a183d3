import {
  CreateDataQualityJobDefinitionCommand,
  CreateDataQualityJobDefinitionCommandInput,
  CreateMonitoringScheduleCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeMonitoringScheduleCommandOutput,
  ListDataQualityJobDefinitionsCommand,
  MonitoringScheduleConfig,
  ProcessingInstanceType,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { isNameTaken, isNotFound, unlessNotFound } from './aws-errors';
import type { Baseline } from './model-monitor-baseline';
import { Removal, removeEach } from './removal';
import {
  dataQualityDefinitionName,
  dataQualityDefinitionPrefix,
  isDataQualityDefinitionName,
  monitoringScheduleName,
} from '../pipeline/monitoring/monitoring-naming';
import type { MonitoringFrequency, MonitoringSpec } from '../pipeline/monitoring/monitoring-spec';

/*
 * The analyzer's contract for a monitoring job: SageMaker mounts the
 * endpoint's captured traffic under the input path and uploads the output
 * path (constraint_violations.json, statistics.json) after each run.
 */
const ENDPOINT_INPUT_PATH = '/opt/ml/processing/input/endpoint';
const OUTPUT_PATH = '/opt/ml/processing/output';
/** SageMaker refuses an hourly schedule whose job may run longer than the hour. */
const HOURLY_MAX_RUNTIME_SECONDS = 3600;

/**
 * The schedule expressions SageMaker accepts for the two frequencies (the
 * Python SDK's CronExpressionGenerator.hourly() and .daily() give the same):
 * on the hour, every hour; at 00:00 UTC every day.
 */
export function scheduleExpression(frequency: MonitoringFrequency): string {
  switch (frequency) {
    case 'hourly':
      return 'cron(0 * ? * * *)';
    case 'daily':
      return 'cron(0 0 ? * * *)';
    default:
      throw new Error(`Unknown monitoring frequency ${JSON.stringify(frequency)}; expected hourly or daily`);
  }
}

function trimSlash(uri: string): string {
  return uri.replace(/\/+$/, '');
}

/** The data-quality job definition for a baseline. */
export function dataQualityDefinition(spec: MonitoringSpec, baseline: Baseline): CreateDataQualityJobDefinitionCommandInput {
  const maxRuntime = spec.schedule === 'hourly'
    ? Math.min(spec.resources.maxRuntimeSeconds, HOURLY_MAX_RUNTIME_SECONDS)
    : spec.resources.maxRuntimeSeconds;
  return {
    JobDefinitionName: dataQualityDefinitionName(spec.namePrefix, baseline.statisticsUri, baseline.constraintsUri),
    DataQualityBaselineConfig: {
      StatisticsResource: { S3Uri: baseline.statisticsUri },
      ConstraintsResource: { S3Uri: baseline.constraintsUri },
    },
    DataQualityAppSpecification: { ImageUri: spec.imageUri },
    DataQualityJobInput: {
      EndpointInput: {
        EndpointName: spec.endpointName,
        LocalPath: ENDPOINT_INPUT_PATH,
        S3InputMode: 'File',
        S3DataDistributionType: 'FullyReplicated',
      },
    },
    DataQualityJobOutputConfig: {
      MonitoringOutputs: [{
        S3Output: { S3Uri: `${trimSlash(spec.outputPrefix)}/reports`, LocalPath: OUTPUT_PATH, S3UploadMode: 'EndOfJob' },
      }],
      KmsKeyId: spec.kmsKeyArn,
    },
    JobResources: {
      ClusterConfig: {
        InstanceType: spec.resources.instanceType as ProcessingInstanceType,
        InstanceCount: spec.resources.instanceCount,
        VolumeSizeInGB: spec.resources.volumeSizeGb,
        VolumeKmsKeyId: spec.kmsKeyArn,
      },
    },
    RoleArn: spec.roleArn,
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
    Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

async function ensureDefinition(sagemaker: SageMakerClient, definition: CreateDataQualityJobDefinitionCommandInput): Promise<void> {
  try {
    await sagemaker.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: definition.JobDefinitionName }));
    return; // Same name, same baseline: nothing to change (definitions cannot be updated anyway).
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
  try {
    await sagemaker.send(new CreateDataQualityJobDefinitionCommand(definition));
  } catch (err) {
    if (!isNameTaken(err)) {
      throw err;
    }
  }
}

async function describeSchedule(sagemaker: SageMakerClient, name: string): Promise<DescribeMonitoringScheduleCommandOutput | undefined> {
  return unlessNotFound(() => sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name })));
}

/** Old job definitions a clean-up removed, and those it could not (left for the next one). */
export type DefinitionCleanup = Removal;

export type ScheduleOutcome =
  | { readonly kind: 'created' | 'updated' | 'unchanged'; readonly message: string; readonly scheduleName: string; readonly cleanup: DefinitionCleanup }
  /** The schedule is Pending (SageMaker is still applying a change): call again. */
  | { readonly kind: 'busy'; readonly message: string; readonly scheduleName: string };

/**
 * Makes the environment's data-quality schedule run against `baseline`:
 * creates the baseline's job definition, then creates the schedule or points
 * it at that definition (and the configured frequency). Idempotent: a
 * retried call finds everything in place. Old definitions are then deleted.
 */
export async function ensureSchedule(spec: MonitoringSpec, baseline: Baseline, sagemaker: SageMakerClient): Promise<ScheduleOutcome> {
  const scheduleName = monitoringScheduleName(spec.namePrefix);
  const definition = dataQualityDefinition(spec, baseline);
  const definitionName = definition.JobDefinitionName!;
  const config: MonitoringScheduleConfig = {
    ScheduleConfig: { ScheduleExpression: scheduleExpression(spec.schedule) },
    MonitoringJobDefinitionName: definitionName,
    MonitoringType: 'DataQuality',
  };
  await ensureDefinition(sagemaker, definition);

  let current = await describeSchedule(sagemaker, scheduleName);
  let kind: 'created' | 'updated' | 'unchanged';
  if (!current) {
    try {
      await sagemaker.send(new CreateMonitoringScheduleCommand({
        MonitoringScheduleName: scheduleName,
        MonitoringScheduleConfig: config,
        Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
      }));
      kind = 'created';
    } catch (err) {
      if (!isNameTaken(err)) {
        throw err;
      }
      // Created by a concurrent attempt: treat it as an existing schedule.
      current = await describeSchedule(sagemaker, scheduleName);
    }
  }
  if (current) {
    const serving = current.MonitoringScheduleConfig;
    const same = serving?.MonitoringJobDefinitionName === definitionName
      && serving.ScheduleConfig?.ScheduleExpression === config.ScheduleConfig!.ScheduleExpression;
    if (same) {
      kind = 'unchanged';
    } else if (current.MonitoringScheduleStatus === 'Pending') {
      return { kind: 'busy', scheduleName, message: `Monitoring schedule ${scheduleName} is Pending; updating it once it settles` };
    } else {
      await sagemaker.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName, MonitoringScheduleConfig: config }));
      kind = 'updated';
    }
  }
  const cleanup = await deleteDefinitions(spec, sagemaker, definitionName);
  return { kind: kind!, scheduleName, cleanup, message: `Monitoring schedule ${scheduleName} ${kind!} on ${definitionName} (${spec.schedule})` };
}

/** The environment's data-quality job definitions, except `keep`. */
async function listDefinitions(spec: Pick<MonitoringSpec, 'namePrefix'>, sagemaker: SageMakerClient, keep?: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sagemaker.send(new ListDataQualityJobDefinitionsCommand({
      NameContains: dataQualityDefinitionPrefix(spec.namePrefix),
      NextToken: nextToken,
      MaxResults: 100,
    }));
    for (const summary of page.JobDefinitionSummaries ?? []) {
      const name = summary.MonitoringJobDefinitionName;
      // NameContains is a substring match: a longer prefix's definitions are not ours.
      if (name && name !== keep && isDataQualityDefinitionName(spec.namePrefix, name)) {
        names.push(name);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return names;
}

/** Deletes old definitions; one that cannot go now (still in use) never fails the caller. */
async function deleteDefinitions(spec: Pick<MonitoringSpec, 'namePrefix'>, sagemaker: SageMakerClient, keep?: string): Promise<DefinitionCleanup> {
  return removeEach(await listDefinitions(spec, sagemaker, keep),
    (name) => sagemaker.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: name })));
}

export interface ScheduleDeletion {
  /** False when the schedule was already gone. */
  readonly scheduleDeleted: boolean;
  readonly cleanup: DefinitionCleanup;
}

/**
 * Removes the environment's schedule and every job definition it made, for
 * the pipeline's clean-up. A schedule or definition already gone counts as deleted.
 */
export async function deleteSchedule(spec: Pick<MonitoringSpec, 'namePrefix'>, sagemaker: SageMakerClient): Promise<ScheduleDeletion> {
  let scheduleDeleted = true;
  try {
    await sagemaker.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(spec.namePrefix) }));
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
    scheduleDeleted = false;
  }
  return { scheduleDeleted, cleanup: await deleteDefinitions(spec, sagemaker) };
}
