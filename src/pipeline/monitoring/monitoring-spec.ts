/**
 * What the drift-detection handlers need to know about one monitored
 * environment. The construct (a later change) writes it into the handlers'
 * settings; types only, so handlers import it without aws-cdk-lib.
 */

/**
 * How the baseline dataset is laid out, as the analyzer's `dataset_format`
 * names it: CSV with or without a header row, or JSON Lines.
 */
export type BaselineDatasetFormat =
  | { readonly kind: 'csv'; readonly header: boolean }
  | { readonly kind: 'jsonLines' };

/** How often the data-quality monitoring job runs on the captured traffic. */
export type MonitoringFrequency = 'hourly' | 'daily';

/** The compute a baseline or monitoring job runs on. */
export interface MonitoringJobResources {
  /** An `ml.*` processing instance type, e.g. `ml.m5.xlarge`. */
  readonly instanceType: string;
  readonly instanceCount: number;
  /** Size of each instance's ML storage volume. */
  readonly volumeSizeGb: number;
  /** A job running longer is stopped by SageMaker. */
  readonly maxRuntimeSeconds: number;
}

export interface MonitoringSpec {
  /** The environment's endpoint, whose captured traffic is monitored. */
  readonly endpointName: string;
  /**
   * Prefix of every SageMaker name this environment's monitoring creates
   * (baseline jobs, job definitions, the schedule); from `sageMakerName`.
   */
  readonly namePrefix: string;
  /** `s3://bucket/key` of the dataset the baseline is computed from (the model's training data, or a sample of it). */
  readonly baselineDatasetUri: string;
  readonly baselineDatasetFormat: BaselineDatasetFormat;
  readonly schedule: MonitoringFrequency;
  readonly resources: MonitoringJobResources;
  /**
   * `s3://bucket/prefix` under which baselines (`baselines/<job>/`) and
   * monitoring reports (`reports/`) are written.
   */
  readonly outputPrefix: string;
  /** The role SageMaker assumes to run the jobs: reads the dataset and captures, writes the output prefix. */
  readonly roleArn: string;
  /** Encrypts the job volumes and outputs; omitted means SageMaker's defaults (S3-managed keys). */
  readonly kmsKeyArn?: string;
  /** The analyzer image for the endpoint's region, from `modelMonitorImageUri`. */
  readonly imageUri: string;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
}
