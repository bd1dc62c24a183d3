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

/** How often the monitoring jobs run on the captured traffic. */
export type MonitoringFrequency = 'hourly' | 'daily';

/**
 * Which of Model Monitor's analyses a baseline job, job definition or
 * schedule is for: the statistics of the model's inputs, or the accuracy of
 * its predictions against ground truth labels.
 */
export type MonitoringKind = 'data-quality' | 'model-quality';

/** What the model predicts, as SageMaker's `ProblemType` names it: it decides the metrics the analyzer computes. */
export type ModelQualityProblemType = 'Regression' | 'BinaryClassification' | 'MulticlassClassification';

/**
 * Where a model's output is in a record. `Regression` and
 * `MulticlassClassification` need `inference`; `BinaryClassification` needs
 * `inference`, or `probability` (turned into a label by the threshold).
 */
export interface ModelQualityAttributes {
  /** The predicted label; for `Regression`, the predicted value. */
  readonly inference?: string;
  /** The predicted probability (of the positive class, for `BinaryClassification`). */
  readonly probability?: string;
}

/**
 * Model-quality monitoring: the model's predictions, captured by the
 * endpoint, are merged with the ground truth labels the team uploads, and
 * the metrics of the problem type (accuracy, F1, RMSE, ...) are compared with
 * those of a baseline computed on a labelled dataset.
 */
export interface ModelQualitySpec {
  readonly problemType: ModelQualityProblemType;
  /**
   * `s3://bucket/key` of the model-quality baseline dataset: a CSV with a
   * header row holding, for each record, the model's prediction (or
   * probability) and the true label, such as a validation set the model
   * scored. Not the data-quality dataset, which holds the model's inputs.
   */
  readonly baselineDatasetUri: string;
  /** The baseline dataset's columns, by their names in its header row. */
  readonly baselineColumns: ModelQualityAttributes & {
    /** The true label (for `Regression`, the true value). */
    readonly groundTruth: string;
  };
  /**
   * Where the prediction is in each response the endpoint captures: a
   * column index (`0`) of a CSV response, or a JSONPath into a JSON one.
   */
  readonly endpointOutput: ModelQualityAttributes;
  /**
   * A probability at or above it is the positive class (`BinaryClassification`
   * by `probability`); the same threshold for the baseline and the monitoring
   * jobs. Omitted: the analyzer's own default.
   */
  readonly probabilityThreshold?: number;
  /**
   * `s3://bucket/prefix` the team uploads ground truth labels under, in the
   * layout of captured data (`<prefix>/yyyy/mm/dd/hh/*.jsonl`), one JSON
   * record per line: `{"groundTruthData": {"data": "1", "encoding": "CSV"},
   * "eventMetadata": {"eventId": "..."}, "eventVersion": "0"}`. SageMaker
   * merges a label with the captured request whose inference ID (when the
   * caller gave one) or event ID it carries.
   */
  readonly groundTruthUri: string;
  /**
   * How far before each run the analysed window of captured traffic starts,
   * as an ISO 8601 duration SageMaker accepts (`-P#D`, `-PT#H`, `-PT#M`):
   * labels arrive after the predictions, so a run looks back past them.
   * With `-P8D` and an end offset of `-P1D`, a run at 2020-01-09T13:00
   * analyses 2020-01-01T13:00 to 2020-01-08T13:00.
   */
  readonly startTimeOffset: string;
  /** How far before each run the analysed window ends, in the same format; after the start. */
  readonly endTimeOffset: string;
}

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
   * (baseline jobs, job definitions, the schedules); from `sageMakerName`.
   */
  readonly namePrefix: string;
  /** `s3://bucket/key` of the dataset the baseline is computed from (the model's training data, or a sample of it). */
  readonly baselineDatasetUri: string;
  readonly baselineDatasetFormat: BaselineDatasetFormat;
  readonly schedule: MonitoringFrequency;
  readonly resources: MonitoringJobResources;
  /**
   * `s3://bucket/prefix` under which baselines (`baselines/<job>/`) and
   * monitoring reports (`reports/`, and `model-quality-reports/` for model
   * quality) are written.
   */
  readonly outputPrefix: string;
  /**
   * The role SageMaker assumes to run the jobs: reads the datasets, the
   * captures and (with model quality) the ground truth, writes the output prefix.
   */
  readonly roleArn: string;
  /** Encrypts the job volumes and outputs; omitted means SageMaker's defaults (S3-managed keys). */
  readonly kmsKeyArn?: string;
  /** The analyzer image for the endpoint's region, from `modelMonitorImageUri`. */
  readonly imageUri: string;
  readonly tags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  /**
   * Set when the environment also monitors model quality: a second baseline
   * and schedule, after the data-quality ones, on the same resources,
   * frequency, role, key and output prefix.
   */
  readonly modelQuality?: ModelQualitySpec;
}
