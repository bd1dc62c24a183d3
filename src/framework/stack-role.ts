import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { justifyWildcards } from '../nag/acknowledgements';

/** Props of a {@link PipelineStackRole}. */
export interface PipelineStackRoleProps {
  /** Pipeline stacks are `<stackPrefix><name>`; CloudFormation names their resources after the stack. */
  readonly stackPrefix: string;
}

/**
 * The role CloudFormation assumes to create, update and delete the pipeline
 * stacks the framework provisions: what a blueprint stack holds, and where
 * CloudFormation's generated names allow it, only resources named after a
 * framework stack (`<stack name>-<logical id>-<suffix>`).
 */
export class PipelineStackRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineStackRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.stackPrefix;
    const lower = prefix.toLowerCase();
    const arn = (service: string, resource: string, resourceName?: string, region?: string) =>
      stack.formatArn({ service, resource, resourceName, region, arnFormat: undefined });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com'),
      description: `Creates, updates and deletes the MLOps pipeline stacks named ${prefix}*`,
    });
    const allow = (actions: string[], resources: string[], conditions?: { [key: string]: unknown }) =>
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources, conditions }));

    allow([
      'iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PassRole', 'iam:TagRole', 'iam:UntagRole', 'iam:UpdateRole',
      'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy',
    ], [arn('iam', 'role', `${prefix}*`, '').replace(/:iam:[^:]*:/, ':iam::')]);
    allow([
      's3:CreateBucket', 's3:DeleteBucket', 's3:GetBucket*', 's3:PutBucket*', 's3:DeleteBucketPolicy',
      's3:PutEncryptionConfiguration', 's3:GetEncryptionConfiguration', 's3:PutLifecycleConfiguration',
      's3:GetLifecycleConfiguration', 's3:PutBucketLogging', 's3:PutBucketNotification',
    ], [`arn:${stack.partition}:s3:::${lower}*`]);
    // A key's ID is random and only known once it exists, so creating one cannot
    // be scoped to a resource (AWS requires '*'); the stacks' tag scopes the rest.
    allow(['kms:CreateKey', 'kms:TagResource'], ['*'], { StringEquals: { 'aws:RequestTag/mlops:framework': prefix } });
    allow([
      'kms:DescribeKey', 'kms:EnableKeyRotation', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:PutKeyPolicy',
      'kms:ScheduleKeyDeletion', 'kms:ListResourceTags', 'kms:TagResource', 'kms:UntagResource', 'kms:CreateGrant',
    ], [arn('kms', 'key', '*')], { StringEquals: { 'aws:ResourceTag/mlops:framework': prefix } });
    allow([
      'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy',
      'logs:TagResource', 'logs:UntagResource', 'logs:ListTagsForResource',
    ], [arn('logs', 'log-group', `${prefix}*`).replace('log-group/', 'log-group:')]);
    allow([
      'sns:CreateTopic', 'sns:DeleteTopic', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:Subscribe',
      'sns:Unsubscribe', 'sns:ListSubscriptionsByTopic', 'sns:TagResource', 'sns:UntagResource',
    ], [arn('sns', `${prefix}*`)]);
    allow([
      'events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:PutTargets', 'events:RemoveTargets',
      'events:TagResource', 'events:UntagResource',
    ], [arn('events', 'rule', `${prefix}*`)]);
    allow([
      'codepipeline:CreatePipeline', 'codepipeline:UpdatePipeline', 'codepipeline:DeletePipeline', 'codepipeline:GetPipeline',
      'codepipeline:TagResource', 'codepipeline:UntagResource',
    ], [arn('codepipeline', `${prefix}*`)]);
    allow([
      'ecr:CreateRepository', 'ecr:DeleteRepository', 'ecr:DescribeRepositories', 'ecr:PutLifecyclePolicy',
      'ecr:PutImageScanningConfiguration', 'ecr:PutImageTagMutability', 'ecr:TagResource', 'ecr:SetRepositoryPolicy',
    ], [arn('ecr', 'repository', `${lower}*`)]);
    // CloudFormation names CodeBuild projects, SSM parameters and alarms without
    // the stack's name, and API Gateway APIs get random IDs: these are scoped to
    // the service's resource type, never to '*'.
    allow([
      'codebuild:CreateProject', 'codebuild:UpdateProject', 'codebuild:DeleteProject', 'codebuild:BatchGetProjects',
    ], [arn('codebuild', 'project', '*')]);
    allow([
      'ssm:PutParameter', 'ssm:DeleteParameter', 'ssm:GetParameter', 'ssm:GetParameters', 'ssm:AddTagsToResource',
      'ssm:RemoveTagsFromResource', 'ssm:ListTagsForResource',
    ], [arn('ssm', 'parameter', 'CFN-*')]);
    allow(['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:TagResource'], [arn('cloudwatch', 'alarm', '*').replace('alarm/', 'alarm:')]);
    allow(['apigateway:GET', 'apigateway:POST', 'apigateway:PUT', 'apigateway:PATCH', 'apigateway:DELETE'], [
      `arn:${stack.partition}:apigateway:${stack.region}::/restapis`,
      `arn:${stack.partition}:apigateway:${stack.region}::/restapis/*`,
      `arn:${stack.partition}:apigateway:${stack.region}::/tags/*`,
    ]);
    allow(['lambda:InvokeFunction'], [arn('lambda', 'function', `${prefix}*`).replace('function/', 'function:')]);

    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'kms:CreateKey names no resource (the key does not exist yet); the request must carry the framework\'s tag' },
      { finding: /^Action::(s3:(GetBucket|PutBucket)|)\*$/, reason: 'The bucket settings CloudFormation reads and writes for the pipeline buckets (encryption, versioning, policy, logging, public access block, ownership)' },
      { finding: /^Resource::arn:<AWS::Partition>:[a-z0-9-]+:[^*]*\*/, reason: 'Resources CloudFormation names after the framework\'s pipeline stacks, or (CodeBuild projects, SSM parameters, alarms, REST APIs) generated names with no stack prefix, limited to that resource type' },
    ]);
  }
}
