import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Where a model's trained artifact (a `model.tar.gz`) lives. Uploading a new
 * version of the object starts a release.
 */
export class ModelArtifact {
  /**
   * An object in a versioned S3 bucket.
   *
   * The bucket must have versioning enabled (CodePipeline's S3 source needs it).
   * The pipeline turns on EventBridge notifications for the bucket so that a new
   * object version starts a release without polling.
   *
   * @param bucket the versioned bucket holding the artifact
   * @param key the object key, e.g. `churn/model.tar.gz`
   */
  public static fromBucket(bucket: s3.IBucket, key: string): ModelArtifact {
    return new ModelArtifact(bucket, key);
  }

  private constructor(
    /** The bucket holding the artifact. */
    public readonly bucket: s3.IBucket,
    /** The artifact's object key. */
    public readonly key: string,
  ) {}
}
