import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TRAINING_CHECKPOINT_PREFIX, TRAINING_DATA_PREFIX } from '../../contract/training-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { DataLocation } from '../data/data-location';

/** Props of {@link createTrainingRole}. */
export interface TrainingRoleProps {
  readonly pipelineName: string;
  /** The pipeline's bucket: data copies to read, models to write, checkpoints. */
  readonly workBucket: s3.IBucket;
  /** Training jobs are named `<jobPrefix>-<run id>`: their log streams start so. */
  readonly jobPrefix: string;
  readonly spot: boolean;
  /** Further channels' data, read where it is. */
  readonly channelData: readonly DataLocation[];
  /** Where SageMaker writes the trained models (a prefix ending in `/`). */
  readonly output: DataLocation;
}

/** CloudWatch's metric namespace and log group of SageMaker training jobs. */
const TRAINING_NAMESPACE = '/aws/sagemaker/TrainingJobs';

/**
 * The role SageMaker runs the pipeline's training jobs as: it reads only the
 * runs' data copies, writes only under the output prefix (and, for spot
 * training, the checkpoint prefix), and writes its jobs' logs and metrics.
 * The image pull is granted by the image when it is bound.
 */
export function createTrainingRole(scope: Construct, props: TrainingRoleProps): iam.Role {
  const role = new iam.Role(scope, 'TrainingRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the ${props.pipelineName} pipeline's training jobs`,
  });
  const bucket = props.workBucket;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${TRAINING_DATA_PREFIX}*`)] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
    resources: [props.output.bucket.arnForObjects(`${props.output.prefix ?? ''}*`)],
  }));
  if (props.output.bucket !== bucket) {
    // SageMaker encrypts the model with the output bucket's key (OutputDataConfig.KmsKeyId).
    props.output.bucket.encryptionKey?.grant(role, 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  const listed = [`${TRAINING_DATA_PREFIX}*`];
  if (props.spot) {
    // SageMaker syncs the checkpoint folder both ways: it resumes from what it wrote before the interruption.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [bucket.arnForObjects(`${TRAINING_CHECKPOINT_PREFIX}*`)],
    }));
    listed.push(`${TRAINING_CHECKPOINT_PREFIX}*`);
  }
  // An S3Prefix channel (and the checkpoint sync) lists the keys under its prefix.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': listed } },
  }));
  bucket.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
  for (const location of props.channelData) {
    grantChannelRead(role, location);
  }

  const stack = Stack.of(scope);
  const logGroup = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: TRAINING_NAMESPACE, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:DescribeLogStreams'],
    resources: [logGroup, `${logGroup}:*`],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${logGroup}:log-stream:${props.jobPrefix}-*`],
  }));
  // PutMetricData has no resources: AWS requires '*'; the condition keeps it to training metrics.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': TRAINING_NAMESPACE } },
  }));
  justifyWildcards(role, [
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/training-(data|output|checkpoints)\/\*$/, reason: 'Each run reads its own data copy, and writes its model and checkpoints, under a folder named after its training job' },
    { finding: /^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:\/aws\/sagemaker\/TrainingJobs(:\*|:log-stream:[a-z0-9-]+-\*)$/, reason: 'SageMaker names each training job\'s log streams <job>/<host>-<time>; only this pipeline\'s jobs\' streams are writable' },
    { finding: /^Resource::\*$/, reason: 'cloudwatch:PutMetricData (limited to the training namespace by condition) and ecr:GetAuthorizationToken support no resource-level permissions' },
    { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::[^/]+)\/[\x21-\x7e]*\*$/, reason: 'The objects under an additional channel\'s prefix, which SageMaker lists and downloads, and under the output prefix, where each run writes a folder named after its job' },
    { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Encrypting the trained model and checkpoints with the pipeline bucket\'s own key' },
  ]);
  return role;
}

/** An S3Prefix channel: SageMaker lists the prefix and reads every object under it. */
function grantChannelRead(role: iam.IRole, location: DataLocation): void {
  const prefix = location.prefix ?? '';
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [location.bucket.arnForObjects(`${prefix}*`)] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [location.bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
  }));
  location.bucket.encryptionKey?.grantDecrypt(role);
}
