import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ReferencedObject, PipelineRequest } from './request-schema';
import type { ProvisionSettings } from '../../contract/provision-settings';

/**
 * What creating or updating one pipeline needs: the provisioning API and the
 * config-file trigger both call `provisionPipeline` with it.
 */
export interface ProvisioningDeps {
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly settings: ProvisionSettings;
  /** The framework's region: built-in framework images are resolved for it. */
  readonly region: string;
  readonly referencedObjects: (request: PipelineRequest) => ReferencedObject[];
}

/** What reading a pipeline's state needs besides CloudFormation. */
export interface StatusClients {
  readonly cloudformation: CloudFormationClient;
  readonly codepipeline: CodePipelineClient;
  readonly sagemaker: SageMakerClient;
}
