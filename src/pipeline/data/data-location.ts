import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Data in S3 that a pipeline reads or writes: every object under `prefix` in
 * `bucket` (or the one object whose key is `prefix`). The pipeline grants its
 * SageMaker roles exactly this prefix.
 */
export interface DataLocation {
  /** The bucket. A bucket encrypted with a KMS key the stack knows gets its key grants too. */
  readonly bucket: s3.IBucket;

  /**
   * The key prefix, e.g. `scoring/input/`, or the key of a single object.
   * @default '' - the whole bucket
   */
  readonly prefix?: string;
}

