import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createRollbackAlarms, endpointMetric } from './endpoint-metrics';
import { DataCaptureProps, EnvironmentProps } from './environment-props';
import { TrafficShift } from './traffic-shift';
import { justifyWildcards } from '../../nag/acknowledgements';
import { EnvironmentDeploySpec } from '../deploy/deploy-spec';
import { ModelImage } from '../image/model-image';
import { endpointNameFor, releasePrefixFor } from '../naming';
import { InferenceApi } from '../share/inference-api';

/** Props of a {@link PipelineEnvironment}: the user's environment plus what the pipeline knows. */
export interface PipelineEnvironmentProps extends EnvironmentProps {
  /** The pipeline's model name. */
  readonly modelName: string;
  /** The pipeline's model image. */
  readonly image: ModelImage;
  /** The bucket that holds each release's copy of the artifact. */
  readonly releaseBucket: s3.IBucket;
  /** Releases kept besides the serving one. */
  readonly keepReleases: number;
  /** The pipeline's name, tagged on every SageMaker resource. */
  readonly pipelineName: string;
  /** How long the environment's API access logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * One environment of a pipeline: its endpoint's stable name and the role
 * SageMaker assumes to run its model, which can read only this environment's
 * release artifacts and pull only the pipeline's image.
 */
export class PipelineEnvironment extends Construct {
  /** The environment's name. */
  public readonly name: string;
  /** The name of the environment's SageMaker endpoint (the same for every release). */
  public readonly endpointName: string;
  /** The role SageMaker assumes to run the environment's model. */
  public readonly executionRole: iam.Role;
  /**
   * The instance type serving the endpoint.
   * @default - none for a serverless environment
   */
  public readonly instanceType?: string;
  /**
   * The number of instances serving the endpoint.
   * @default - none for a serverless environment
   */
  public readonly instanceCount?: number;
  /**
   * The KMS key encrypting the instances' volumes and captured data, if any.
   * @default - AWS managed encryption
   */
  public readonly kmsKey?: kms.IKey;
  /**
   * Whether the instances scale with the load.
   * @default false
   */
  public readonly autoScaled: boolean;
  /** Raised by the model's 5XX errors; rolls a release back while its traffic moves. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** Raised by slow model responses; rolls a release back while its traffic moves. */
  public readonly latencyAlarm: cloudwatch.Alarm;
  /**
   * The containers' security groups, to allow traffic to what they call (VPC environments).
   * @default - none: the environment is not in a VPC
   */
  public readonly connections?: ec2.Connections;
  /** The environment's inference API: `POST /invocations` straight to the endpoint, live once a release is shared. */
  public readonly api: InferenceApi;
  /** The endpoint's production variant, the same for every release. */
  public readonly variantName = 'AllTraffic';
  /**
   * What the deploy handler needs to release to this environment.
   * @internal
   */
  public readonly _deploySpec: EnvironmentDeploySpec;

