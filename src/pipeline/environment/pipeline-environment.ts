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
import { grantInvokeEndpoint } from './endpoint-invoke-grant';
import { INVOCATION_METRICS, UTILIZATION_METRICS, endpointMetric } from './endpoint-metrics';
import { EndpointRuntime, createEndpointRuntime, dataCapturePrefix } from './endpoint-runtime';
import { EnvironmentProps } from './environment-props';
import { RemoteEnvironment } from './remote-environment';
import { TrafficShift } from './traffic-shift';
import { MlopsValidationError } from '../../errors/validation-error';
import { EnvironmentDeploySpec, RemoteEnvironmentSpec } from '../../contract/deploy-settings';
import { modelQualityScheduleName, monitoringScheduleName } from '../../contract/monitoring-naming';
import { endpointNameFor, environmentAccessRoleName, rollbackAlarmNames, releasePrefixFor, remoteExecutionRoleName, remoteReleaseBucketName } from '../../contract/naming';
import { NOT_SHARED } from '../../contract/share-settings';
import { DEFAULT_INSTANCE_TYPE, variantSpec } from '../../contract/variant-settings';
import { ModelImage } from '../image/model-image';
import { DriftEnvironmentAlarms } from '../monitoring/drift-alarms';
import { createDriftDetection } from '../monitoring/drift-detection';
import { DriftCheckFrequency } from '../monitoring/monitoring-props';
import { InferenceApi } from '../share/inference-api';

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
   * Lets `grantee` call the environment's inference API: `execute-api:Invoke`
   * on its `POST /invocations`, and nothing else. To call the SageMaker
   * endpoint itself, use `grantInvokeEndpoint`.
   * @param grantee who may invoke the model through the API
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.localApi('grantInvoke').grantInvoke(grantee);
  }

  /**
   * Lets `grantee` call the environment's SageMaker endpoint directly:
   * `sagemaker:InvokeEndpoint` on the endpoint's ARN, bypassing the inference
   * API (its throttling, logs and share gate). The deploy handler creates the
   * endpoint at the first release, under the name it always has
   * (`endpointName`), so the grant holds before the endpoint exists.
   * @param grantee who may invoke the endpoint
   */
  public grantInvokeEndpoint(grantee: iam.IGrantable): iam.Grant {
    this.localApi('grantInvokeEndpoint');
    return grantInvokeEndpoint(this, grantee, this.endpointName);
  }

  /**
   * The environment's API, for a grant that can be made in this stack: a
   * batch environment serves nothing, and the API and endpoint of an
   * environment elsewhere are in another account or region, where its
   * `MlopsEnvironmentAccess` grants.
   */
  private localApi(method: string): InferenceApi {
    if (this.isBatch) {
      throw new MlopsValidationError(`${method}: environment "${this.name}" is a batch environment: it has no inference API or endpoint to invoke`);
    }
    if (!this.api) {
      throw new MlopsValidationError(`${method}: environment "${this.name}" runs in ${this.account}/${this.region}: its endpoint and inference API are there, `
        + `so grant in that account, on its MlopsEnvironmentAccess (access.${method})`);
    }
    return this.api;
  }

  /**
   * A metric of the environment's endpoint variant (dimensions `EndpointName`
   * and `VariantName`), in either of SageMaker's namespaces: `AWS/SageMaker`
   * for invocations, `/aws/sagemaker/Endpoints` for the instances' utilization.
   * An environment in another account or region gets that account and region.
   * @param namespace `AWS/SageMaker` or `/aws/sagemaker/Endpoints`
   * @param metricName e.g. `Invocations`, `ModelLatency`, `CPUUtilization`
   * @default - sum over 5 minutes
   */
  public metric(namespace: string, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    // An endpoint elsewhere publishes its metrics there: say where, for cross-account dashboards.
    const where = this.isRemote ? { account: this.account, region: this.region } : {};
    return endpointMetric(this.endpointName, this.variantName, namespace, metricName, { ...where, ...props });
  }

  /**
   * Requests the endpoint served.
   * @default - sum over 5 minutes
   */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'Invocations', props);
  }

  /**
   * Requests served per instance (what target-tracking auto scaling follows).
   * Instance environments only.
   * @default - sum over 5 minutes
   */
  public metricInvocationsPerInstance(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'InvocationsPerInstance', props);
  }

  /**
   * The model's response time, in microseconds as SageMaker reports it.
   * @default - average over 5 minutes
   */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'ModelLatency', { statistic: 'Average', ...props });
  }

  /**
   * The time SageMaker adds to the model's response time, in microseconds.
   * @default - average over 5 minutes
   */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'OverheadLatency', { statistic: 'Average', ...props });
  }

  /**
   * Requests the model answered with a 4XX status (`Invocation4XXErrors`).
   * @default - sum over 5 minutes
   */
  public metricInvocation4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'Invocation4XXErrors', props);
  }

  /**
   * Requests the model answered with a 5XX status (`Invocation5XXErrors`),
   * which the errors alarm watches.
   * @default - sum over 5 minutes
   */
  public metricInvocation5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(INVOCATION_METRICS, 'Invocation5XXErrors', props);
  }

  /**
   * The model's 5XX errors.
   * @default - sum over 5 minutes
   * @deprecated use `metricInvocation5xxErrors`, named after the metric
   */
  public metricModelErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInvocation5xxErrors(props);
  }

  /**
   * The instances' CPU use, in percent of one core (up to 100 times the cores).
   * Instance environments only: of the utilization metrics, serverless ones publish memory alone.
   * @default - average over 5 minutes
   */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.utilization('CPUUtilization', props);
  }

  /**
   * The memory use of the instances (or of a serverless endpoint), in percent.
   * @default - average over 5 minutes
   */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.utilization('MemoryUtilization', props);
  }

  /**
   * The instances' disk use, in percent. Instance environments only.
   * @default - average over 5 minutes
   */
  public metricDiskUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.utilization('DiskUtilization', props);
  }

  /**
   * The instances' GPU use, in percent of one GPU (up to 100 times the GPUs).
   * GPU instance environments only.
   * @default - average over 5 minutes
   */
  public metricGpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.utilization('GPUUtilization', props);
  }

  /**
   * The instances' GPU memory use, in percent of one GPU's (up to 100 times
   * the GPUs). GPU instance environments only.
   * @default - average over 5 minutes
   */
  public metricGpuMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.utilization('GPUMemoryUtilization', props);
  }

  private utilization(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(UTILIZATION_METRICS, metricName, { statistic: 'Average', ...props });
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
