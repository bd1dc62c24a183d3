import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';

/** What a function that provisions pipeline stacks may touch. */
export interface ProvisioningGrantProps {
  /** Pipeline stacks are `<stackPrefix><name>`; no other stack is reachable. */
  readonly stackPrefix: string;
  /** The only role the function may hand to CloudFormation. */
  readonly cloudFormationRole: iam.IRole;
  /** The blueprint templates: the only templates the function may create stacks from. */
  readonly blueprints: s3assets.Asset[];
  /** Referenced objects and prefixes (artifacts, container sources, baseline datasets, batch inputs) are checked here before a stack is created. */
  readonly assetsBucket: s3.IBucket;
}

/** The ARN pattern of every stack the framework provisions. */
export function pipelineStackArns(scope: Construct, stackPrefix: string): string {
  return Stack.of(scope).formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stackPrefix}*/*` });
}

/**
 * Lets a function create, update and delete the framework's pipeline stacks,
 * from the blueprints only and through the CloudFormation role only, and read
 * what it reports about them.
 */
export function grantProvisioning(fn: lambda.IFunction, props: ProvisioningGrantProps): void {
  const stack = Stack.of(fn);
  const stacks = pipelineStackArns(fn, props.stackPrefix);
  const roleArn = props.cloudFormationRole.roleArn;
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['cloudformation:CreateStack', 'cloudformation:UpdateStack'],
    resources: [stacks],
    conditions: {
      StringEquals: {
        'cloudformation:RoleArn': roleArn,
        'cloudformation:TemplateUrl': props.blueprints.map((b) => b.httpUrl),
      },
    },
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['cloudformation:DeleteStack'],
    resources: [stacks],
    conditions: { StringEquals: { 'cloudformation:RoleArn': roleArn } },
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['cloudformation:DescribeStacks'],
    resources: [stacks],
  }));
  // Listing stacks has no resource-level permissions (AWS requires '*'); the
  // handler keeps only stacks with the prefix.
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['cloudformation:ListStacks'],
    resources: ['*'],
  }));
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
  }));
  // CloudFormation reads a TemplateURL with the caller's permissions.
  for (const blueprint of props.blueprints) {
    blueprint.grantRead(fn);
  }
  // HeadObject of the referenced objects (artifact, container source, baseline
  // datasets) and ListObjectsV2 of a batch input prefix, read only. ListBucket
  // also turns a missing key into a 404 instead of an access denied.
  props.assetsBucket.grantRead(fn);
  // Status of the provisioned pipelines: each pipeline is named like its stack.
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['codepipeline:GetPipelineState', 'codepipeline:ListPipelineExecutions'],
    resources: [stack.formatArn({ service: 'codepipeline', resource: props.stackPrefix + '*' })],
  }));
  // Endpoint names come from the requests (model and environment names), so
  // they share no prefix; describing an endpoint reads its status only.
  fn.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sagemaker:DescribeEndpoint'],
    resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: '*' })],
  }));
}
