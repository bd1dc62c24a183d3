import { Template } from 'aws-cdk-lib/assertions';
import { basicProps, newStack } from './fixtures';
import { ByomPipeline } from '../../src';
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
