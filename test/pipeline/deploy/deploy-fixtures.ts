import type { CodePipelineEvent } from 'aws-lambda';
import type { DeploySpec, EnvironmentDeploySpec } from '../../../src/contract/deploy-settings';
import { CodePipelineJob } from '../../../src/runtime/codepipeline-job';

export const MODEL_BUCKET = 'team-models';
export const RELEASE_BUCKET = 'pipeline-artifacts';

export function envSpec(overrides: Partial<EnvironmentDeploySpec> = {}): EnvironmentDeploySpec {
  return {
    endpointName: 'churn-dev',
    releasePrefix: 'churn-dev',
    variantName: 'AllTraffic',
    imageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    executionRoleArn: 'arn:aws:iam::123456789012:role/churn-dev-sagemaker',
    instanceType: 'ml.m5.large',
    initialInstanceCount: 1,
    releaseBucket: RELEASE_BUCKET,
    releaseKeyPrefix: 'releases/churn-dev/',
    keepReleases: 2,
    tags: [{ key: 'mlops:environment', value: 'dev' }],
    ...overrides,
  };
}

export function deploySpec(environments: Record<string, EnvironmentDeploySpec> = { dev: envSpec() }): DeploySpec {
  return { pipelineName: 'churn-mlops', artifact: { bucket: MODEL_BUCKET, key: 'churn/model.tar.gz' }, environments };
}

export interface JobOptions {
  readonly continuationToken?: string;
  readonly environment?: string;
  readonly artifactVersion?: string;
  readonly id?: string;
}

export function job(executionId: string, options: JobOptions = {}): CodePipelineJob {
  return {
    id: options.id ?? `job-${executionId}`,
    userParameters: { environment: options.environment ?? 'dev', executionId, artifactVersion: options.artifactVersion ?? '' },
    continuationToken: options.continuationToken,
  };
}

export function codePipelineEvent(userParameters: object | string, continuationToken?: string): CodePipelineEvent {
  return {
    'CodePipeline.job': {
      id: 'job-1',
      accountId: '123456789012',
      data: {
        actionConfiguration: {
          configuration: {
            FunctionName: 'deploy',
            UserParameters: typeof userParameters === 'string' ? userParameters : JSON.stringify(userParameters),
          },
        },
        inputArtifacts: [],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' },
        continuationToken,
      },
    },
  } as CodePipelineEvent;
}
