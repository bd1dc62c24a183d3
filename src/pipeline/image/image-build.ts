import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/*
 * What passes between ByomPipeline and an image the pipeline builds (through
 * ModelImage's internal `_build`). Not exported from the package: users can
 * neither make nor receive these.
 */

/** What the pipeline lends an image that must be built. */
export interface ImageBuildContext {
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/** The source and build an image adds to the pipeline, and the variable holding the built image. */
export interface ImageBuild {
  readonly source: s3.IBucket;
  readonly sourceKey: string;
  readonly sourceAction: actions.S3SourceAction;
  readonly buildAction: actions.CodeBuildAction;
  /** A CodePipeline variable reference to the built image's URI by digest. */
  readonly imageUriVariable: string;
}
