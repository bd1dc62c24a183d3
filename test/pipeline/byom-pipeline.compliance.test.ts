import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { basicProps, modelBucket, newAgnosticStack, newStack } from './fixtures';
import { ByomPipeline, IntegrationTests, ModelImage, TrafficShift } from '../../src';
import { expectCfnLintClean } from '../harness/cfn-lint';
import { expectNagClean } from '../harness/nag';

describe('ByomPipeline compliance', () => {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }, { name: 'prod', instanceCount: 2 }] }));

  test('a stack with a two-environment pipeline is cfn-lint clean (no errors, no warnings)', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('a stack with a two-environment pipeline has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});

describe('ByomPipeline compliance, every feature at once', () => {
  const stack = newStack();
  const requests = IntegrationTests.requests([{ name: 'answers', body: '1,2', contentType: 'text/csv', expect: { status: 200, maxLatency: Duration.seconds(2) } }]);
  new ByomPipeline(stack, 'Churn', basicProps(stack, {
    image: ModelImage.fromContainerSource(modelBucket(stack, 'Containers'), 'churn/container.zip'),
    notifications: { emails: ['ml-team@example.com'] },
    environments: [
      { name: 'dev', tests: requests },
      { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5 }, tests: requests },
      {
        name: 'prod',
        approval: true,
        instanceCount: 2,
        autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500 },
        trafficShift: TrafficShift.canary(10, Duration.minutes(10)),
        dataCapture: { samplingPercentage: 20 },
        tests: requests,
      },
    ],
  }));

  test('a custom container, a serverless staging and an autoscaled two-instance prod behind an approval, all tested, is cfn-lint clean', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('and has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});

describe('ByomPipeline compliance in an environment-agnostic stack', () => {
  // Account and region are only known at deploy time, so every ARN holds
  // pseudo parameters: the acknowledgements must still match them.
  const stack = newAgnosticStack();
  const requests = IntegrationTests.requests([{ name: 'answers', body: '1,2', contentType: 'text/csv', expect: { status: 200 } }]);
  new ByomPipeline(stack, 'Churn', basicProps(stack, {
    image: ModelImage.fromContainerSource(modelBucket(stack, 'Containers'), 'churn/container.zip'),
    environments: [
      { name: 'dev', tests: requests },
      { name: 'prod', approval: true, instanceCount: 2, autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500 }, dataCapture: {}, tests: requests },
    ],
  }));

  test('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });

  test('is cfn-lint clean', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });
});
