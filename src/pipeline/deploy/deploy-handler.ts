import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { DeployFunction } from './deploy-function';
import { DEPLOY_SPEC_VARIABLE, DeploySettings, EnvironmentDeploySpec } from '../../contract/deploy-settings';
import { monitoringPermissions } from './monitoring-permissions';
import { SCALABLE_TARGETS_REASON, releasePermissions } from './release-permissions';
import { justifyWildcards } from '../../nag/acknowledgements';
import { grantAssumeAccessRole } from '../access/assume-access-role';
import { DataLocation } from '../data/data-location';
import { createHandlerFunction, sharedHandlersOf } from '../shared/handler-function';

/** Props of the deploy handler. */
export interface DeployHandlerProps {
  /** The pipeline's name, for logs and messages. */
  readonly pipelineName: string;
  /** The bucket the model artifact is read from. */
  readonly artifactBucket: s3.IBucket;
  /** The artifact's key. */
  readonly artifactKey: string;
  /** The bucket release copies of the artifact are written to. */
  readonly releaseBucket: s3.IBucket;
  /** How long the handler's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/** What else an environment brings to the deploy handler. */
export interface DeployEnvironmentOptions {
  /** The environment's KMS key, for SageMaker's grants on it. */
  readonly kmsKey?: kms.IKey;
  /** A batch environment's output, which its Test stage checks. */
  readonly batchOutput?: DataLocation;
}

/**
 * The Lambda that releases a model to an environment's endpoint, one step per
 * CodePipeline call, with permissions limited to the pipeline's own resources.
 */
export class DeployHandler extends Construct {
  /** The function CodePipeline invokes. */
  public readonly function: lambda.IFunction;
  /** Where the handler's permissions go: its function's role, or the pipeline's role a shared function assumes. */
  public readonly role: iam.IRole;
  /** User parameters the deploy actions add (a shared function's role and settings). */
  public readonly actionParameters: { [name: string]: string };
  private readonly environmentParameters: { [name: string]: string } = {};
  private scalingRoleGranted = false;

