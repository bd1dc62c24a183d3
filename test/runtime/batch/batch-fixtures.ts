import type { BatchTransformSpec } from '../../../src/contract/batch-settings';
import type { TransformRequest } from '../../../src/runtime/batch-transform';
export { awsError } from '../../fixtures/aws-error';

export const INPUT_BUCKET = 'batch-input';
export const OUTPUT_BUCKET = 'batch-output';

export function batchSpec(overrides: Partial<BatchTransformSpec> = {}): BatchTransformSpec {
  return {
    releasePrefix: 'churn-nightly',
    inputS3Uri: `s3://${INPUT_BUCKET}/scoring/`,
    outputS3Uri: `s3://${OUTPUT_BUCKET}/scores/`,
    instanceType: 'ml.m5.large',
    instanceCount: 2,
    contentType: 'text/csv',
    splitType: 'Line',
    maxPayloadMb: 6,
    maxConcurrentTransforms: 4,
    accept: 'application/jsonlines',
    tags: [{ key: 'mlops:environment', value: 'nightly' }],
    ...overrides,
  };
}

export function transformRequest(executionId: string, overrides: Partial<BatchTransformSpec> = {}): TransformRequest {
  return { environment: 'nightly', spec: batchSpec(overrides), executionId };
}

