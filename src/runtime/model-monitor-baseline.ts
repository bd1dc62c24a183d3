import {
  CreateProcessingJobCommand,
  CreateProcessingJobCommandInput,
  DescribeProcessingJobCommand,
  DescribeProcessingJobCommandOutput,
  ProcessingInstanceType,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { errorMessage, isNameTaken, isTransient, unlessNotFound } from './aws-errors';
import { MODEL_QUALITY_DATASET_FORMAT, modelQualityBaselineEnvironment, modelQualityOf } from './model-quality-analyzer';
import { baselineJobName, modelQualityBaselineJobName } from '../contract/monitoring-naming';
import type { BaselineDatasetFormat, MonitoringKind, MonitoringSpec } from '../contract/monitoring-settings';

/*
 * The analyzer container's contract for a suggest-baseline job, as the
 * SageMaker Python SDK's DefaultModelMonitor.suggest_baseline drives it: the
 * dataset is mounted under /opt/ml/processing/input/<input name>, the
 * environment says where it is and how it is laid out, and the container
 * writes statistics.json and constraints.json to output_path, uploaded at
 * the end of the job. A model-quality baseline is the same job on its own
 * dataset with a few more variables (model-quality-analyzer.ts).
 */
const INPUT_NAME = 'baseline_dataset_input';
const INPUT_PATH = `/opt/ml/processing/input/${INPUT_NAME}`;
const OUTPUT_NAME = 'monitoring_output';
const OUTPUT_PATH = '/opt/ml/processing/output';

/** Where a baseline stands between two calls, carried in the CodePipeline continuation token. */
export interface BaselineState {
  readonly jobName: string;
  /** `s3://...` the job writes its two files to. */
  readonly outputUri: string;
}

/** The files a completed baseline left, which a job definition points at. */
export interface Baseline {
  readonly jobName: string;
  readonly statisticsUri: string;
  readonly constraintsUri: string;
}

export type BaselineOutcome =
  | { readonly kind: 'succeeded'; readonly message: string; readonly baseline: Baseline }
  | { readonly kind: 'in-progress'; readonly message: string; readonly state: BaselineState }
  | { readonly kind: 'failed'; readonly message: string };

/**
 * The analyzer's `dataset_format` value: a JSON object naming the layout, as
 * the SDK's DatasetFormat.csv / .json build it. Label and prediction columns
 * come first in a baseline CSV (`START`), the SDK's default, said explicitly.
 */
export function datasetFormatValue(format: BaselineDatasetFormat): string {
  return format.kind === 'csv'
    ? JSON.stringify({ csv: { header: format.header, output_columns_position: 'START' } })
    : JSON.stringify({ json: { lines: true } });
}

function trimSlash(uri: string): string {
  return uri.replace(/\/+$/, '');
}

/**
 * The baseline's output location: one folder per job, so baselines never
 * overwrite each other (the two kinds' jobs have different names, so
 * different folders).
 */
export function baselineOutputUri(spec: MonitoringSpec, jobName: string): string {
  return `${trimSlash(spec.outputPrefix)}/baselines/${jobName}`;
}

/** The suggest-baseline job of one pipeline execution, for each kind of monitoring. */
function baselineJobNameOf(spec: MonitoringSpec, executionId: string, kind: MonitoringKind): string {
  return kind === 'model-quality'
    ? modelQualityBaselineJobName(spec.namePrefix, executionId)
    : baselineJobName(spec.namePrefix, executionId);
}

/** What a kind of baseline analyses: its dataset, that dataset's layout, and the variables naming the analysis. */
interface Analysis {
  readonly datasetUri: string;
  readonly format: BaselineDatasetFormat;
  readonly variables: Record<string, string>;
}

function analysisOf(spec: MonitoringSpec, kind: MonitoringKind): Analysis {
  if (kind === 'model-quality') {
    const modelQuality = modelQualityOf(spec);
    return {
      datasetUri: modelQuality.baselineDatasetUri,
      format: MODEL_QUALITY_DATASET_FORMAT,
      variables: modelQualityBaselineEnvironment(modelQuality),
    };
  }
  return { datasetUri: spec.baselineDatasetUri, format: spec.baselineDatasetFormat, variables: {} };
}

/** The CreateProcessingJob request of a suggest-baseline job (data quality unless `kind` says otherwise). */
export function baselineJobRequest(spec: MonitoringSpec, jobName: string, kind: MonitoringKind = 'data-quality'): CreateProcessingJobCommandInput {
  const analysis = analysisOf(spec, kind);
  return {
    ProcessingJobName: jobName,
    RoleArn: spec.roleArn,
    AppSpecification: { ImageUri: spec.imageUri },
    Environment: {
      dataset_format: datasetFormatValue(analysis.format),
      dataset_source: INPUT_PATH,
      output_path: OUTPUT_PATH,
      // A baseline is computed once from a fixed dataset: nothing to chart.
      publish_cloudwatch_metrics: 'Disabled',
      ...analysis.variables,
    },
    ProcessingInputs: [{
      InputName: INPUT_NAME,
      S3Input: {
        S3Uri: analysis.datasetUri,
        LocalPath: INPUT_PATH,
        S3DataType: 'S3Prefix',
        S3InputMode: 'File',
        S3DataDistributionType: 'FullyReplicated',
      },
    }],
    ProcessingOutputConfig: {
      Outputs: [{
        OutputName: OUTPUT_NAME,
        S3Output: { S3Uri: baselineOutputUri(spec, jobName), LocalPath: OUTPUT_PATH, S3UploadMode: 'EndOfJob' },
      }],
      KmsKeyId: spec.kmsKeyArn,
    },
    ProcessingResources: {
      ClusterConfig: {
        // The construct validated the shape; SageMaker names the exact types it accepts.
        InstanceType: spec.resources.instanceType as ProcessingInstanceType,
        InstanceCount: spec.resources.instanceCount,
        VolumeSizeInGB: spec.resources.volumeSizeGb,
        VolumeKmsKeyId: spec.kmsKeyArn,
      },
    },
    StoppingCondition: { MaxRuntimeInSeconds: spec.resources.maxRuntimeSeconds },
    Tags: spec.tags.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

async function describeJob(sagemaker: SageMakerClient, jobName: string): Promise<DescribeProcessingJobCommandOutput | undefined> {
  return unlessNotFound(() => sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: jobName })));
}

