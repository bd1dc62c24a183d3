import { Duration, Size } from 'aws-cdk-lib';
import type { BaselineDatasetFormat } from './monitoring-spec';
import { DataLocation } from '../data/data-location';

/** How often Model Monitor checks the endpoint's captured traffic against the baseline. */
export enum DriftCheckFrequency {
  /** On the hour, every hour. */
  HOURLY = 'hourly',
  /** At 00:00 UTC every day. */
  DAILY = 'daily',
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
 * as a CloudWatch metric whose alarm emails the pipeline's topic.
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
}

