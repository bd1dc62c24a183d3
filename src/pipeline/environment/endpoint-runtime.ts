import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RollbackAlarms, createRollbackAlarms } from './endpoint-metrics';
import { DataCaptureProps, RollbackAlarmProps } from './environment-props';
import { justifyWildcards } from '../../nag/acknowledgements';
import { ModelImage } from '../image/model-image';
import { InferenceApi } from '../share/inference-api';

/** What an endpoint needs in the account it runs in. */
export interface EndpointRuntimeProps {
  readonly endpointName: string;
  readonly variantName: string;
  readonly image: ModelImage;
  readonly instanceType?: string;
  /** The bucket SageMaker reads the release copies from. */
  readonly releaseBucket: s3.IBucket;
  readonly releaseKeyPrefix: string;
  readonly dataCapture?: DataCaptureProps;
  readonly kmsKey?: kms.IKey;
  readonly rollbackAlarms?: RollbackAlarmProps;
  readonly vpc?: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
  readonly logRetention: logs.RetentionDays;
  /** A fixed name for the execution role, when another account must know its ARN. */
  readonly executionRoleName?: string;
  /** Whether the inference API keeps the release record itself (false when the pipeline's account keeps it). */
  readonly releaseRecord: boolean;
  /**
   * The pipeline's account, for an endpoint in another one: the image's
   * repository there names the execution role in its own policy, so only
   * the pull permissions are granted here.
   * @default - the endpoint runs in the pipeline's account
   */
  readonly pullsAcrossAccounts?: string;
}

/** The resources one endpoint runs with, in its own account and region. */
export interface EndpointRuntime {
  /** The role SageMaker assumes to run the model. */
  readonly executionRole: iam.Role;
  readonly imageUri: string;
  readonly dataCapture?: { readonly samplingPercentage: number; readonly destinationS3Uri: string };
  readonly alarms: RollbackAlarms;
  readonly api: InferenceApi;
  readonly connections?: ec2.Connections;
  readonly vpcConfig?: { readonly subnets: string[]; readonly securityGroupIds: string[] };
}

/**
 * Creates, directly in `scope` (so construct IDs stay where they always
 * were), what an endpoint runs with: the SageMaker execution role that can
 * read only its release copies and pull only its image, the rollback alarms,
 * the inference API, and the VPC placement. A pipeline creates these for an
 * environment in its own account and region; `MlopsEnvironmentAccess`
 * creates them in any other.
 */
