import { ArnFormat, CfnMapping, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { MODEL_MONITOR_ACCOUNTS, MODEL_MONITOR_REPOSITORY, modelMonitorImageUri } from '../../catalog/model-monitor-catalog';
import { MONITORING_DEFAULTS } from '../../contract/monitoring-defaults';
import { DatasetFormat, DriftCheckFrequency, ModelQualityProps, MonitoringProps } from './monitoring-props';
import type { ModelQualitySpec } from '../../contract/monitoring-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { dataLocationUri } from '../data/data-location-uri';
import type { EnvironmentMonitoringSpec } from '../../contract/deploy-settings';

/** What drift detection on one endpoint needs. */
export interface DriftDetectionProps {
  readonly endpointName: string;
  readonly monitoring: MonitoringProps;
  /** Where the endpoint's traffic is captured, which the monitoring jobs read. */
  readonly capture: { readonly bucket: s3.IBucket; readonly prefix: string };
  /** The bucket baselines and reports are written to, under `monitoring/<endpoint>/`. */
  readonly outputBucket: s3.IBucket;
  readonly kmsKey?: kms.IKey;
}

/** The role Model Monitor's jobs run with, and what the deploy handler is told. */
export interface DriftDetection {
  readonly role: iam.Role;
  readonly spec: EnvironmentMonitoringSpec;
  /** `s3://bucket/monitoring/<endpoint>/`: baselines and monitoring reports. */
  readonly outputUri: string;
}

/**
 * Creates, directly in `scope`, the role SageMaker assumes for an
 * environment's baseline and monitoring jobs: it reads the baseline dataset
 * and the captured traffic, writes under the environment's monitoring
 * prefix, pulls the region's analyzer image, and nothing else.
 */
export function createDriftDetection(scope: Construct, props: DriftDetectionProps): DriftDetection {
  const { monitoring } = props;
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'MonitoringRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the drift-detection jobs of endpoint ${props.endpointName}`,
  });
  const datasetPrefix = monitoring.baselineDataset.prefix ?? '';
  monitoring.baselineDataset.bucket.grantRead(role, `${datasetPrefix}*`);
  const quality = monitoring.modelQuality;
  if (quality) {
    // The model-quality baseline reads its own dataset; each run merges the uploaded labels with the captures.
    quality.baselineDataset.bucket.grantRead(role, `${quality.baselineDataset.prefix ?? ''}*`);
    quality.groundTruth.bucket.grantRead(role, `${quality.groundTruth.prefix ?? ''}*`);
  }
  props.capture.bucket.grantRead(role, `${props.capture.prefix}*`);
  const outputPrefix = `monitoring/${props.endpointName}/`;
  props.outputBucket.grantReadWrite(role, `${outputPrefix}*`);
  props.kmsKey?.grantEncryptDecrypt(role);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/ProcessingJobs:*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
  }));
  // PutMetricData has no resource-level permissions: AWS requires '*', so it is limited to Model Monitor's namespaces.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints/data-metric', 'aws/sagemaker/Endpoints/data-metric'] } },
  }));
  const image = analyzerImage(scope);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    resources: [stack.formatArn({ service: 'ecr', account: image.account, resource: 'repository', resourceName: MODEL_MONITOR_REPOSITORY })],
  }));
  // GetAuthorizationToken has no resource-level permissions: AWS requires '*'.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
  justifyWildcards(scope, [
    { finding: /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/, reason: 'CDK\'s read and write grants on the baseline dataset, the captured traffic and the environment\'s monitoring prefix' },
    { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::[^/]+)\/[\x21-\x7e]*\*$/, reason: 'Model Monitor reads every object of the baseline dataset and of the captured traffic, and writes its baselines and reports under the environment\'s monitoring prefix' },
    { finding: /^Resource::arn:.*:logs:.*:log-group:\/aws\/sagemaker\/ProcessingJobs:\*$/, reason: 'Log streams of SageMaker\'s ProcessingJobs log group, named by SageMaker per job and instance' },
    { finding: /^Resource::\*$/, reason: 'cloudwatch:PutMetricData (limited to Model Monitor\'s namespaces by condition) and ecr:GetAuthorizationToken support no resource-level permissions' },
    { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Encrypting the jobs\' volumes and outputs with the environment\'s own key' },
  ]);
  const outputUri = props.outputBucket.s3UrlForObject(outputPrefix);
  return {
    role,
    outputUri,
    spec: {
      namePrefix: props.endpointName,
      baselineDatasetUri: dataLocationUri(monitoring.baselineDataset),
      baselineDatasetFormat: (monitoring.datasetFormat ?? DatasetFormat.csv())._spec,
      schedule: monitoring.frequency ?? DriftCheckFrequency.HOURLY,
      resources: {
        instanceType: monitoring.instanceType ?? MONITORING_DEFAULTS.instanceType,
        instanceCount: monitoring.instanceCount ?? MONITORING_DEFAULTS.instanceCount,
        volumeSizeGb: monitoring.volumeSize?.toGibibytes() ?? MONITORING_DEFAULTS.volumeSizeGb,
        maxRuntimeSeconds: monitoring.maxRuntime?.toSeconds() ?? MONITORING_DEFAULTS.maxRuntimeSeconds,
      },
      outputPrefix: outputUri,
      roleArn: role.roleArn,
      imageUri: image.uri,
      modelQuality: quality && modelQualitySpec(quality),
    },
  };
}

/** The model-quality part of the deploy spec. */
function modelQualitySpec(quality: ModelQualityProps): ModelQualitySpec {
  const prediction = quality.predictionColumn === undefined ? undefined : quality.endpointPrediction ?? '0';
  return {
    problemType: quality.problemType,
    baselineDatasetUri: dataLocationUri(quality.baselineDataset),
    baselineColumns: { groundTruth: quality.groundTruthColumn, inference: quality.predictionColumn, probability: quality.probabilityColumn },
    endpointOutput: { inference: prediction, probability: quality.endpointProbability },
    probabilityThreshold: quality.probabilityThreshold,
    groundTruthUri: dataLocationUri(quality.groundTruth),
    startTimeOffset: pastOffset(quality.lookBack ?? Duration.days(2)),
    endTimeOffset: pastOffset(quality.labelDelay ?? Duration.days(1)),
  };
}

/** A duration before each run as SageMaker writes it: `-P2D`, or `-PT7H` when not whole days. */
function pastOffset(duration: Duration): string {
  const hours = duration.toHours();
  return hours % 24 === 0 ? `-P${hours / 24}D` : `-PT${hours}H`;
}

/** The region's Model Monitor analyzer image, looked up at deploy time for an environment-agnostic stack. */
function analyzerImage(scope: Construct): { readonly uri: string; readonly account: string } {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.region)) {
    return { uri: modelMonitorImageUri(stack.region), account: MODEL_MONITOR_ACCOUNTS[stack.region] };
  }
  const mappingId = 'MlopsModelMonitorRegistry';
  const mapping = (stack.node.tryFindChild(mappingId) as CfnMapping | undefined) ?? new CfnMapping(stack, mappingId, {
    mapping: Object.fromEntries(Object.entries(MODEL_MONITOR_ACCOUNTS).map(([region, account]) => [region, { account }])),
  });
  const account = mapping.findInMap(stack.region, 'account');
  return { account, uri: Fn.join('', [account, '.dkr.ecr.', stack.region, '.', stack.urlSuffix, `/${MODEL_MONITOR_REPOSITORY}`]) };
}
