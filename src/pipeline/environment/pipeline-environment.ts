import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BatchRuntime, createBatchRuntime } from './batch-runtime';
import { endpointMetric } from './endpoint-metrics';
import { EndpointRuntime, createEndpointRuntime, dataCapturePrefix } from './endpoint-runtime';
import { EnvironmentProps } from './environment-props';
import { RemoteEnvironment } from './remote-environment';
import { TrafficShift } from './traffic-shift';
import { DEFAULT_INSTANCE_TYPE, variantSpec } from '../../contract/variant-settings';
import { EnvironmentDeploySpec, RemoteEnvironmentSpec } from '../../contract/deploy-settings';
import { ModelImage } from '../image/model-image';
import { DriftEnvironmentAlarms } from '../monitoring/drift-alarms';
import { createDriftDetection } from '../monitoring/drift-detection';
import { modelQualityScheduleName, monitoringScheduleName } from '../../contract/monitoring-naming';
import { DriftCheckFrequency } from '../monitoring/monitoring-props';
import { endpointNameFor, environmentAccessRoleName, rollbackAlarmNames, releasePrefixFor, remoteExecutionRoleName, remoteReleaseBucketName } from '../../contract/naming';
import { InferenceApi } from '../share/inference-api';
import { NOT_SHARED } from '../../contract/share-settings';

/**
 * Props of a {@link PipelineEnvironment}: the user's environment plus what the
 * pipeline knows. `ByomPipeline.addEnvironment` (or its `environments` prop)
 * makes them; an environment made from them by hand belongs to no pipeline.
 */
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
 *
 * Made by `ByomPipeline` only: get one from `pipeline.addEnvironment(...)` or
 * `pipeline.environments`. The class is exported for its type, grants and
 * metrics; an environment constructed directly belongs to no pipeline, so no
 * release is ever deployed to it.
 *
 * An environment in another account or region (`account`, `region`) has its
 * SageMaker role, alarms and inference API in that account, created by an
 * `MlopsEnvironmentAccess` there; here it has names and its release record.
 */
export class PipelineEnvironment extends Construct {
  /** The environment's name. */
  public readonly name: string;
  /**
   * The name of the environment's SageMaker endpoint (the same for every release).
   * A batch environment serves no endpoint; its releases' models and transform jobs start with this name.
   */
  public readonly endpointName: string;
  /** The account the endpoint runs in. */
  public readonly account: string;
  /** The region the endpoint runs in. */
  public readonly region: string;
  /** Whether the endpoint runs in another account or region than the pipeline. */
  public readonly isRemote: boolean;
  /** The role SageMaker assumes to run the environment's model (in the environment's account). */
  public readonly executionRole: iam.IRole;
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
  /**
   * Raised by the model's 5XX errors; rolls a release back while its traffic moves.
   * @default - in the environment's `MlopsEnvironmentAccess` for an environment in another account or region
   */
  public readonly errorsAlarm?: cloudwatch.Alarm;
  /**
   * Raised by slow model responses; rolls a release back while its traffic moves.
   * @default - in the environment's `MlopsEnvironmentAccess` for an environment in another account or region
   */
  public readonly latencyAlarm?: cloudwatch.Alarm;
  /**
   * The containers' security groups, to allow traffic to what they call (VPC environments).
   * @default - none: the environment is not in a VPC
   */
  public readonly connections?: ec2.Connections;
  /**
   * The environment's inference API: `POST /invocations` straight to the endpoint, answering 503 until the first release creates the endpoint.
   * @default - in the environment's `MlopsEnvironmentAccess` for an environment in another account or region
   */
  public readonly api?: InferenceApi;
  /**
   * The SSM parameter (in the pipeline's account) holding the record of the release shared last, as JSON.
   * @default - none for a batch environment, which shares nothing
   */
  public readonly releaseParameter?: ssm.IStringParameter;
  /** Whether the environment runs batch transforms instead of an endpoint (`batch`). */
  public readonly isBatch: boolean;
  /**
   * The name of the endpoint's data-quality monitoring schedule, which the Monitor stage creates and keeps current.
   * @default - none: the environment does not detect drift
   */
  public readonly monitoringScheduleName?: string;
  /**
   * The role SageMaker assumes for the baseline and monitoring jobs.
   * @default - none: the environment does not detect drift
   */
  public readonly monitoringRole?: iam.IRole;
  /** The endpoint's production variant, the same for every release. */
  public readonly variantName = 'AllTraffic';
  private driftAlarms?: DriftEnvironmentAlarms;
  private modelQualityAlarms?: DriftEnvironmentAlarms;
  /**
   * What the deploy handler needs to release to this environment.
   * @internal
   */
  public readonly _deploySpec: EnvironmentDeploySpec;
  /**
   * Set for an environment in another account or region.
   * @internal
   */
  public readonly _remote?: RemoteEnvironment;

