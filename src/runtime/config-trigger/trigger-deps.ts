import type { Logger } from '@aws-lambda-powertools/logger';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { ProvisioningDeps } from '../provisioning/provisioning-deps';

/** The temporary credentials CodePipeline hands a job for reading its input artifacts. */
export interface ArtifactCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/**
 * What the config-file trigger needs: the provisioning core's dependencies
 * (the same `provisionPipeline` as the API), the topic it reports to, the
 * CodePipeline client for job results (the function's own credentials) and
 * a way to read a job's input artifact with the job's credentials.
 */
export interface ConfigTriggerDeps extends ProvisioningDeps {
  readonly sns: SNSClient;
  readonly codepipeline: CodePipelineClient;
  /** An S3 client signed with a job's artifact credentials. */
  readonly artifactS3: (credentials: ArtifactCredentials) => S3Client;
  readonly logger: Logger;
}
