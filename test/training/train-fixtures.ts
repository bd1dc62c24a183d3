import type { CodePipelineEvent } from 'aws-lambda';
import type { TrainingSettings } from '../../src/contract/training-settings';
import type { CodePipelineJob } from '../../src/runtime/codepipeline-job';

export const DATA_BUCKET = 'team-data';
export const WORK_BUCKET = 'churn-training-work';

/** The settings a TrainingPipeline of an XGBoost model hands its train handler. */
export function trainingSettings(overrides: Partial<TrainingSettings> = {}): TrainingSettings {
  return {
    pipelineName: 'churn-training',
    jobPrefix: 'churn-training-train',
    data: { bucket: DATA_BUCKET, key: 'churn/train.csv' },
    channelName: 'train',
    contentType: 'text/csv',
    workBucket: WORK_BUCKET,
    output: { s3Uri: `s3://${WORK_BUCKET}/training-output/` },
    roleArn: 'arn:aws:iam::123456789012:role/churn-training-sagemaker',
    trainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    hyperParameters: { objective: 'binary:logistic', num_round: '50' },
    instanceType: 'ml.m5.xlarge',
    instanceCount: 1,
    volumeSizeGb: 30,
    maxRuntimeSeconds: 3600,
    modelPackageGroupName: 'churn-training',
    approvalStatus: 'PendingManualApproval',
    inferenceImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    supportedContentTypes: ['text/csv'],
    supportedResponseTypes: ['text/csv'],
    ...overrides,
  };
}

/** A Train or Register job as the handler parses it. */
export function trainJob(userParameters: Record<string, unknown>, continuationToken?: string): CodePipelineJob {
  return { id: 'job-1', userParameters, continuationToken };
}

/** The CodePipeline event of a job. */
export function trainEvent(userParameters: Record<string, unknown>, continuationToken?: string): CodePipelineEvent {
  return {
    'CodePipeline.job': {
      id: 'job-1',
      accountId: '123456789012',
      data: {
        actionConfiguration: { configuration: { FunctionName: 'train', UserParameters: JSON.stringify(userParameters) } },
        inputArtifacts: [],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: '', secretAccessKey: '', sessionToken: '' },
        ...(continuationToken ? { continuationToken } : {}),
      },
    },
  } as CodePipelineEvent;
}
