/**
 * What the construct will tell a batch environment's deploy and test
 * handlers, as JSON. Types only, so the handler bundles carry no construct code.
 */
import type { TestRequestSpec } from './test-settings';

/** How SageMaker cuts each input object into records (its `SplitType`). */
export type BatchSplitType = 'None' | 'Line' | 'RecordIO' | 'TFRecord';

/** The deploy step of a batch environment: one transform job per release. */
export interface BatchTransformSpec {
  /**
   * Each release's model and transform job are named `<releasePrefix>-<releaseId>`,
   * within SageMaker's 63-character rule (see `releasePrefixFor`).
   */
  readonly releasePrefix: string;
  /** `s3://bucket/prefix/`: every object under it is transformed. */
  readonly inputS3Uri: string;
  /** `s3://bucket/prefix/`: each release writes under `<outputS3Uri><releaseId>/`, so releases never overwrite each other. */
  readonly outputS3Uri: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  /** MIME type of the input records, as the model's container expects it. */
  readonly contentType: string;
  readonly splitType: BatchSplitType;
  /** Upper bound of one request's payload; SageMaker's default (6 MB) when unset. */
  readonly maxPayloadMb?: number;
  /** Parallel requests per instance; SageMaker's default (1, or what the container advertises) when unset. */
  readonly maxConcurrentTransforms?: number;
  /** MIME type the output should have; the container's default when unset. */
  readonly accept?: string;
  /** Encrypts the output objects and the instances' volumes; the buckets' own encryption when unset. */
  readonly kmsKeyArn?: string;
  readonly tags: Array<{ readonly key: string; readonly value: string }>;
}

/**
 * What every sampled output line must satisfy: the body expectations of a
 * request test, so both environment kinds describe checks the same way.
 */
export type BatchLineExpectations = Pick<TestRequestSpec, 'bodyContains' | 'jsonPath'>;

/** Bounds on how much of the output the test step reads, so a huge output cannot exhaust the handler. */
export interface BatchSampleLimits {
  /** Objects read. */
  readonly objects: number;
  /** Bytes read from the start of each object (a ranged GET). */
  readonly bytesPerObject: number;
  /** Lines checked in all. */
  readonly lines: number;
}

/** The test step of a batch environment. */
export interface BatchOutputCheckSpec {
  /** The transform must write at least this many output objects (SageMaker writes one `.out` per input object). */
  readonly minObjects: number;
  /** Unset: only the count is checked. */
  readonly expectations?: BatchLineExpectations;
  /** Unset: the runtime's defaults (`DEFAULT_SAMPLE_LIMITS` in `runtime/batch-output-check.ts`). */
  readonly sample?: BatchSampleLimits;
}


/**
 * A batch environment as the construct writes it into the environment's
 * deploy spec: what the transform and its check need beyond the fields every
 * environment has (release prefix, instance type and count, key, tags), which
 * the handler adds (see `batchTransformSpec`).
 */
export interface BatchEnvironmentSpec extends Omit<BatchTransformSpec, 'releasePrefix' | 'instanceType' | 'instanceCount' | 'kmsKeyArn' | 'tags'> {
  readonly check: BatchOutputCheckSpec;
}
