import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { trainingProps } from './training-fixtures';
import { TrainingPipeline } from '../../src';
import { expectCfnLintClean } from '../harness/cfn-lint';
import { expectNagClean } from '../harness/nag';
import { modelBucket, newAgnosticStack, newStack } from '../pipeline/fixtures';

describe('TrainingPipeline compliance', () => {
  const stack = newStack();
  new TrainingPipeline(stack, 'Churn', trainingProps(stack, {
    notifications: { emails: ['ml-team@example.com'] },
    additionalChannels: [{ name: 'validation', location: { bucket: modelBucket(stack, 'Validation'), prefix: 'churn/validation/' } }],
  }));

  test('an XGBoost training pipeline is cfn-lint clean (no errors, no warnings)', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('and has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});

describe('TrainingPipeline compliance with spot training in an environment-agnostic stack', () => {
  // Account and region are only known at deploy time: the acknowledgements must still match the ARNs.
  const stack = newAgnosticStack();
  new TrainingPipeline(stack, 'Churn', trainingProps(stack, {
    spot: { maxWait: Duration.hours(20) },
    outputLocation: { bucket: s3.Bucket.fromBucketName(stack, 'Trained', 'team-models'), prefix: 'churn/trained/' },
    additionalChannels: [{ name: 'validation', location: { bucket: s3.Bucket.fromBucketName(stack, 'Validation', 'team-validation'), prefix: 'churn/' } }],
  }));

  test('is cfn-lint clean', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('and has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});