  constructor(scope: Construct, id: string, props: PipelineEnvironmentProps) {
    super(scope, id);
    this.name = props.name;
    this.endpointName = endpointNameFor(props.modelName, props.name);
    if (!props.serverless) {
      this.instanceType = props.instanceType ?? 'ml.m5.large';
      this.instanceCount = props.instanceCount ?? 1;
    }
    this.kmsKey = props.kmsKey;
    this.autoScaled = props.autoScaling !== undefined;
    const releasePrefix = releasePrefixFor(props.modelName, props.name);
    const releaseKeyPrefix = `releases/${this.endpointName}/`;

    this.executionRole = new iam.Role(this, 'SageMakerRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the ${this.endpointName} endpoint's model`,
    });
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [props.releaseBucket.arnForObjects(`${releaseKeyPrefix}*`)],
    }));
    props.releaseBucket.encryptionKey?.grantDecrypt(this.executionRole);
    justifyWildcards(this, [
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'SageMaker reads the release copies of this environment only, one key per release' },
      { finding: /^Resource::arn:.*:logs:.*:log-group:\/aws\/sagemaker\/Endpoints\/[A-Za-z0-9-]+:\*$/, reason: 'Log streams of this environment\'s endpoint log group, named by SageMaker per instance' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/data-capture\/[A-Za-z0-9-]+\/\*$/, reason: 'SageMaker writes captured data under this environment\'s prefix, one key per capture file' },
      { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Encrypting the endpoint\'s volumes and captured data with the environment\'s own key' },
      { finding: /^Resource::\*$/, reason: 'ecr:GetAuthorizationToken (pulling from an ECR repository), cloudwatch:PutMetricData (limited to SageMaker\'s endpoint namespaces by condition) and the EC2 network interface calls SageMaker makes for VPC containers support no resource-level permissions' },
    ]);
    this.grantEndpointLogging(this.executionRole);
    const image = props.image.bind(this, { role: this.executionRole, instanceType: this.instanceType });
    const dataCapture = props.dataCapture ? this.enableDataCapture(props.dataCapture, props.releaseBucket) : undefined;
    const alarms = createRollbackAlarms(this, this.endpointName, this.variantName, props.rollbackAlarms);
    this.api = new InferenceApi(this, 'InferenceApi', { endpointName: this.endpointName, logRetention: props.logRetention });
    this.errorsAlarm = alarms.errors;
    this.latencyAlarm = alarms.latency;
    const shift = props.trafficShift ?? TrafficShift.allAtOnce();
    const placement = props.vpc ? this.placeInVpc(props.vpc, props.subnets, props.securityGroups) : undefined;
    this.connections = placement?.connections;
    props.kmsKey?.grantEncryptDecrypt(this.executionRole);

    this._deploySpec = {
      endpointName: this.endpointName,
      releasePrefix,
      variantName: this.variantName,
      imageUri: image.imageUri,
      executionRoleArn: this.executionRole.roleArn,
      instanceType: this.instanceType,
      initialInstanceCount: this.instanceCount,
      serverless: props.serverless && {
        memorySizeMb: props.serverless.memorySizeMb,
        maxConcurrency: props.serverless.maxConcurrency,
        provisionedConcurrency: props.serverless.provisionedConcurrency,
      },
      dataCapture,
      autoScaling: props.autoScaling && {
        minInstances: props.autoScaling.minInstances ?? this.instanceCount!,
        maxInstances: props.autoScaling.maxInstances,
        targetInvocationsPerInstance: props.autoScaling.targetInvocationsPerInstance,
        scaleInCooldownSeconds: props.autoScaling.scaleInCooldown?.toSeconds(),
        scaleOutCooldownSeconds: props.autoScaling.scaleOutCooldown?.toSeconds(),
      },
      // Serverless variants are updated without blue/green.
      deployment: props.serverless ? undefined : {
        type: shift.type,
        stepPercent: shift.stepPercent,
        waitSeconds: shift.wait?.toSeconds(),
        bakeSeconds: shift.bakeTime.toSeconds(),
        rollbackAlarms: alarms.names,
      },
      kmsKeyArn: props.kmsKey?.keyArn,
      vpcConfig: placement?.config,
      releaseBucket: props.releaseBucket.bucketName,
      releaseKeyPrefix,
      keepReleases: props.keepReleases,
      tags: [
        { key: 'mlops:pipeline', value: props.pipelineName },
        { key: 'mlops:environment', value: props.name },
        ...Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
      ],
    };
  }

  /**
   * Lets `grantee` call the environment's inference API (`POST /invocations` only).
   * @param grantee who may invoke the model
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.api.grantInvoke(grantee);
  }

  /**
   * A SageMaker metric of this environment's endpoint, per minute.
   * @param metricName e.g. `Invocations`, `ModelLatency`, `Invocation4XXErrors`
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return endpointMetric(this.endpointName, this.variantName, metricName, props);
  }

  /** Requests served, summed per minute. */
  public metricInvocations(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  /** The model's response time in microseconds, averaged per minute. */
  public metricModelLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', ...props });
  }

  /** The model's 5XX errors, summed per minute. */
  public metricModelErrors(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: 'Sum', ...props });
  }

  /**
   * The containers' network placement. SageMaker manages their network
   * interfaces with the execution role.
   */
  private placeInVpc(vpc: ec2.IVpc, subnets: ec2.SubnetSelection | undefined, securityGroups: ec2.ISecurityGroup[] | undefined) {
    const groups = securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Containers of endpoint ${this.endpointName}`,
      allowAllOutbound: true,
    })];
    // EC2's network interface actions take no resource-level permissions for these calls; AWS requires '*'.
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
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

  /** SageMaker writes captured requests and responses under the environment's own prefix. */
  private enableDataCapture(props: DataCaptureProps, defaultBucket: s3.IBucket) {
    const bucket = props.bucket ?? defaultBucket;
    const prefix = props.prefix ?? `data-capture/${this.endpointName}/`;
    this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`${prefix}*`)],
    }));
    bucket.encryptionKey?.grant(this.executionRole, 'kms:GenerateDataKey', 'kms:Encrypt');
    return {
      samplingPercentage: props.samplingPercentage ?? 100,
      destinationS3Uri: bucket.s3UrlForObject(prefix),
    };
  }

  /** The endpoint's containers write logs and metrics under its own name only. */
  private grantEndpointLogging(role: iam.Role): void {
    const stack = Stack.of(this);
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `/aws/sagemaker/Endpoints/${this.endpointName}:*`,
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
}
