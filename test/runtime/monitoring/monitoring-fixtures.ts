import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { modelMonitorImageUri } from '../../../src/catalog/model-monitor-catalog';
import type { ModelQualitySpec, MonitoringSpec } from '../../../src/contract/monitoring-settings';
export { awsError } from '../../fixtures/aws-error';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

/** A monitored prod environment; `overrides` change one field per test. */
export function monitoringSpec(overrides: Partial<MonitoringSpec> = {}): MonitoringSpec {
  return {
    endpointName: 'churn-prod',
    namePrefix: 'churn-prod-mon',
    baselineDatasetUri: 's3://churn-data/baseline/train.csv',
    baselineDatasetFormat: { kind: 'csv', header: true },
    schedule: 'hourly',
    resources: { instanceType: 'ml.m5.xlarge', instanceCount: 1, volumeSizeGb: 20, maxRuntimeSeconds: 7200 },
    outputPrefix: 's3://churn-monitoring/prod/',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/churn-monitoring`,
    imageUri: modelMonitorImageUri(REGION),
    tags: [{ key: 'mlops:pipeline', value: 'churn' }],
    ...overrides,
  };
}

/**
 * The role a pipeline gives the monitoring jobs of the environment whose
 * endpoint is `endpointName`, by the name the monitoring worlds give it
 * (test/aws-contracts/worlds/monitoring-world.ts).
 */
export function monitoringRoleArn(endpointName: string): string {
  return `arn:aws:iam::${ACCOUNT}:role/${endpointName}-monitoring`;
}

/**
 * The monitoring of the pipeline environment whose endpoint is
 * `endpointName`: named after the endpoint, as a pipeline names it, with
 * that environment's monitoring role. `overrides` change one field per test.
 */
export function monitoringSpecFor(endpointName: string, overrides: Partial<MonitoringSpec> = {}): MonitoringSpec {
  return monitoringSpec({ endpointName, namePrefix: endpointName, roleArn: monitoringRoleArn(endpointName), ...overrides });
}

/**
 * Model-quality monitoring of a binary classifier whose endpoint answers a
 * CSV probability: the baseline is a scored validation set, labels arrive
 * within a day. `overrides` change one field per test.
 */
export function modelQualitySpec(overrides: Partial<ModelQualitySpec> = {}): ModelQualitySpec {
  return {
    problemType: 'BinaryClassification',
    baselineDatasetUri: 's3://churn-data/model-quality/validation-scored.csv',
    baselineColumns: { groundTruth: 'label', inference: 'prediction', probability: 'probability' },
    endpointOutput: { probability: '0' },
    probabilityThreshold: 0.5,
    groundTruthUri: 's3://churn-ground-truth/prod',
    startTimeOffset: '-P2D',
    endTimeOffset: '-P1D',
    ...overrides,
  };
}

/** A SageMaker client for moto, without retries so a fault shows at once. */
export function motoSageMaker(endpoint: string): SageMakerClient {
  return new SageMakerClient({ endpoint, region: REGION, maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}
