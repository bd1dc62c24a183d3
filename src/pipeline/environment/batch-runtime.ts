import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { placeInVpc } from './endpoint-runtime';
import { justifyWildcards } from '../../nag/acknowledgements';
import { batchEnvironmentSpec } from '../../contract/batch-environment-settings';
import { BatchProps } from '../batch/batch-props';
import type { BatchEnvironmentSpec } from '../../contract/batch-settings';
import { dataLocationUri } from '../data/data-location-uri';
import { ModelImage } from '../image/model-image';

/** What a batch environment needs: its model, its data and the compute that transforms it. */
export interface BatchRuntimeProps {
  readonly name: string;
  readonly batch: BatchProps;
  readonly image: ModelImage;
  readonly instanceType: string;
  readonly releaseBucket: s3.IBucket;
  readonly releaseKeyPrefix: string;
  readonly kmsKey?: kms.IKey;
  readonly vpc?: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The resources a batch environment runs with. */
export interface BatchRuntime {
  /** The role SageMaker assumes to run the transform: reads the release and the input, writes the output. */
  readonly executionRole: iam.Role;
  readonly imageUri: string;
  readonly spec: BatchEnvironmentSpec;
  readonly connections?: ec2.Connections;
  readonly vpcConfig?: { readonly subnets: string[]; readonly securityGroupIds: string[] };
}

/**
 * Creates, directly in `scope`, the SageMaker role of a batch environment,
 * allowed exactly its release copies, its input prefix and its output
 * prefix, and says what the deploy handler runs.
 */
export function createBatchRuntime(scope: Construct, props: BatchRuntimeProps): BatchRuntime {
  const { batch } = props;
  const executionRole = new iam.Role(scope, 'SageMakerRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the batch transforms of environment ${props.name}`,
  });
  executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [props.releaseBucket.arnForObjects(`${props.releaseKeyPrefix}*`)],
  }));
  props.releaseBucket.encryptionKey?.grantDecrypt(executionRole);
  const inputPrefix = batch.input.prefix ?? '';
  const outputPrefix = batch.output.prefix ?? '';
  batch.input.bucket.grantRead(executionRole, `${inputPrefix}*`);
  batch.output.bucket.grantPut(executionRole, `${outputPrefix}*`);
  const stack = Stack.of(scope);
  executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/TransformJobs:*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  }));
  // PutMetricData has no resource-level permissions: AWS requires '*', so it is limited to SageMaker's transform namespace.
  executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/TransformJobs'] } },
  }));
  props.kmsKey?.grantEncryptDecrypt(executionRole);
  justifyWildcards(scope, [
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'SageMaker reads the release copies of this environment only, one key per release' },
    { finding: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/, reason: 'CDK\'s read and put grants on the environment\'s own input and output prefixes' },
    { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::[^/]+)\/[\x21-\x7e]*\*$/, reason: 'The transform reads every object under the environment\'s input prefix and writes one object per input under its output prefix' },
    { finding: /^Resource::arn:.*:logs:.*:log-group:\/aws\/sagemaker\/TransformJobs:\*$/, reason: 'Log streams of SageMaker\'s TransformJobs log group, named by SageMaker per job and instance' },
    { finding: /^Resource::\*$/, reason: 'cloudwatch:PutMetricData (limited to SageMaker\'s transform namespace by condition), ecr:GetAuthorizationToken and the EC2 network interface calls SageMaker makes for VPC containers support no resource-level permissions' },
    { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Encrypting the transform\'s volumes and output with the environment\'s own key' },
  ]);
  const image = props.image.bind(scope, { role: executionRole, instanceType: props.instanceType });
  const placement = props.vpc ? placeInVpc(scope, executionRole, `the batch transforms of environment ${props.name}`, props.vpc, props.subnets, props.securityGroups) : undefined;
  return {
    executionRole,
    imageUri: image.imageUri,
    connections: placement?.connections,
    vpcConfig: placement?.config,
    // The settings were validated with the environment (validateBatch), so converted here without a second report.
    spec: batchEnvironmentSpec({
      ...batch,
      inputS3Uri: dataLocationUri(batch.input),
      outputS3Uri: dataLocationUri(batch.output),
    }),
  };
}
