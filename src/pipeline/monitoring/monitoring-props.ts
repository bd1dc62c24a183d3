import { Duration, Size } from 'aws-cdk-lib';
import type { BaselineDatasetFormat } from '../../contract/monitoring-settings';
import { DataLocation } from '../data/data-location';

/** How often Model Monitor checks the endpoint's captured traffic against the baseline. */
export enum DriftCheckFrequency {
  /** On the hour, every hour. */
  HOURLY = 'hourly',
  /** At 00:00 UTC every day. */
  DAILY = 'daily',
}

/** What the model predicts: it decides the quality metrics Model Monitor computes. */
export enum ModelQualityProblemType {
  /** A number (metrics such as MAE, RMSE, R2). */
  REGRESSION = 'Regression',
  /** One of two classes (accuracy, precision, recall, F1, AUC). */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** One of several classes (accuracy, weighted precision, recall, F1). */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
}

/**
 * Model-quality monitoring: a second schedule compares the endpoint's
 * predictions with the true labels the team uploads later (ground truth),
 * against a baseline computed from a dataset of predictions and labels.
 */
export interface ModelQualityProps {
  /** What the model predicts. */
  readonly problemType: ModelQualityProblemType;

  /**
   * A CSV with a header row holding, for each record, the model's prediction
   * (or probability) and the true label, such as a validation set the model scored.
   */
  readonly baselineDataset: DataLocation;

  /** The baseline dataset's column with the true label (for `REGRESSION`, the true value). */
  readonly groundTruthColumn: string;

  /**
   * The baseline dataset's column with the predicted label or value.
   * @default - none: the probability column is used with the threshold (`BINARY_CLASSIFICATION` only)
   */
  readonly predictionColumn?: string;

  /**
   * The baseline dataset's column with the predicted probability.
   * @default - none
   */
  readonly probabilityColumn?: string;

  /**
   * Where the prediction is in each response the endpoint captures: a column index of a CSV response, or a JSONPath into a JSON one.
   * @default '0' - the first column, when `predictionColumn` is set
   */
  readonly endpointPrediction?: string;

  /**
   * Where the probability is in each captured response, like `endpointPrediction`.
   * @default - none
   */
  readonly endpointProbability?: string;

  /**
   * A probability at or above it is the positive class (`BINARY_CLASSIFICATION` by probability).
   * @default - Model Monitor's default
   */
  readonly probabilityThreshold?: number;

  /**
   * Where the team uploads the true labels, in the layout of captured data
   * (`<prefix>yyyy/mm/dd/hh/*.jsonl`, one `{"groundTruthData": ..., "eventMetadata": {"eventId": ...}}`
   * record per line, matched to captured requests by inference or event ID).
   */
  readonly groundTruth: DataLocation;

  /**
   * How long before each run the analysed window of predictions starts: labels arrive after the predictions.
   * @default Duration.days(2)
   */
  readonly lookBack?: Duration;

  /**
   * How long before each run the analysed window ends, less than `lookBack`.
   * @default Duration.days(1)
   */
  readonly labelDelay?: Duration;
}

/** Options of a CSV baseline dataset. */
export interface CsvFormatOptions {
  /**
   * Whether the first row names the columns.
   * @default true
   */
  readonly header?: boolean;
}

/** How the baseline dataset is laid out. */
export class DatasetFormat {
  /** CSV, the label or prediction column first (Model Monitor's convention). */
  public static csv(options: CsvFormatOptions = {}): DatasetFormat {
    return new DatasetFormat({ kind: 'csv', header: options.header ?? true });
  }

  /** JSON Lines: one JSON object per line. */
  public static jsonLines(): DatasetFormat {
    return new DatasetFormat({ kind: 'jsonLines' });
  }

  private constructor(
    /** @internal */
    public readonly _spec: BaselineDatasetFormat,
  ) {}
}

/**
 * Drift detection on an environment's endpoint: data capture is turned on,
 * each release computes a baseline from `baselineDataset` (a Model Monitor
 * suggest-baseline job in the Monitor stage), and a data-quality monitoring
 * schedule compares the captured traffic with it. Violations are published
 * as a CloudWatch metric whose alarm emails the pipeline's topic. With
 * `modelQuality`, a second schedule checks the predictions against true labels.
 */
export interface MonitoringProps {
  /** The data the baseline is computed from: the model's training data or a sample of it. */
  readonly baselineDataset: DataLocation;

  /**
   * How the baseline dataset is laid out.
   * @default DatasetFormat.csv({ header: true })
   */
  readonly datasetFormat?: DatasetFormat;

  /**
   * How often the captured traffic is checked.
   * @default DriftCheckFrequency.HOURLY
   */
  readonly frequency?: DriftCheckFrequency;

  /**
   * The processing instance type of the baseline and monitoring jobs.
   * @default 'ml.m5.xlarge'
   */
  readonly instanceType?: string;

  /**
   * Instances per baseline or monitoring job, from 1 to 100.
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * Storage of each job instance, from 1 to 16384 GiB.
   * @default Size.gibibytes(20)
   */
  readonly volumeSize?: Size;

  /**
   * The longest a baseline or monitoring job may run; an hourly check runs at most an hour.
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;

  /**
   * Constraint violations in one check that raise the drift alarm.
   * @default 1
   */
  readonly violationsThreshold?: number;

  /**
   * Also monitor the quality of the predictions against true labels.
   * @default - data quality only
   */
  readonly modelQuality?: ModelQualityProps;
}