  constructor(scope: Construct, id: string, props: PipelineEnvironmentProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.name = props.name;
    this.endpointName = endpointNameFor(props.modelName, props.name);
    this.account = props.account ?? stack.account;
    this.region = props.region ?? stack.region;
    this.isRemote = this.account !== stack.account || this.region !== stack.region;
    if (!props.serverless) {
      this.instanceType = props.instanceType ?? DEFAULT_INSTANCE_TYPE;
      this.instanceCount = props.instanceCount ?? 1;
    }
    this.kmsKey = props.kmsKey;
    this.autoScaled = props.autoScaling !== undefined;
    const releasePrefix = releasePrefixFor(props.modelName, props.name);
    const releaseKeyPrefix = `releases/${this.endpointName}/`;
    const shift = props.trafficShift ?? TrafficShift.allAtOnce();

    this.isBatch = props.batch !== undefined;
    if (props.batch) {
      const batch = createBatchRuntime(this, {
        ...props,
        batch: props.batch,
        instanceType: this.instanceType!,
        releaseKeyPrefix,
      });
      this.executionRole = batch.executionRole;
      this.connections = batch.connections;
      this._deploySpec = this.batchDeploySpec(props, batch, releasePrefix, releaseKeyPrefix);
      return;
    }

    let runtime: Omit<EndpointRuntime, 'api' | 'alarms' | 'executionRole'> & { readonly alarmNames: string[] };
    let access: RemoteEnvironmentSpec | undefined;
    // Drift detection reads what the endpoint captures: capture is on with it.
    const capture = props.dataCapture ?? (props.monitoring ? {} : undefined);
    if (this.isRemote) {
      this._remote = { account: this.account, region: this.region, pipelineAccount: stack.account, pipelineRegion: stack.region, props };
      const remote = this.bindRemote(props, releaseKeyPrefix);
      this.executionRole = remote.executionRole;
      this.connections = props.vpc && new ec2.Connections({ securityGroups: props.securityGroups });
      runtime = remote.runtime;
      access = remote.access;
      this.releaseParameter = new ssm.StringParameter(this, 'ReleaseRecord', {
        description: `The release shared to environment ${props.name} (endpoint ${this.endpointName} in ${this.account}/${this.region})`,
        // Written once by CloudFormation; the share handler owns the value afterwards.
        stringValue: JSON.stringify(NOT_SHARED),
      });
    } else {
      const local = createEndpointRuntime(this, {
        ...props,
        dataCapture: capture,
        endpointName: this.endpointName,
        variantName: this.variantName,
        instanceType: this.instanceType,
        releaseKeyPrefix,
        releaseRecord: true,
      });
      this.executionRole = local.executionRole;
      this.api = local.api;
      this.releaseParameter = local.api.releaseParameter!;
      this.errorsAlarm = local.alarms.errors;
      this.latencyAlarm = local.alarms.latency;
      this.connections = local.connections;
      runtime = { ...local, alarmNames: local.alarms.names };
    }
    const drift = props.monitoring && capture && createDriftDetection(this, {
      endpointName: this.endpointName,
      monitoring: props.monitoring,
      capture: { bucket: capture.bucket ?? props.releaseBucket, prefix: dataCapturePrefix(this.endpointName, capture) },
      outputBucket: props.releaseBucket,
      kmsKey: props.kmsKey,
    });
    if (drift) {
      this.monitoringRole = drift.role;
      this.monitoringScheduleName = monitoringScheduleName(drift.spec.namePrefix);
    }

    const variant = variantSpec({
      serverless: props.serverless,
      instanceType: this.instanceType,
      instanceCount: this.instanceCount,
      autoScaling: props.autoScaling && {
        minInstances: props.autoScaling.minInstances,
        maxInstances: props.autoScaling.maxInstances,
        targetInvocationsPerInstance: props.autoScaling.targetInvocationsPerInstance,
        scaleInCooldownSeconds: props.autoScaling.scaleInCooldown?.toSeconds(),
        scaleOutCooldownSeconds: props.autoScaling.scaleOutCooldown?.toSeconds(),
      },
      trafficShift: {
        type: shift.type,
        stepPercent: shift.stepPercent,
        waitSeconds: shift.wait?.toSeconds(),
        bakeSeconds: shift.bakeTime.toSeconds(),
      },
      rollbackAlarms: runtime.alarmNames,
      dataCapture: runtime.dataCapture,
    });
    this._deploySpec = {
      endpointName: this.endpointName,
      releasePrefix,
      variantName: this.variantName,
      imageUri: runtime.imageUri,
      executionRoleArn: this.executionRole.roleArn,
      instanceType: variant.instanceType,
      initialInstanceCount: variant.initialInstanceCount,
      serverless: variant.serverless,
      dataCapture: variant.dataCapture,
      autoScaling: variant.autoScaling,
      deployment: variant.deployment,
      kmsKeyArn: props.kmsKey?.keyArn,
      vpcConfig: runtime.vpcConfig,
      releaseBucket: props.releaseBucket.bucketName,
      releaseKeyPrefix,
      keepReleases: props.keepReleases,
      tags: environmentTags(props),
      monitoring: drift?.spec,
      access,
    };
  }