  constructor(scope: Construct, id: string, props: DeployHandlerProps) {
    super(scope, id);
    const handler = createHandlerFunction(this, {
      roleDescription: `Deploys releases of ${props.pipelineName}`,
      functionDescription: 'Releases a model to a SageMaker endpoint for a CodePipeline deploy action',
      // One step never waits for SageMaker: it starts or checks a change and returns.
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new DeployFunction(inScope, functionId, options),
      shared: sharedHandlersOf(this)?.deploy,
      pipelineName: props.pipelineName,
    });
    this.function = handler.function;
    this.role = handler.role;
    this.actionParameters = handler.actionParameters;
    handler.setSettings(DEPLOY_SPEC_VARIABLE, Stack.of(this).toJsonString({
      pipelineName: props.pipelineName,
      artifact: { bucket: props.artifactBucket.bucketName, key: props.artifactKey },
      environmentParameters: this.environmentParameters,
    } satisfies DeploySettings));

    // The exact artifact key, any version. Listing, limited to that key, makes a
    // missing artifact a clear 404 instead of an access-denied error.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [props.artifactBucket.arnForObjects(props.artifactKey)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [props.artifactBucket.bucketArn],
      conditions: { StringEquals: { 's3:prefix': props.artifactKey } },
    }));
    props.artifactBucket.encryptionKey?.grantDecrypt(this.role);
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'codepipeline:PutJobSuccessResult/PutJobFailureResult, sagemaker:ListEndpointConfigs/ListModels/ListDataQualityJobDefinitions and Application Auto Scaling (generated target IDs) support no usable resource-level permissions' },
      { finding: /^Resource::arn:.*:cloudwatch:.*:alarm:TargetTracking-endpoint\/[A-Za-z0-9-]+\/\*$/, reason: 'Target tracking names its alarms after the scaled variant with a generated suffix' },
      { finding: /^Resource::arn:<AWS::Partition>:application-autoscaling:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):scalable-target\/\*$/, reason: SCALABLE_TARGETS_REASON },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/releases\/[A-Za-z0-9-]+\/\*$/, reason: 'Each release copies the artifact to its own key under the environment\'s prefix' },
      { finding: /^Resource::arn:.*:sagemaker:.*:(model|endpoint-config|transform-job)\/[a-z0-9-]+-\*$/, reason: 'Each release creates a model and an endpoint config or transform job named <environment prefix>-<release id>; only that prefix is reachable' },
      { finding: /^Resource::arn:.*:sagemaker:.*:(processing-job|data-quality-job-definition|model-quality-job-definition)\/[a-z0-9-]+-\*$/, reason: 'Each release of a monitored environment starts baseline jobs named <environment>-baseline-<release id> (and <environment>-mq-baselining-<release id>) and job definitions named <environment>-dq-b<hash> (and <environment>-mq-b<hash>); only those prefixes are reachable' },
      { finding: /^Action::s3:(GetObject|GetBucket|List)\*$/, reason: 'CDK\'s read grant on a batch environment\'s output prefix, which the output check lists and samples' },
      { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::[^/]+)\/(?!releases\/)[\x21-\x7e]*\*$/, reason: 'The objects under a batch environment\'s output prefix, one per transformed input' },
    ]);
    if (!handler.shared) {
      // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
      // (A shared function reports with its own role.)
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
        resources: ['*'],
      }));
    }
    // List actions cannot be scoped to resources; the handler filters by the environment's prefix.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:ListEndpointConfigs'],
      resources: ['*'],
    }));
  }

  /**
   * Adds an environment to the spec the handler reads and allows the handler to
   * manage exactly that environment's endpoint, its release models and configs,
   * and to pass exactly that environment's SageMaker role.
   */
  public addEnvironment(name: string, spec: EnvironmentDeploySpec, releaseBucket: s3.IBucket, options: DeployEnvironmentOptions = {}): void {
    const { kmsKey, batchOutput } = options;
    const value = Stack.of(this).toJsonString(spec);
    const parameter = new ssm.StringParameter(this, `Spec-${name}`, {
      description: `How ${this.node.path} releases to environment ${name}`,
      stringValue: value,
    });
    parameter.node.addValidation({ validate: () => checkSpecSize(Stack.of(this).resolve(value), name) });
    parameter.grantRead(this.role);
    this.environmentParameters[name] = parameter.parameterName;
    if (spec.access) {
      // SageMaker, scaling and the second copy of the artifact happen in the
      // environment's account, through the role MlopsEnvironmentAccess made there.
      grantAssumeAccessRole(this.role, spec.access);
    } else {
      const serviceLinkedRole = spec.autoScaling !== undefined && !this.scalingRoleGranted;
      this.scalingRoleGranted ||= serviceLinkedRole;
      for (const statement of releasePermissions(this, spec, { serviceLinkedRole })) {
        this.role.addToPrincipalPolicy(statement);
      }
      // SageMaker encrypts the volumes through a grant that the caller of CreateEndpointConfig
      // (or CreateTransformJob, CreateProcessingJob) creates.
      kmsKey?.grant(this.role, 'kms:CreateGrant', 'kms:DescribeKey');
    }
    if (spec.monitoring) {
      for (const statement of monitoringPermissions(this, spec.monitoring)) {
        this.role.addToPrincipalPolicy(statement);
      }
    }
    if (batchOutput) {
      // The batch output check lists the environment's output prefix and samples objects there.
      batchOutput.bucket.grantRead(this.role, `${batchOutput.prefix ?? ''}*`);
    }
    // Every release is first copied to the pipeline's own bucket, under the environment's prefix.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [releaseBucket.arnForObjects(`${spec.releaseKeyPrefix}*`)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [releaseBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${spec.releaseKeyPrefix}*` } },
    }));
    // Copying into an SSE-KMS bucket needs both: a data key to write, decrypt to read back.
    releaseBucket.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');
  }
}

/** SSM's limit on a standard-tier parameter's value. */
const PARAMETER_VALUE_LIMIT = 4096;
/** What a deploy-time value (a bucket name, a role ARN) adds at most, for the estimate. */
const TOKEN_ALLOWANCE = 120;

/** Fail at synth, naming the environment, rather than at deploy time inside SSM. */
function checkSpecSize(resolved: unknown, environment: string): string[] {
  const parts: unknown[] = typeof resolved === 'string' ? [resolved] : (resolved as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const estimate = parts.reduce<number>((sum, part) => sum + (typeof part === 'string' ? part.length : TOKEN_ALLOWANCE), 0);
  if (estimate <= PARAMETER_VALUE_LIMIT) {
    return [];
  }
  return [`The deploy settings of environment "${environment}" take about ${estimate} characters, more than the ${PARAMETER_VALUE_LIMIT} an SSM parameter holds: use fewer or shorter tags`];
}
