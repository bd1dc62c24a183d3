import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeRule, justifyWildcards, wildcardFindings } from '../../src/nag/acknowledgements';
import { nagFindings } from '../harness/nag';

function roleWith(stack: Stack, statements: iam.PolicyStatement[]): iam.Role {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  statements.forEach((s) => role.addToPolicy(s));
  return role;
}

test('an acknowledged rule is not reported by cdk-nag, for the construct and everything under it', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.Bucket(stack, 'Plain', { enforceSSL: true });
  expect(nagFindings(stack).map((f) => f.ruleId)).toContain('AwsSolutions-S1');
  acknowledgeRule(bucket, 'AwsSolutions-S1', 'test bucket');
  expect(nagFindings(stack).map((f) => f.ruleId)).not.toContain('AwsSolutions-S1');
});

test('justified wildcards are acknowledged and unexplained ones are still reported', () => {
  const stack = new Stack(new App(), 'S');
  const bucket = new s3.Bucket(stack, 'B', { enforceSSL: true });
  const role = roleWith(stack, [
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('releases/a/*')] }),
    new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('uploads/*')] }),
  ]);
  justifyWildcards(role, [{ finding: /^Resource::<B[0-9A-F]+\.Arn>\/releases\/a\/\*$/, reason: 'one key per release' }]);
  const iam5 = nagFindings(stack).filter((f) => f.ruleId.startsWith('AwsSolutions-IAM5')).map((f) => f.ruleId);
  expect(iam5).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<B[0-9A-F]+\.Arn>\/uploads\/\*\]$/)]);
});

test('wildcardFindings flattens intrinsics the way cdk-nag names its findings and ignores Deny statements', () => {
  expect(wildcardFindings({
    Statement: [
      { Effect: 'Allow', Action: ['s3:Get*', 's3:PutObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Bucket', 'Arn'] }, '/*']] } },
      { Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: ['arn:aws:logs:x', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::b/*' }, { Ref: 'Thing' }] },
      { Effect: 'Deny', Action: '*', Resource: '*' },
    ],
  })).toEqual(['Action::s3:Get*', 'Resource::<Bucket.Arn>/*', 'Resource::arn:<AWS::Partition>:s3:::b/*']);
});

test('a justification written for an env-agnostic stack holds in a stack with a concrete account and region', () => {
  const justify = (stack: Stack) => {
    const role = roleWith(stack, [new iam.PolicyStatement({
      actions: ['application-autoscaling:DeregisterScalableTarget'],
      resources: [stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' })],
    })]);
    justifyWildcards(role, [{
      finding: /^Resource::arn:<AWS::Partition>:application-autoscaling:<AWS::Region>:<AWS::AccountId>:scalable-target\/\*$/,
      reason: 'scalable target IDs are assigned at registration',
    }]);
    return nagFindings(stack).filter((f) => f.ruleId.startsWith('AwsSolutions-IAM5'));
  };
  expect(justify(new Stack(new App(), 'Agnostic'))).toEqual([]);
  expect(justify(new Stack(new App(), 'Concrete', { env: { account: '111111111111', region: 'eu-west-1' } }))).toEqual([]);
  // The same finding without its justification is reported, literal account and region in it.
  const bare = new Stack(new App(), 'Bare', { env: { account: '111111111111', region: 'eu-west-1' } });
  roleWith(bare, [new iam.PolicyStatement({
    actions: ['application-autoscaling:DeregisterScalableTarget'],
    resources: [bare.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' })],
  })]);
  expect(nagFindings(bare).map((f) => f.ruleId)).toContainEqual(expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:.*:eu-west-1:111111111111:scalable-target\/\*\]$/));
});