  /**
   * Raised when a drift check finds at least `monitoring.violationsThreshold`
   * constraint violations; it notifies the pipeline's topic.
   * @default - none: the environment does not detect drift
   */
  public get driftAlarm(): cloudwatch.IAlarm | undefined {
    return this.driftAlarms?.violations;
  }

  /**
   * Raised when a drift check fails or is stopped (so it checked nothing); it notifies the pipeline's topic.
   * @default - none: the environment does not detect drift
   */
  public get driftCheckFailedAlarm(): cloudwatch.IAlarm | undefined {
    return this.driftAlarms?.failures;
  }

  /**
   * Raised when a model-quality check finds at least `monitoring.violationsThreshold`
   * violations (the predictions fell short of the baseline's quality); it notifies the pipeline's topic.
   * @default - none: the environment does not monitor model quality
   */
  public get modelQualityAlarm(): cloudwatch.IAlarm | undefined {
    return this.modelQualityAlarms?.violations;
  }

  /**
   * Raised when a model-quality check fails or is stopped; it notifies the pipeline's topic.
   * @default - none: the environment does not monitor model quality
   */
  public get modelQualityCheckFailedAlarm(): cloudwatch.IAlarm | undefined {
    return this.modelQualityAlarms?.failures;
  }

  /**
   * The name of the endpoint's model-quality monitoring schedule.
   * @default - none: the environment does not monitor model quality
   */
  public get modelQualityScheduleName(): string | undefined {
    const monitoring = this._deploySpec.monitoring;
    return monitoring?.modelQuality ? modelQualityScheduleName(monitoring.namePrefix) : undefined;
  }

  /**
   * The pipeline hands over the environment's drift alarms once its topic exists.
   * @internal
   */
  public _bindDriftAlarms(dataQuality: DriftEnvironmentAlarms, modelQuality?: DriftEnvironmentAlarms): void {
    this.driftAlarms = dataQuality;
    this.modelQualityAlarms = modelQuality;
  }

  /**
   * The frequency of the drift check.
   * @default - none: the environment does not detect drift
   */
  public get driftCheckFrequency(): DriftCheckFrequency | undefined {
    return this._deploySpec.monitoring?.schedule as DriftCheckFrequency | undefined;
  }

