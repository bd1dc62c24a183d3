import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DatasetFormat, ModelQualityProblemType, MonitoringProps } from '../../../src';

/**
 * Drift detection as the monitoring fixtures describe it
 * (test/runtime/monitoring/monitoring-fixtures.ts): the baseline dataset
 * and, with `modelQuality`, the labelled baseline and the ground truth of a
 * binary classifier answering a CSV probability, as a team gives them to an
 * environment's `monitoring`. (The fixtures' two-hour jobs are no valid
 * hourly check; the handlers' calls do not depend on the limit.)
 */
export function fixtureMonitoring(scope: Construct, options: { readonly modelQuality: boolean }): MonitoringProps {
  const data = bucket(scope, 'FixtureMonitoringData', 'churn-data');
  return {
    baselineDataset: { bucket: data, prefix: 'baseline/train.csv' },
    datasetFormat: DatasetFormat.csv({ header: true }),
    modelQuality: options.modelQuality ? {
      problemType: ModelQualityProblemType.BINARY_CLASSIFICATION,
      baselineDataset: { bucket: data, prefix: 'model-quality/validation-scored.csv' },
      groundTruthColumn: 'label',
      predictionColumn: 'prediction',
      probabilityColumn: 'probability',
      endpointProbability: '0',
      probabilityThreshold: 0.5,
      groundTruth: { bucket: bucket(scope, 'FixtureGroundTruth', 'churn-ground-truth'), prefix: 'prod' },
    } : undefined,
  };
}

/** The team's bucket, imported once per scope however many environments monitor with it. */
function bucket(scope: Construct, id: string, name: string): s3.IBucket {
  return (scope.node.tryFindChild(id) as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(scope, id, name);
}
