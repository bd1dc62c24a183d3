import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { removeRedundantDependsOn } from '../src/common/redundant-dependencies';

function functionIn(scope: Construct): lambda.Function {
  return new lambda.Function(scope, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
  });
}

function resourceOf(template: any, prefix: string, type: string): any {
  return Object.entries<any>(template.Resources).find(([id, r]) => id.startsWith(prefix) && r.Type === type)![1];
}

test('a function under the scope keeps its DependsOn on its role\'s policy and loses the one on the role it refers to', () => {
  const stack = new Stack(new App(), 'S');
  const library = new Construct(stack, 'Library');
  const fn = functionIn(library);
  fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
  removeRedundantDependsOn(library);
  const template = Template.fromStack(stack).toJSON();
  const resource = resourceOf(template, 'LibraryFn', 'AWS::Lambda::Function');
  const [roleId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Role');
  const [policyId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Policy');
  expect(resource.Properties.Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  expect(resource.DependsOn).toEqual([policyId]);
});

test('resources outside the scope (a user\'s own) keep every DependsOn CDK gives them', () => {
  const stack = new Stack(new App(), 'S');
  removeRedundantDependsOn(new Construct(stack, 'Library'));
  functionIn(stack);
  const template = Template.fromStack(stack).toJSON();
  const [roleId] = Object.keys(template.Resources).filter((id) => template.Resources[id].Type === 'AWS::IAM::Role');
  expect(resourceOf(template, 'Fn', 'AWS::Lambda::Function').DependsOn).toEqual([roleId]);
});

test('a reference through Fn::Sub or Ref counts; a dependency nothing refers to stays', () => {
  const stack = new Stack(new App(), 'S');
  const library = new Construct(stack, 'Library');
  const first = new sqs.Queue(library, 'First');
  const second = new sqs.Queue(library, 'Second');
  const third = new sqs.Queue(library, 'Third');
  const topicLike = new CfnResource(library, 'User', {
    type: 'AWS::SSM::Parameter',
    properties: { Type: 'String', Value: stack.toJsonString({ a: first.queueUrl, b: `name-${second.queueName}` }) },
  });
  topicLike.node.addDependency(first, second, third);
  removeRedundantDependsOn(library);
  const template = Template.fromStack(stack).toJSON();
  const thirdId = Object.keys(template.Resources).find((id) => id.startsWith('LibraryThird') && template.Resources[id].Type === 'AWS::SQS::Queue');
  expect(resourceOf(template, 'LibraryUser', 'AWS::SSM::Parameter').DependsOn).toEqual([thirdId]);
});
