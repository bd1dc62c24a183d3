import { Annotations as CoreAnnotations, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { ByomPipeline, InferenceApi, MlopsFramework } from '../src';
import { LOGGING_ROLE_WARNING } from '../src/apigateway/api-gateway-logging-role';
import { expectNagClean } from './harness/nag';
import { basicProps, newStack } from './pipeline/fixtures';

const WARNING = Match.stringLikeRegexp('API Gateway\'s account-level CloudWatch Logs role.*apiGatewayLoggingRole: true');

describe.each([
  ['ByomPipeline', (stack: Stack, on?: boolean) => new ByomPipeline(stack, 'Churn', { ...basicProps(stack), apiGatewayLoggingRole: on })],
  ['MlopsFramework', (stack: Stack, on?: boolean) => new MlopsFramework(stack, 'Mlops', { apiGatewayLoggingRole: on })],
])('%s', (_name, build) => {
  test('apiGatewayLoggingRole: true sets a role API Gateway assumes, with AWS\'s logging policy, on the account; both are kept when the stack goes', () => {
    const stack = newStack();
    build(stack, true);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const [accountId, account] = Object.entries(template.findResources('AWS::ApiGateway::Account'))[0];
    expect(account.DeletionPolicy).toBe('Retain');
    const roleId = account.Properties.CloudWatchRoleArn['Fn::GetAtt'][0];
    const role = template.toJSON().Resources[roleId];
    expect(role.DeletionPolicy).toBe('Retain');
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' } },
    ]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs');
    expect(accountId).toMatch(/ApiGatewayLoggingRoleAccount/);
    Annotations.fromStack(stack).hasNoWarning('*', WARNING);
  });

  test('by default creates no account setting and warns once, on its API, saying what to do', () => {
    const stack = newStack();
    build(stack);
    Template.fromStack(stack).resourceCountIs('AWS::ApiGateway::Account', 0);
    const warnings = Annotations.fromStack(stack).findWarning('*', WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toMatch(/^\/Test\/(Churn\/Env-dev\/InferenceApi|Mlops\/Api)$/);
    expect(warnings[0].entry.data).toContain(`acknowledgeWarning('${LOGGING_ROLE_WARNING}')`);
  });

  test('the role passes cdk-nag AwsSolutions (AWS\'s managed policy acknowledged with its reason)', () => {
    const stack = newStack();
    build(stack, true);
    expectNagClean(stack.node.findChild(stack.node.children.find((c) => c.node.id !== 'Models')!.node.id).node.findChild('ApiGatewayLoggingRole'));
  });
});

test('no warning when the stack sets the account\'s role some other way, or the app acknowledged the warning', () => {
  const own = newStack();
  new MlopsFramework(own, 'Mlops');
  new apigateway.CfnAccount(own, 'MyAccountSettings', { cloudWatchRoleArn: 'arn:aws:iam::111111111111:role/api-gateway-logs' });
  Annotations.fromStack(own).hasNoWarning('*', WARNING);

  const onApi = newStack();
  new InferenceApi(onApi, 'Api', { endpointName: 'churn-dev', cloudWatchRole: true });
  Annotations.fromStack(onApi).hasNoWarning('*', WARNING);

  const acknowledged = newStack();
  new InferenceApi(acknowledged, 'Api', { endpointName: 'churn-dev' });
  CoreAnnotations.of(acknowledged).acknowledgeWarning(LOGGING_ROLE_WARNING, 'The account has had its API Gateway logging role for years');
  Annotations.fromStack(acknowledged).hasNoWarning('*', WARNING);
});

test('one warning per stack, naming every API in it', () => {
  const stack = newStack();
  new InferenceApi(stack, 'First', { endpointName: 'churn-dev' });
  new InferenceApi(stack, 'Second', { endpointName: 'churn-prod' });
  const warnings = Annotations.fromStack(stack).findWarning('*', WARNING);
  expect(warnings).toHaveLength(1);
  expect(warnings[0].entry.data).toMatch(/^Test\/First, Test\/Second write access logs/);
});

test('every API stage in the stack waits for the account setting, so none is created before API Gateway may log', () => {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', { ...basicProps(stack, { environments: [{ name: 'dev' }, { name: 'prod' }] }), apiGatewayLoggingRole: true });
  new MlopsFramework(stack, 'Mlops');
  const template = Template.fromStack(stack);
  const [accountId] = Object.keys(template.findResources('AWS::ApiGateway::Account'));
  const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));
  expect(stages).toHaveLength(3);
  for (const stage of stages) expect(stage.DependsOn).toContain(accountId);
});
