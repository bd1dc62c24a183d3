import {
  CreateDataQualityJobDefinitionCommand,
  CreateDataQualityJobDefinitionCommandInput,
  CreateModelQualityJobDefinitionCommand,
  CreateModelQualityJobDefinitionCommandInput,
  CreateMonitoringScheduleCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteModelQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeMonitoringScheduleCommandOutput,
  ListDataQualityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
  MonitoringJobDefinitionSummary,
  MonitoringOutputConfig,
  MonitoringResources,
  MonitoringScheduleConfig,
  MonitoringType,
  ProcessingInstanceType,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { isNameTaken, isNotFound, unlessNotFound } from './aws-errors';
import type { Baseline } from './model-monitor-baseline';
import { MODEL_QUALITY_HOURLY_MAX_RUNTIME_SECONDS, modelQualityEndpointInput, modelQualityOf } from './model-quality-analyzer';
import { Removal, removeEach } from './removal';
import {
  dataQualityDefinitionName,
  dataQualityDefinitionPrefix,
  isDataQualityDefinitionName,
  isModelQualityDefinitionName,
  modelQualityDefinitionName,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../contract/monitoring-naming';
import type { MonitoringFrequency, MonitoringKind, MonitoringSpec } from '../contract/monitoring-settings';

/*
 * The analyzer's contract for a monitoring job: SageMaker mounts the
 * endpoint's captured traffic under the input path and uploads the output
 * path (constraint_violations.json, statistics.json) after each run. A
 * model-quality job also reads the ground truth labels and needs more of its
 * definition (model-quality-analyzer.ts); the schedule around either kind of
 * definition is kept the same way.
 */
const ENDPOINT_INPUT_PATH = '/opt/ml/processing/input/endpoint';
const OUTPUT_PATH = '/opt/ml/processing/output';
/** SageMaker refuses an hourly data-quality schedule whose job may run longer than the hour. */
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

/** A run's time limit: the configured one, capped for an hourly schedule so one run ends before the next. */
function maxRuntimeSeconds(spec: MonitoringSpec, hourlyLimit: number): number {
  return spec.schedule === 'hourly' ? Math.min(spec.resources.maxRuntimeSeconds, hourlyLimit) : spec.resources.maxRuntimeSeconds;
}

function jobResources(spec: MonitoringSpec): MonitoringResources {
  return {
    ClusterConfig: {
      InstanceType: spec.resources.instanceType as ProcessingInstanceType,
      InstanceCount: spec.resources.instanceCount,
      VolumeSizeInGB: spec.resources.volumeSizeGb,
      VolumeKmsKeyId: spec.kmsKeyArn,
    },
  };
}

/** Each run's report, uploaded under `<outputPrefix>/<folder>`. */
function jobOutput(spec: MonitoringSpec, folder: string): MonitoringOutputConfig {
  return {
    MonitoringOutputs: [{
      S3Output: { S3Uri: `${trimSlash(spec.outputPrefix)}/${folder}`, LocalPath: OUTPUT_PATH, S3UploadMode: 'EndOfJob' },
    }],
    KmsKeyId: spec.kmsKeyArn,
  };
}

/** The data-quality job definition for a baseline. */
export function dataQualityDefinition(spec: MonitoringSpec, baseline: Baseline): CreateDataQualityJobDefinitionCommandInput {
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
    DataQualityJobOutputConfig: jobOutput(spec, 'reports'),
    JobResources: jobResources(spec),
    RoleArn: spec.roleArn,
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds(spec, HOURLY_MAX_RUNTIME_SECONDS) },
    Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

/**
 * The model-quality job definition for a model-quality baseline: its
 * constraints only (the API takes no statistics), the captured traffic with
 * where the prediction is in it, and the ground truth labels. Reports go to
 * their own folder, apart from the data-quality ones.
 */
export function modelQualityDefinition(spec: MonitoringSpec, baseline: Baseline): CreateModelQualityJobDefinitionCommandInput {
  const modelQuality = modelQualityOf(spec);
  return {
    JobDefinitionName: modelQualityDefinitionName(spec.namePrefix, baseline.constraintsUri),
    ModelQualityBaselineConfig: { ConstraintsResource: { S3Uri: baseline.constraintsUri } },
    ModelQualityAppSpecification: {
      ImageUri: spec.imageUri,
      ProblemType: modelQuality.problemType,
      Environment: { publish_cloudwatch_metrics: 'Enabled' },
    },
    ModelQualityJobInput: {
      EndpointInput: modelQualityEndpointInput(modelQuality, spec.endpointName, ENDPOINT_INPUT_PATH),
      GroundTruthS3Input: { S3Uri: modelQuality.groundTruthUri },
    },
    ModelQualityJobOutputConfig: jobOutput(spec, 'model-quality-reports'),
    JobResources: jobResources(spec),
    RoleArn: spec.roleArn,
    StoppingCondition: { MaxRuntimeInSeconds: maxRuntimeSeconds(spec, MODEL_QUALITY_HOURLY_MAX_RUNTIME_SECONDS) },
    Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

/** One page of a List*JobDefinitions answer (both kinds answer the same shape). */
interface DefinitionPage {
  readonly JobDefinitionSummaries?: MonitoringJobDefinitionSummary[];
  readonly NextToken?: string;
}

/** A baseline's job definition, ready to create. */
interface Definition {
  readonly name: string;
  create(sagemaker: SageMakerClient): Promise<unknown>;
}

/**
 * What differs between the kinds of monitoring a schedule runs: the
 * schedule's name and type, and the calls on its kind of job definition.
 * The rest (one definition per baseline, one schedule moved across them,
 * old definitions deleted) is the same for both.
 */
interface MonitorKindCalls {
  readonly monitoringType: MonitoringType;
  scheduleName(namePrefix: string): string;
  definitionPrefix(namePrefix: string): string;
  isDefinitionName(namePrefix: string, name: string): boolean;
  definition(spec: MonitoringSpec, baseline: Baseline): Definition;
  describeDefinition(sagemaker: SageMakerClient, name: string): Promise<unknown>;
  listDefinitions(sagemaker: SageMakerClient, nameContains: string, nextToken?: string): Promise<DefinitionPage>;
  deleteDefinition(sagemaker: SageMakerClient, name: string): Promise<unknown>;
}

const MONITOR_KINDS: { readonly [kind in MonitoringKind]: MonitorKindCalls } = {
  'data-quality': {
    monitoringType: 'DataQuality',
    scheduleName: monitoringScheduleName,
    definitionPrefix: dataQualityDefinitionPrefix,
    isDefinitionName: isDataQualityDefinitionName,
    definition: (spec, baseline) => {
      const input = dataQualityDefinition(spec, baseline);
      return { name: input.JobDefinitionName!, create: (sagemaker) => sagemaker.send(new CreateDataQualityJobDefinitionCommand(input)) };
    },
    describeDefinition: (sagemaker, name) => sagemaker.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
    listDefinitions: (sagemaker, nameContains, nextToken) => sagemaker.send(new ListDataQualityJobDefinitionsCommand({
      NameContains: nameContains, NextToken: nextToken, MaxResults: 100,
    })),
    deleteDefinition: (sagemaker, name) => sagemaker.send(new DeleteDataQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
  'model-quality': {
    monitoringType: 'ModelQuality',
    scheduleName: modelQualityScheduleName,
    definitionPrefix: modelQualityDefinitionPrefix,
    isDefinitionName: isModelQualityDefinitionName,
    definition: (spec, baseline) => {
      const input = modelQualityDefinition(spec, baseline);
      return { name: input.JobDefinitionName!, create: (sagemaker) => sagemaker.send(new CreateModelQualityJobDefinitionCommand(input)) };
    },
    describeDefinition: (sagemaker, name) => sagemaker.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
    listDefinitions: (sagemaker, nameContains, nextToken) => sagemaker.send(new ListModelQualityJobDefinitionsCommand({
      NameContains: nameContains, NextToken: nextToken, MaxResults: 100,
    })),
    deleteDefinition: (sagemaker, name) => sagemaker.send(new DeleteModelQualityJobDefinitionCommand({ JobDefinitionName: name })),
  },
};

/** The schedule of one kind of monitoring for an environment. */
export function scheduleNameOf(namePrefix: string, kind: MonitoringKind): string {
  return MONITOR_KINDS[kind].scheduleName(namePrefix);
}

async function ensureDefinition(sagemaker: SageMakerClient, monitor: MonitorKindCalls, definition: Definition): Promise<void> {
  try {
    await monitor.describeDefinition(sagemaker, definition.name);
    return; // Same name, same baseline: nothing to change (definitions cannot be updated anyway).
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
  try {
    await definition.create(sagemaker);
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
 * Makes the environment's schedule of one kind (data quality unless `kind`
 * says otherwise) run against `baseline`: creates the baseline's job
 * definition, then creates the schedule or points it at that definition (and
 * the configured frequency). Idempotent: a retried call finds everything in
 * place. Old definitions of that kind are then deleted.
 */
export async function ensureSchedule(
  spec: MonitoringSpec,
  baseline: Baseline,
  sagemaker: SageMakerClient,
  kind: MonitoringKind = 'data-quality',
): Promise<ScheduleOutcome> {
  const monitor = MONITOR_KINDS[kind];
  const scheduleName = monitor.scheduleName(spec.namePrefix);
  const definition = monitor.definition(spec, baseline);
  const config: MonitoringScheduleConfig = {
    ScheduleConfig: { ScheduleExpression: scheduleExpression(spec.schedule) },
    MonitoringJobDefinitionName: definition.name,
    MonitoringType: monitor.monitoringType,
  };
  await ensureDefinition(sagemaker, monitor, definition);

  let current = await describeSchedule(sagemaker, scheduleName);
  let outcome: 'created' | 'updated' | 'unchanged';
  if (!current) {
    try {
      await sagemaker.send(new CreateMonitoringScheduleCommand({
        MonitoringScheduleName: scheduleName,
        MonitoringScheduleConfig: config,
        Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
      }));
      outcome = 'created';
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
    const same = serving?.MonitoringJobDefinitionName === definition.name
      && serving.ScheduleConfig?.ScheduleExpression === config.ScheduleConfig!.ScheduleExpression;
    if (same) {
      outcome = 'unchanged';
    } else if (current.MonitoringScheduleStatus === 'Pending') {
      return { kind: 'busy', scheduleName, message: `Monitoring schedule ${scheduleName} is Pending; updating it once it settles` };
    } else {
      await sagemaker.send(new UpdateMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName, MonitoringScheduleConfig: config }));
      outcome = 'updated';
    }
  }
  const cleanup = await deleteDefinitions(monitor, spec.namePrefix, sagemaker, definition.name);
  const message = `Monitoring schedule ${scheduleName} ${outcome!} on ${definition.name} (${spec.schedule})`;
  return { kind: outcome!, scheduleName, cleanup, message };
}

/** The environment's job definitions of one kind, except `keep`. */
async function listDefinitions(monitor: MonitorKindCalls, namePrefix: string, sagemaker: SageMakerClient, keep?: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await monitor.listDefinitions(sagemaker, monitor.definitionPrefix(namePrefix), nextToken);
    for (const summary of page.JobDefinitionSummaries ?? []) {
      const name = summary.MonitoringJobDefinitionName;
      // NameContains is a substring match: a longer prefix's definitions are not ours.
      if (name && name !== keep && monitor.isDefinitionName(namePrefix, name)) {
        names.push(name);
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return names;
}

/** Deletes old definitions; one that cannot go now (still in use) never fails the caller. */
async function deleteDefinitions(
  monitor: MonitorKindCalls,
  namePrefix: string,
  sagemaker: SageMakerClient,
  keep?: string,
): Promise<DefinitionCleanup> {
  const old = await listDefinitions(monitor, namePrefix, sagemaker, keep);
  return removeEach(old, (name) => monitor.deleteDefinition(sagemaker, name));
}

export interface ScheduleDeletion {
  /** False when the schedule was already gone. */
  readonly scheduleDeleted: boolean;
  readonly cleanup: DefinitionCleanup;
}

/**
 * Removes the environment's schedule of one kind (data quality unless `kind`
 * says otherwise) and every job definition of that kind, for the pipeline's
 * clean-up. A schedule or definition already gone counts as deleted.
 */
export async function deleteSchedule(
  spec: Pick<MonitoringSpec, 'namePrefix'>,
  sagemaker: SageMakerClient,
  kind: MonitoringKind = 'data-quality',
): Promise<ScheduleDeletion> {
  const monitor = MONITOR_KINDS[kind];
  let scheduleDeleted = true;
  try {
    await sagemaker.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: monitor.scheduleName(spec.namePrefix) }));
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
    scheduleDeleted = false;
  }
  return { scheduleDeleted, cleanup: await deleteDefinitions(monitor, spec.namePrefix, sagemaker) };
}
