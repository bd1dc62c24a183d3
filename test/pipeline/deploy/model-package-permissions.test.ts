import { App, Arn, ArnFormat, CfnParameter, Stack } from 'aws-cdk-lib';
import { envSpec } from './deploy-fixtures';
import type { ModelPackageGroupSpec } from '../../../src/contract/deploy-settings';
import { releasePermissions } from '../../../src/pipeline/deploy/release-permissions';

/** The release statements for an environment that releases from `group`, as CloudFormation will see them. */
function statements(stack: Stack, group?: ModelPackageGroupSpec): any[] {
  return releasePermissions(stack, envSpec({ modelPackageGroup: group })).map((s) => stack.resolve(s.toStatementJson()));
}

function describeStatements(all: any[]): any[] {
  return all.filter((s) => [s.Action].flat().some((action: string) => action.includes('ModelPackage')));
}

const stack = () => new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });

test('a registry environment may describe the versions of its group only, by the lower-case name SageMaker\'s ARNs carry', () => {
  const described = describeStatements(statements(stack(), { name: 'Churn-Models', account: '222222222222', region: 'eu-west-1' }));
  expect(described).toEqual([{
    Effect: 'Allow',
    Action: 'sagemaker:DescribeModelPackage',
    Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:222222222222:model-package/churn-models/*']] },
  }]);
});

test('a group known only at deploy time (split from its ARN) keeps its name as CloudFormation resolves it', () => {
  const s = stack();
  const groupArn = new CfnParameter(s, 'GroupArn').valueAsString;
  const parts = Arn.split(groupArn, ArnFormat.SLASH_RESOURCE_NAME);
  const [described] = describeStatements(statements(s, { name: parts.resourceName!, account: parts.account!, region: parts.region! }));
  const text = JSON.stringify(described.Resource);
  // The name is CloudFormation's pick from the parameter, not a lower-cased (and so broken) placeholder.
  expect(text).toMatch(/"Fn::Select":\[1,\{"Fn::Split":\["\/",\{"Fn::Select":\[5,\{"Fn::Split":\[":",\{"Ref":"GroupArn"\}/);
  expect(text).not.toMatch(/token/i);
  expect(text).toMatch(/:model-package\/"?,?.*\/\*"/);
});

test('an environment that releases an S3 artifact may not describe any package', () => {
  expect(describeStatements(statements(stack()))).toEqual([]);
});