  private batchDeploySpec(
    props: PipelineEnvironmentProps, batch: BatchRuntime, releasePrefix: string, releaseKeyPrefix: string,
  ): EnvironmentDeploySpec {
    return {
      endpointName: this.endpointName,
      releasePrefix,
      variantName: this.variantName,
      imageUri: batch.imageUri,
      executionRoleArn: this.executionRole.roleArn,
      instanceType: this.instanceType,
      initialInstanceCount: this.instanceCount,
      kmsKeyArn: props.kmsKey?.keyArn,
      vpcConfig: batch.vpcConfig,
      releaseBucket: props.releaseBucket.bucketName,
      releaseKeyPrefix,
      keepReleases: props.keepReleases,
      tags: environmentTags(props),
      batch: batch.spec,
    };
  }

  /**
   * Lets `grantee` call the environment's inference API (`POST /invocations` only).
   * @param grantee who may invoke the model
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (this.isBatch) {
      throw new Error(`Environment "${this.name}" is a batch environment: it has no inference API to invoke`);
    }
    if (!this.api) {
      throw new Error(`Environment "${this.name}" runs in ${this.account}/${this.region}: its inference API is in that account, so grant on its MlopsEnvironmentAccess (access.grantInvoke)`);
    }
    return this.api.grantInvoke(grantee);
  }

  /**
   * A SageMaker metric of this environment's endpoint, per minute.
   * @param metricName e.g. `Invocations`, `ModelLatency`, `Invocation4XXErrors`
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    // An endpoint elsewhere publishes its metrics there: say where, for cross-account dashboards.
    const where = this.isRemote ? { account: this.account, region: this.region } : {};
    return endpointMetric(this.endpointName, this.variantName, metricName, { ...where, ...props });
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
   * The pipeline's side of an environment in another account or region: the
   * role names both sides derive from the endpoint name, the image for that
   * region, and read access for the environment's roles to this pipeline's
   * release copies (and, through the image's bind, to a pipeline-built image).
   */
  private bindRemote(props: PipelineEnvironmentProps, releaseKeyPrefix: string) {
    const stack = Stack.of(this);
    const roleArn = (roleName: string) => stack.formatArn({ service: 'iam', region: '', account: this.account, resource: 'role', resourceName: roleName });
    // Immutable: the roles live in the other account, so grants here only ever touch resource policies.
    const executionRole = iam.Role.fromRoleArn(this, 'SageMakerRole', roleArn(remoteExecutionRoleName(this.endpointName)), { mutable: false });
    const accessRoleArn = roleArn(environmentAccessRoleName(this.endpointName));
    const image = props.image.bind(this, { role: executionRole, instanceType: this.instanceType, region: this.region });

    // The access role copies each release on, from here to the environment's own bucket.
    const copier = new iam.ArnPrincipal(accessRoleArn);
    props.releaseBucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [copier],
      actions: ['s3:GetObject'],
      resources: [props.releaseBucket.arnForObjects(`${releaseKeyPrefix}*`)],
    }));
    props.releaseBucket.encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
      principals: [copier],
      actions: ['kms:Decrypt'],
      // In a key policy, '*' is the key itself.
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
    }));

    const releaseBucket = remoteReleaseBucketName(this.endpointName, this.account, this.region);
    const capture = props.dataCapture;
    const groups = props.securityGroups ?? [];
    return {
      executionRole,
      access: { roleArn: accessRoleArn, region: this.region, releaseBucket },
      runtime: {
        imageUri: image.imageUri,
        alarmNames: rollbackAlarmNames(this.endpointName),
        dataCapture: capture && {
          samplingPercentage: capture.samplingPercentage ?? 100,
          destinationS3Uri: `s3://${capture.bucket?.bucketName ?? releaseBucket}/${dataCapturePrefix(this.endpointName, capture)}`,
        },
        vpcConfig: props.vpc && {
          subnets: props.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds,
          securityGroupIds: groups.map((g) => g.securityGroupId),
        },
      },
    };
  }
}

/** The tags every SageMaker resource of the environment carries. */
function environmentTags(props: PipelineEnvironmentProps): Array<{ key: string; value: string }> {
  return [
    { key: 'mlops:pipeline', value: props.pipelineName },
    { key: 'mlops:environment', value: props.name },
    ...Object.entries(props.tags ?? {}).map(([key, value]) => ({ key, value })),
  ];
}
