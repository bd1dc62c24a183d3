import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { trainingProps } from './training-fixtures';
import { TrainingPipeline } from '../../src';
import { expectCfnLintClean } from '../harness/cfn-lint';
import { expectNagClean } from '../harness/nag';
import { newAgnosticStack, newStack } from '../pipeline/fixtures';

describe('TrainingPipeline compliance', () => {
  const stack = newStack();
  new TrainingPipeline(stack, 'Churn', trainingProps(stack, { notifications: { emails: ['ml-team@example.com'] } }));

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
  new TrainingPipeline(stack, 'Churn', trainingProps(stack, { spot: { maxWait: Duration.days(2) } }));

  test('is cfn-lint clean', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('and has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});
