import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ProblemCollector } from '../../common/problem-collector';
import { environmentAccessRoleName, remoteExecutionRoleName } from '../../contract/naming';
import { justifyWildcards } from '../../nag/acknowledgements';
import { ByomPipeline } from '../byom-pipeline';
import { SCALABLE_TARGETS_REASON, releasePermissions } from '../deploy/release-permissions';
import { grantInvokeEndpoint } from '../environment/endpoint-invoke-grant';
import { createEndpointRuntime } from '../environment/endpoint-runtime';
import { PipelineEnvironment } from '../environment/pipeline-environment';
import { RemoteEnvironment } from '../environment/remote-environment';
import { createLoggedBucket } from '../logged-bucket';
import { InferenceApi } from '../share/inference-api';
import { INFERENCE_API_STAGE } from '../share/inference-api-naming';
import { inferenceApiStageArn } from '../share/share-handler';

/** Props of a {@link MlopsEnvironmentAccess}. */
export interface MlopsEnvironmentAccessProps {
  /**
   * The pipeline that releases to the environment. It is usually in another
   * stack of the same app, in the pipeline's account: only names and account
   * IDs are read from it, so the two stacks never refer to each other.
   */
  readonly pipeline: ByomPipeline;

  /** The name of the pipeline's environment that runs in this stack's account and region. */
  readonly environmentName: string;

  /**
   * How long the inference API's access logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the release and access-log buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly bucketRemovalPolicy?: RemovalPolicy;
}

/**
 * What a `ByomPipeline` environment in another account or region needs
 * there. Deploy it in that account (and region) before the pipeline's stack:
 * the pipeline's bucket and key policies name the roles it creates.
 *
 * - a role the pipeline's account may assume, allowed to release to this one
 *   endpoint only: its release models and configs, the endpoint, its scaling,
 *   its rollback alarms, invoking it for tests and passing its SageMaker role;
 * - the SageMaker execution role, which reads only this environment's release
 *   copies and pulls only the pipeline's image;
 * - a bucket for the release copies (SageMaker reads model artifacts from its
 *   own region), KMS-encrypted, TLS-only, with access logs;
 * - the endpoint's rollback alarms and its inference API.
 *
 * The pipeline's deploy, test, share and clean-up handlers assume the role;
 * the pipeline's bucket and key let it read this environment's release copies.
 */
export class MlopsEnvironmentAccess extends Construct {
  /** The role the pipeline's handlers assume to act in this account. */
  public readonly role: iam.Role;
  /** The role SageMaker assumes to run the environment's model. */
  public readonly executionRole: iam.Role;
  /** The bucket the environment's release copies are kept in (and captured data, unless another bucket is named). */
  public readonly releaseBucket: s3.Bucket;
  /** The environment's inference API: `POST /invocations` straight to the endpoint. */
  public readonly api: InferenceApi;
  /** Raised by the model's 5XX errors; rolls a release back while its traffic moves. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** Raised by slow model responses; rolls a release back while its traffic moves. */
  public readonly latencyAlarm: cloudwatch.Alarm;
  /** The name of the environment's SageMaker endpoint. */
  public readonly endpointName: string;
  /**
   * The containers' security groups (VPC environments).
   * @default - none: the environment is not in a VPC
   */
  public readonly connections?: ec2.Connections;

