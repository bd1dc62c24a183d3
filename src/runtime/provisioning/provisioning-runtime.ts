import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { readProvisionSettings } from './settings';
import { referencedObjects } from '../../config/validate';
import type { ProvisionSettings } from '../../contract/provision-settings';

/** What both provisioning entry points (the API and the config trigger) start from. */
export interface ProvisioningRuntime {
  readonly settings: ProvisionSettings;
  /** The framework's region: the function's own. */
  readonly region: string;
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly codepipeline: CodePipelineClient;
  readonly referencedObjects: typeof referencedObjects;
  readonly logger: Logger;
}

/**
 * The settings from `MLOPS_PROVISION_SETTINGS` and clients from the default
 * chain in the function's region. Throws when the settings are missing or wrong.
 */
export function provisioningRuntime(logger: Logger): ProvisioningRuntime {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    settings: readProvisionSettings(),
    region,
    cloudformation: new CloudFormationClient({ region }),
    s3: new S3Client({ region }),
    codepipeline: new CodePipelineClient({ region }),
    referencedObjects,
    logger,
  };
}