/**
 * Starts the suggest-baseline job of one pipeline execution (data quality
 * unless `kind` says otherwise), or, for a retried job whose earlier attempt
 * already started it, picks that job up. Never waits: the outcome says what
 * to check next.
 */
export async function startBaseline(
  spec: MonitoringSpec,
  executionId: string,
  sagemaker: SageMakerClient,
  kind: MonitoringKind = 'data-quality',
): Promise<BaselineOutcome> {
  const jobName = baselineJobNameOf(spec, executionId, kind);
  const request = baselineJobRequest(spec, jobName, kind);
  const state: BaselineState = { jobName, outputUri: baselineOutputUri(spec, jobName) };
  // Look first: a retried action must not start a second job (nor fail on the name).
  const existing = await describeJob(sagemaker, jobName);
  if (existing) {
    return outcomeOf(existing, state);
  }
  try {
    await sagemaker.send(new CreateProcessingJobCommand(request));
  } catch (err) {
    if (!isNameTaken(err)) {
      throw err;
    }
    // Another attempt created it between our look and our create: follow that job.
    return continueBaseline(state, sagemaker);
  }
  return { kind: 'in-progress', state, message: `Started baseline job ${jobName} on ${analysisOf(spec, kind).datasetUri}` };
}

/** Checks on a baseline job started earlier. */
export async function continueBaseline(state: BaselineState, sagemaker: SageMakerClient): Promise<BaselineOutcome> {
  let job: DescribeProcessingJobCommandOutput | undefined;
  try {
    job = await describeJob(sagemaker, state.jobName);
  } catch (err) {
    if (isTransient(err)) {
      // Throttled while polling: the job runs on regardless, so look again next time.
      return { kind: 'in-progress', state, message: `Could not check baseline job ${state.jobName} (${errorMessage(err)}); checking again` };
    }
    throw err;
  }
  if (!job) {
    return { kind: 'failed', message: `Baseline job ${state.jobName} no longer exists` };
  }
  return outcomeOf(job, state);
}

function outcomeOf(job: DescribeProcessingJobCommandOutput, state: BaselineState): BaselineOutcome {
  const status = job.ProcessingJobStatus ?? 'Unknown';
  switch (status) {
    case 'InProgress':
    case 'Stopping':
      return { kind: 'in-progress', state, message: `Baseline job ${state.jobName} is ${status}` };
    case 'Completed': {
      const output = trimSlash(outputUriOf(job) ?? state.outputUri);
      return {
        kind: 'succeeded',
        message: `Baseline job ${state.jobName} completed`,
        baseline: { jobName: state.jobName, statisticsUri: `${output}/statistics.json`, constraintsUri: `${output}/constraints.json` },
      };
    }
    default: {
      const reason = job.FailureReason ?? job.ExitMessage;
      return { kind: 'failed', message: `Baseline job ${state.jobName} is ${status}${reason ? `: ${reason}` : ''}` };
    }
  }
}

/** The S3 location SageMaker says the job uploads to (the request's, unless someone changed the job). */
function outputUriOf(job: DescribeProcessingJobCommandOutput): string | undefined {
  return job.ProcessingOutputConfig?.Outputs?.find((o) => o.OutputName === OUTPUT_NAME)?.S3Output?.S3Uri;
}