  constructor(scope: Construct, id: string, props: MlopsEnvironmentAccessProps) {
    super(scope, id);
    const env = findRemoteEnvironment(this, props);
    const remote = env._remote!;
    const spec = env._deploySpec;
    this.endpointName = env.endpointName;
    const removalPolicy = props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.releaseBucket = createLoggedBucket(this, {
      bucketId: 'Releases',
      keyId: 'ReleaseKey',
      keyDescription: `Encrypts the model releases of endpoint ${env.endpointName}`,
      // The pipeline's handlers write here by this name, derived on both sides.
      bucketName: spec.access!.releaseBucket,
      versioned: false,
      logPrefix: 'releases/',
      removalPolicy,
    }).bucket;

    const runtime = createEndpointRuntime(this, {
      ...remote.props,
      endpointName: env.endpointName,
      variantName: env.variantName,
      instanceType: env.instanceType,
      releaseBucket: this.releaseBucket,
      releaseKeyPrefix: spec.releaseKeyPrefix,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      executionRoleName: remoteExecutionRoleName(env.endpointName),
      // The pipeline keeps the release record in its own account.
      releaseRecord: false,
      pullsAcrossAccounts: remote.pipelineAccount,
    });
    this.executionRole = runtime.executionRole;
    this.api = runtime.api;
    this.errorsAlarm = runtime.alarms.errors;
    this.latencyAlarm = runtime.alarms.latency;
    this.connections = runtime.connections;

    this.role = new iam.Role(this, 'Role', {
      roleName: environmentAccessRoleName(env.endpointName),
      // The pipeline's account decides which of its principals may assume this
      // role: only its handler roles get sts:AssumeRole on it.
      assumedBy: new iam.AccountPrincipal(remote.pipelineAccount),
      description: `Lets pipeline ${props.pipeline.pipelineName} in account ${remote.pipelineAccount} release to endpoint ${env.endpointName}`,
    });
    grantRelease(this.role, env, remote, runtime.executionRole.roleArn);
    grantReleaseCopies(this.role, this.releaseBucket, remote, spec.releaseKeyPrefix);
    grantGoingLive(this.role, this.api);
    if (remote.props.kmsKey) {
      // SageMaker encrypts the volumes through a grant that the caller of CreateEndpointConfig creates.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:CreateGrant', 'kms:DescribeKey'], resources: [remote.props.kmsKey.keyArn] }));
    }
    justifyWildcards(this.role, [
      { finding: /^Resource::\*$/, reason: 'sagemaker:ListEndpointConfigs/ListModels and Application Auto Scaling (generated target IDs, limited to SageMaker variants by condition) support no usable resource-level permissions' },
      { finding: /^Resource::arn:.*:sagemaker:.*:(model|endpoint-config)\/[a-z0-9-]+-\*$/, reason: 'Each release creates a model and endpoint config named <environment prefix>-<release id>; only that prefix is reachable' },
      { finding: /^Resource::arn:.*:cloudwatch:.*:alarm:TargetTracking-endpoint\/[A-Za-z0-9-]+\/\*$/, reason: 'Target tracking names its alarms after the scaled variant with a generated suffix' },
      { finding: /^Resource::arn:<AWS::Partition>:application-autoscaling:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):scalable-target\/\*$/, reason: SCALABLE_TARGETS_REASON },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'Each release is copied to its own key under the environment\'s prefix' },
      { finding: /^Resource::arn:<AWS::Partition>:s3:::\*\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'The pipeline\'s artifact bucket has a generated name in the pipeline\'s account; the s3:ResourceAccount condition limits this to that account, and that bucket\'s policy to this role' },
      { finding: /^Resource::arn:<AWS::Partition>:kms:[a-z0-9-]+:\d{12}:key\/\*$/, reason: 'Decrypting release copies with the pipeline\'s artifact key (generated ID) through S3 only; the key\'s policy names this role' },
      { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Writing release copies into the environment\'s SSE-KMS bucket' },
    ]);
  }

  /**
   * Lets `grantee` call the environment's inference API: `execute-api:Invoke`
   * on its `POST /invocations`, and nothing else.
   * @param grantee who may invoke the model through the API
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.api.grantInvoke(grantee);
  }

  /**
   * Lets `grantee` (in this account) call the environment's SageMaker endpoint
   * directly: `sagemaker:InvokeEndpoint` on the endpoint's ARN.
   * @param grantee who may invoke the endpoint
   */
  public grantInvokeEndpoint(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeEndpoint(this, grantee, this.endpointName);
  }
}