export function createEndpointRuntime(scope: Construct, props: EndpointRuntimeProps): EndpointRuntime {
  const executionRole = new iam.Role(scope, 'SageMakerRole', {
    roleName: props.executionRoleName,
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the ${props.endpointName} endpoint's model`,
  });
  executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [props.releaseBucket.arnForObjects(`${props.releaseKeyPrefix}*`)],
  }));
  props.releaseBucket.encryptionKey?.grantDecrypt(executionRole);
  justifyWildcards(scope, [
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'SageMaker reads the release copies of this environment only, one key per release' },
    { finding: /^Resource::arn:.*:logs:.*:log-group:\/aws\/sagemaker\/Endpoints\/[A-Za-z0-9-]+:\*$/, reason: 'Log streams of this environment\'s endpoint log group, named by SageMaker per instance' },
    { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/data-capture\/[A-Za-z0-9-]+\/\*$/, reason: 'SageMaker writes captured data under this environment\'s prefix, one key per capture file' },
    { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Encrypting the endpoint\'s volumes and captured data with the environment\'s own key' },
    { finding: /^Resource::arn:<AWS::Partition>:ecr:[a-z0-9-]+:\d{12}:repository\/\*$/, reason: 'Pulling the pipeline\'s image from the pipeline\'s account, where its repository has a generated name; that repository\'s policy names this role' },
    { finding: /^Resource::\*$/, reason: 'ecr:GetAuthorizationToken (pulling from an ECR repository), cloudwatch:PutMetricData (limited to SageMaker\'s endpoint namespaces by condition) and the EC2 network interface calls SageMaker makes for VPC containers support no resource-level permissions' },
  ]);
  grantEndpointLogging(executionRole, props.endpointName);
  const bindOptions = { role: executionRole, instanceType: props.instanceType };
  const image = props.pullsAcrossAccounts
    ? props.image._bindInEnvironmentAccount(scope, bindOptions, props.pullsAcrossAccounts)
    : props.image.bind(scope, bindOptions);
  const dataCapture = props.dataCapture ? grantDataCapture(executionRole, props.endpointName, props.dataCapture, props.releaseBucket) : undefined;
  const alarms = createRollbackAlarms(scope, props.endpointName, props.variantName, props.rollbackAlarms);
  const api = new InferenceApi(scope, 'InferenceApi', {
    endpointName: props.endpointName,
    logRetention: props.logRetention,
    releaseRecord: props.releaseRecord,
    // Never serves a release before its tests passed and the Share stage made it live.
    liveOnShare: true,
  });
  const placement = props.vpc ? placeInVpc(scope, executionRole, `endpoint ${props.endpointName}`, props.vpc, props.subnets, props.securityGroups) : undefined;
  if (props.kmsKey && props.pullsAcrossAccounts) {
    // The key is imported by ARN into the pipeline's stack; a grant across stacks
    // would fall back to '*', so the statement names the key itself.
    executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
      resources: [props.kmsKey.keyArn],
    }));
  } else {
    props.kmsKey?.grantEncryptDecrypt(executionRole);
  }
  return { executionRole, imageUri: image.imageUri, dataCapture, alarms, api, connections: placement?.connections, vpcConfig: placement?.config };
}

/**
 * The containers' network placement. SageMaker manages their network
 * interfaces with the execution role.
 */
export function placeInVpc(
  scope: Construct,
  role: iam.Role,
  containersOf: string,
  vpc: ec2.IVpc,
  subnets: ec2.SubnetSelection | undefined,
  securityGroups: ec2.ISecurityGroup[] | undefined,
) {
  const groups = securityGroups ?? [new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc,
    description: `Containers of ${containersOf}`,
    allowAllOutbound: true,
  })];
  // EC2's network interface actions take no resource-level permissions for these calls; AWS requires '*'.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:CreateNetworkInterfacePermission',
      'ec2:DeleteNetworkInterface',
      'ec2:DeleteNetworkInterfacePermission',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVpcs',
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeSubnets',
      'ec2:DescribeSecurityGroups',
    ],
    resources: ['*'],
  }));
  return {
    connections: new ec2.Connections({ securityGroups: groups }),
    config: {
      subnets: vpc.selectSubnets(subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
      securityGroupIds: groups.map((g) => g.securityGroupId),
    },
  };
}

/** The prefix captured data goes under, unless the environment names one. */
export function dataCapturePrefix(endpointName: string, props: DataCaptureProps): string {
  return props.prefix ?? `data-capture/${endpointName}/`;
}

/** SageMaker writes captured requests and responses under the environment's own prefix. */
function grantDataCapture(role: iam.Role, endpointName: string, props: DataCaptureProps, defaultBucket: s3.IBucket) {
  const bucket = props.bucket ?? defaultBucket;
  const prefix = dataCapturePrefix(endpointName, props);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix}*`)],
  }));
  bucket.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Encrypt');
  return {
    samplingPercentage: props.samplingPercentage ?? 100,
    destinationS3Uri: bucket.s3UrlForObject(prefix),
  };
}

/** The endpoint's containers write logs and metrics under its own name only. */
function grantEndpointLogging(role: iam.Role, endpointName: string): void {
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${endpointName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
  }));
  // PutMetricData has no resource-level permissions: AWS requires '*', so it is limited to SageMaker's namespace.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', 'aws/sagemaker/Endpoints/*'] } },
  }));
}
