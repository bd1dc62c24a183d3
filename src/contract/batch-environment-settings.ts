/**
 * The `batch` member of a batch environment's deploy spec, from plain values.
 * Plain TypeScript, so the construct (from its `BatchProps`) and the
 * orchestrator's provisioning handler (from a request) compute it the same way.
 */
import type { BatchEnvironmentSpec, BatchSplitType } from './batch-settings';

/** The MIME type of the input records when none is given. */
export const DEFAULT_BATCH_CONTENT_TYPE = 'text/csv';
/** How input objects are cut into records when nothing is said. */
export const DEFAULT_BATCH_SPLIT_TYPE: BatchSplitType = 'Line';
/** Output objects a check wants when it names no number. */
export const DEFAULT_BATCH_MIN_OBJECTS = 1;

/** A JSON path expectation as the construct and the request both write it. */
export interface BatchJsonPathInput {
  readonly path: string;
  readonly equalsJson?: string;
  readonly min?: number;
  readonly max?: number;
}

/**
 * What the `batch` member is computed from: the data's URIs and the
 * transform's and check's settings. The construct's BatchProps and the
 * request's `batch` both carry the settings under these names, so each
 * caller spreads its own and adds the URIs; other members are not read.
 */
export interface BatchSpecInput {
  /** `s3://bucket/prefix`: every object under it is transformed. */
  readonly inputS3Uri: string;
  /** `s3://bucket/prefix/`: each release writes a folder under it. */
  readonly outputS3Uri: string;
  /** Default {@link DEFAULT_BATCH_CONTENT_TYPE}. */
  readonly contentType?: string;
  /** Default {@link DEFAULT_BATCH_SPLIT_TYPE}. */
  readonly splitType?: BatchSplitType;
  readonly accept?: string;
  readonly maxPayloadMb?: number;
  readonly maxConcurrentTransforms?: number;
  readonly check?: {
    /** Default {@link DEFAULT_BATCH_MIN_OBJECTS}. */
    readonly minObjects?: number;
    readonly bodyContains?: readonly string[];
    readonly jsonPath?: readonly BatchJsonPathInput[];
  };
}

/** The `batch` member of the deploy spec; what is unset or empty is left out. */
export function batchEnvironmentSpec(input: BatchSpecInput): BatchEnvironmentSpec {
  const check = input.check;
  const bodyContains = check?.bodyContains?.length ? [...check.bodyContains] : undefined;
  const expected = bodyContains !== undefined || (check?.jsonPath?.length ?? 0) > 0;
  return {
    inputS3Uri: input.inputS3Uri,
    outputS3Uri: input.outputS3Uri,
    contentType: input.contentType ?? DEFAULT_BATCH_CONTENT_TYPE,
    splitType: input.splitType ?? DEFAULT_BATCH_SPLIT_TYPE,
    accept: input.accept,
    maxPayloadMb: input.maxPayloadMb,
    maxConcurrentTransforms: input.maxConcurrentTransforms,
    check: {
      minObjects: check?.minObjects ?? DEFAULT_BATCH_MIN_OBJECTS,
      expectations: expected ? {
        bodyContains,
        jsonPath: check?.jsonPath?.map((e) => ({ path: e.path, equals: e.equalsJson, min: e.min, max: e.max })),
      } : undefined,
    },
  };
}
