import { DataLocation } from '../data/data-location';
import { JsonPathExpectation } from '../integration-tests/integration-tests';

/** How SageMaker cuts each input object into the records it sends the model. */
export enum BatchSplitType {
  /** Each object is one record. */
  NONE = 'None',
  /** Each line is one record (CSV, JSON Lines). */
  LINE = 'Line',
  /** Each RecordIO record is one record. */
  RECORD_IO = 'RecordIO',
  /** Each TFRecord is one record. */
  TF_RECORD = 'TFRecord',
}

/** What the Test stage of a batch environment checks in a release's output. */
export interface BatchOutputCheck {
  /**
   * The fewest output objects the transform must write (SageMaker writes one `.out` object per input object).
   * @default 1
   */
  readonly minObjects?: number;

  /**
   * Texts every sampled output line must contain.
   * @default - none
   */
  readonly bodyContains?: string[];

  /**
   * Expectations on every sampled output line, which must then be JSON.
   * @default - none
   */
  readonly jsonPath?: JsonPathExpectation[];
}

/**
 * A batch environment: each release runs a SageMaker batch transform job over
 * the input with the released model, and the Test stage checks its output.
 * It has no endpoint and no Share stage.
 */
export interface BatchProps {
  /** The data to transform: every object under the prefix. */
  readonly input: DataLocation;

  /** Where results go: each release writes under `<prefix><release id>/`, so no release overwrites another's. */
  readonly output: DataLocation;

  /**
   * The MIME type of the input records, as the model's container expects it.
   * @default 'text/csv'
   */
  readonly contentType?: string;

  /**
   * How each input object is cut into records.
   * @default BatchSplitType.LINE
   */
  readonly splitType?: BatchSplitType;

  /**
   * The MIME type asked of the model for its output.
   * @default - the container's default
   */
  readonly accept?: string;

  /**
   * The largest request payload in MB, from 1 to 100.
   * @default - SageMaker's default (6 MB)
   */
  readonly maxPayloadMb?: number;

  /**
   * Parallel requests to each instance.
   * @default - SageMaker's default (1, or what the container advertises)
   */
  readonly maxConcurrentTransforms?: number;

  /**
   * What the Test stage checks in each release's output.
   * @default - at least one output object
   */
  readonly check?: BatchOutputCheck;
}