/** The pipeline's environment this stack hosts, after checking it really belongs here. */
function findRemoteEnvironment(scope: Construct, props: MlopsEnvironmentAccessProps): PipelineEnvironment {
  const problems = new ProblemCollector('MlopsEnvironmentAccess');
  const stack = Stack.of(scope);
  const env = props.pipeline.environments.find((e) => e.name === props.environmentName);
  if (!env) {
    const known = props.pipeline.environments.map((e) => `"${e.name}"`).join(', ') || 'none yet';
    problems.add('environmentName', `pipeline ${props.pipeline.pipelineName} has no environment "${props.environmentName}" (it has ${known})`);
  } else if (!env._remote) {
    problems.add('environmentName', `environment "${env.name}" runs in the pipeline's own account and region; it needs no MlopsEnvironmentAccess`);
  } else if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    problems.add('scope', `the stack must name its account and region (env: { account: '${env.account}', region: '${env.region}' })`);
  } else if (stack.account !== env.account || stack.region !== env.region) {
    problems.add('scope', `environment "${env.name}" runs in ${env.account}/${env.region}, but this stack deploys to ${stack.account}/${stack.region}`);
  }
  problems.throwIfAny();
  return env!;
}

/**
 * Releasing to this one endpoint, testing it, rolling it back and tearing it
 * down: what the pipeline's deploy, test, share and clean-up handlers do here.
 */
function grantRelease(role: iam.Role, env: PipelineEnvironment, remote: RemoteEnvironment, executionRoleArn: string): void {
  const spec = { ...env._deploySpec, executionRoleArn };
  for (const statement of releasePermissions(role, spec, { serviceLinkedRole: spec.autoScaling !== undefined })) {
    role.addToPrincipalPolicy(statement);
  }
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:InvokeEndpoint'],
    resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: env.endpointName.toLowerCase() })],
  }));
  // List and Describe actions have no resource-level permissions; the handlers
  // keep only the names of this environment's own releases.
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:ListEndpointConfigs', 'sagemaker:ListModels', 'application-autoscaling:DescribeScalableTargets'],
    resources: ['*'],
  }));
  if (remote.props.autoScaling === undefined) {
    // Clean-up deregisters a variant's scaling if someone registered it by hand.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['application-autoscaling:DeregisterScalableTarget'],
      resources: ['*'],
      conditions: { StringEquals: { 'application-autoscaling:service-namespace': 'sagemaker' } },
    }));
  }
}

/**
 * Making the environment's API live at share: finding it by its derived name
 * (the pipeline cannot know its generated ID) and updating its stage.
 */
function grantGoingLive(role: iam.Role, api: InferenceApi): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['apigateway:GET'],
    resources: [Stack.of(role).formatArn({ service: 'apigateway', account: '', resource: '/restapis' })],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['apigateway:PATCH'],
    resources: [inferenceApiStageArn(role, api.restApi.restApiId, INFERENCE_API_STAGE)],
  }));
}

/**
 * The second copy of each release: read from the pipeline's bucket (in the
 * pipeline's account and region), written to this environment's bucket.
 */
function grantReleaseCopies(role: iam.Role, bucket: s3.Bucket, remote: RemoteEnvironment, releaseKeyPrefix: string): void {
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
    resources: [bucket.arnForObjects(`${releaseKeyPrefix}*`)],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': `${releaseKeyPrefix}*` } },
  }));
  bucket.encryptionKey!.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [`arn:${stack.partition}:s3:::*/${releaseKeyPrefix}*`],
    conditions: { StringEquals: { 's3:ResourceAccount': remote.pipelineAccount } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['kms:Decrypt'],
    resources: [stack.formatArn({ service: 'kms', account: remote.pipelineAccount, region: remote.pipelineRegion, resource: 'key', resourceName: '*' })],
    conditions: { StringEquals: { 'kms:ViaService': `s3.${remote.pipelineRegion}.amazonaws.com` } },
  }));
}
