import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { isVersioned } from './bucket-versioning';
import { createLoggedBucket } from './logged-bucket';
import { ApiGatewayLoggingRole } from '../apigateway/api-gateway-logging-role';
import { MlopsValidationError } from '../errors/validation-error';
import { ProblemCollector } from '../common/problem-collector';
import { ReleaseCleanup } from './cleanup/release-cleanup';
import { DeployHandler } from './deploy/deploy-handler';
import { DeployStep } from '../contract/deploy-settings';
import { EnvironmentProps } from './environment/environment-props';
import { PipelinePlacement, validateEnvironment } from './environment/environment-validation';
import { PipelineEnvironment } from './environment/pipeline-environment';
import { ModelImage } from './image/model-image';
import { ModelArtifact } from './model-artifact';
import { DriftAlarms } from './monitoring/drift-alarms';
import { MonitoringProps } from './monitoring/monitoring-props';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';
import { modelQualityScheduleName } from '../contract/monitoring-naming';
import { NotificationProps } from './notifications/notification-props';
import { validateNotifications } from './notifications/notification-validation';
import { PipelineNotifications } from './notifications/pipeline-notifications';
import { IntegrationTestHandler } from './integration-tests/test-handler';
import { IntegrationTests } from './integration-tests/integration-tests';
import { acknowledgeBucketNotificationsHandler, justifyWildcards } from '../nag/acknowledgements';
import { INFERENCE_API_STAGE, inferenceApiName } from './share/inference-api-naming';
import { ShareHandler } from './share/share-handler';
import { startOnNewVersion } from './source/new-version-trigger';
import { deployVariables } from './integration-tests/test-binding';
import { pipelineName as modelNameField } from '../config/name-fields';
import { keepReleases } from '../config/pipeline-schema';
import { quote } from '../config/problems';
import { artifactKey } from '../config/s3-key-fields';
import { repeats } from '../config/schema-parts';
import { checkProp } from '../common/schema-props';
import { removeRedundantDependsOn } from '../common/redundant-dependencies';

/** Props of a {@link ByomPipeline}. */
export interface ByomPipelineProps {
  /**
   * The model's name: it prefixes the pipeline's, the endpoints' and every
   * release's name (and the bucket names derived from them), so it may hold
   * lower-case letters, digits and single hyphens only (at most 40), the
   * rule of a provisioning request's `name`.
   */
  readonly modelName: string;

  /** The trained model artifact; a new version of it starts a release. */
  readonly artifact: ModelArtifact;

  /** The inference image the model runs in. */
  readonly image: ModelImage;

  /**
   * The environments to release to, in order. More can be added with `addEnvironment()`.
   * @default - none here; at least one must be added before synthesis
   */
  readonly environments?: EnvironmentProps[];

  /**
   * The CodePipeline's name.
   * @default `${modelName}-mlops`
   */
  readonly pipelineName?: string;

  /**
   * Releases kept per environment besides the serving one, so a rollback has
   * somewhere to go; older models and endpoint configs are deleted.
   * @default 2
   */
  readonly keepReleases?: number;

  /**
   * Who hears about releases: emails on a new KMS-encrypted, TLS-only topic, or an existing topic.
   * @default - a new topic with no subscriptions (subscribe to `topic` yourself)
   */
  readonly notifications?: NotificationProps;

  /**
   * How long the pipeline's Lambda logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the pipeline's artifact and access-log buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly bucketRemovalPolicy?: RemovalPolicy;

  /**
   * Create API Gateway's account-level CloudWatch Logs role in this stack's
   * account and region: a role API Gateway assumes, with AWS's managed policy
   * AmazonAPIGatewayPushToCloudWatchLogs, set on the account
   * (AWS::ApiGateway::Account). The environments' inference APIs write
   * access and error logs, which API Gateway cannot set up in an account and
   * region that has never had that role: there the first deploy fails. The setting is one per account
   * and region, so set this on one construct in one stack. If two stacks
   * create it, each deploy points the account at that stack's role and the
   * one deployed last wins; the role and the setting are kept
   * (RemovalPolicy.RETAIN) when a stack is deleted, so the other stacks' APIs
   * keep logging.
   * @default false - the account's existing role is used, and synthesis warns
   * (`cdk-mlops-framework:apiGatewayLoggingRole`) when a stack with an API
   * has no AWS::ApiGateway::Account
   */
  readonly apiGatewayLoggingRole?: boolean;
}

const PIPELINE_NAME_PATTERN = /^[A-Za-z0-9.@_-]{1,100}$/;

/**
 * Takes a trained model to a SageMaker endpoint in each environment, in order.
 *
 * A new version of the model artifact starts the CodePipeline (V2): Source
 * (the artifact in S3, started through EventBridge, no polling), then for each
 * environment a Deploy action whose Lambda creates the release's model and
 * endpoint config and creates or updates the endpoint, checking back through
 * CodePipeline continuations instead of waiting.
 */
export class ByomPipeline extends Construct {
  /** The CodePipeline that releases the model. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The pipeline's artifact bucket; it also holds each release's copy of the model artifact. */
  public readonly artifactBucket: s3.Bucket;
  /** The Lambda function that deploys to every environment. */
  public readonly deployFunction: lambda.IFunction;
  /** The topic that hears of releases that succeed, fail or are superseded, failed actions and approvals waiting. */
  public readonly topic: sns.ITopic;
  /** The model's name. */
  public readonly modelName: string;
  /** The CodePipeline's name. */
  public readonly pipelineName: string;

  private readonly deployHandler: DeployHandler;
  private readonly cleanup: ReleaseCleanup;
  private readonly shareHandler: ShareHandler;
  private readonly sourceStage: codepipeline.IStage;
  private readonly artifactKey: kms.IKey;
  private testHandler?: IntegrationTestHandler;
  private driftAlarms?: DriftAlarms;
  private readonly logRetention: logs.RetentionDays;
  private readonly image: ModelImage;
  private readonly environmentList: PipelineEnvironment[] = [];
  private readonly keepReleases: number;
  private readonly sourceVersion: string;
  private readonly imageUriVariable?: string;

  constructor(scope: Construct, id: string, props: ByomPipelineProps) {
    super(scope, id);
    const problems = new ProblemCollector('ByomPipeline');
    // The fields a provisioning request shares are checked by its schema: the construct accepts the same values.
    if (Token.isUnresolved(props.modelName)) {
      problems.add('modelName', 'must be a literal string: it names the endpoints at synth time');
    } else {
      checkProp(modelNameField, props.modelName, 'modelName', problems);
    }
    problems.matches(props.pipelineName, PIPELINE_NAME_PATTERN, 'pipelineName', 'must be 1-100 characters of letters, digits, ".", "@", "_" and "-"');
    checkProp(keepReleases, props.keepReleases, 'keepReleases', problems);
    checkProp(artifactKey, props.artifact.key, 'artifact', problems);
    problems.check(isVersioned(props.artifact.bucket), 'artifact', 'bucket must have versioning enabled (CodePipeline\'s S3 source needs object versions)');
    (props.environments ?? []).forEach((env, i) => validateEnvironment(env, `environments[${i}]`, problems, pipelinePlacement(this, props.image)));
    checkUniqueNames(props.environments ?? [], problems);
    validateNotifications(props.notifications ?? {}, 'notifications', problems);
    problems.throwIfAny(this);

    this.modelName = props.modelName;
    this.image = props.image;
    this.keepReleases = props.keepReleases ?? 2;
    const pipelineName = props.pipelineName ?? `${props.modelName}-mlops`;
    // The literal name, not the pipeline's Ref: the deploy function's settings hold
    // it, and the pipeline already refers to the function.
    this.pipelineName = pipelineName;
    const removalPolicy = props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN;

    const artifacts = createLoggedBucket(this, {
      bucketId: 'Artifacts',
      keyId: 'ArtifactKey',
      keyDescription: `Encrypts the ${pipelineName} pipeline's artifacts and model releases`,
      versioned: true,
      logPrefix: 'artifacts/',
      removalPolicy,
    });
    const key = artifacts.key;
    this.artifactKey = key;
    this.artifactBucket = artifacts.bucket;

    // Each resource below keeps only the DependsOn entries its references do not already imply (cfn-lint W3005).
    removeRedundantDependsOn(this);
    if (props.apiGatewayLoggingRole) {
      new ApiGatewayLoggingRole(this, 'ApiGatewayLoggingRole');
    }

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.deployHandler = new DeployHandler(this, 'Deploy', {
      pipelineName,
      artifactBucket: props.artifact.bucket,
      artifactKey: props.artifact.key,
      releaseBucket: this.artifactBucket,
      logRetention,
    });
    this.deployFunction = this.deployHandler.function;
    this.logRetention = logRetention;
    this.shareHandler = new ShareHandler(this, 'Share', { pipelineName, logRetention });

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      restartExecutionOnUpdate: false,
      // Every action runs as the pipeline's role instead of a role of its own
      // (the CDK's default: a role and a policy per action, five per environment,
      // about a quarter of a three-environment stack's resources). The pipeline's
      // role could assume each of those roles, so this grants it nothing it could
      // not already do.
      usePipelineRoleForActions: true,
    });
    const sourceOutput = new codepipeline.Artifact('Model');
    const source = new actions.S3SourceAction({
      actionName: 'ModelArtifact',
      bucket: props.artifact.bucket,
      bucketKey: props.artifact.key,
      output: sourceOutput,
      // Started by the EventBridge rule below on each new object version: no polling.
      trigger: actions.S3Trigger.NONE,
      variablesNamespace: 'Source',
    });
    this.sourceVersion = source.variables.versionId;
    const build = props.image._build(this, { encryptionKey: key, logRetention });
    this.sourceStage = this.pipeline.addStage({ stageName: 'Source', actions: build ? [source, build.sourceAction] : [source] });
    if (build) {
      acknowledgeNotificationsHandler(build.source);
      this.pipeline.addStage({ stageName: 'Build', actions: [build.buildAction] });
      this.imageUriVariable = build.imageUriVariable;
      startOnNewVersion(this, 'NewContainerVersion', {
        pipeline: this.pipeline,
        source: build.sourceAction,
        bucket: build.source,
        key: build.sourceKey,
        description: `Starts ${pipelineName} when a new version of the container source is uploaded`,
      });
    }

    startOnNewVersion(this, 'NewArtifactVersion', {
      pipeline: this.pipeline,
      source,
      bucket: props.artifact.bucket,
      key: props.artifact.key,
      description: `Starts ${pipelineName} when a new version of the model artifact is uploaded`,
    });

    // Deleting the stack deletes every endpoint, config, model and scaling
    // registration the deploy handler created. The pipeline and the deploy
    // function depend on the clean-up, so CloudFormation removes them first and
    // no release can start while it runs.
    this.cleanup = new ReleaseCleanup(this, 'Cleanup', { logRetention });
    this.pipeline.node.addDependency(this.cleanup.resource);
    this.deployHandler.function.node.addDependency(this.cleanup.resource);

    this.topic = new PipelineNotifications(this, 'Notifications', {
      ...props.notifications,
      pipeline: this.pipeline,
      pipelineName,
    }).topic;

    for (const env of props.environments ?? []) {
      this.addEnvironment(env);
    }
    justifyWildcards(this.pipeline, [
      { finding: /^Action::(s3:(GetObject|GetBucket|List|DeleteObject|Abort)|kms:(GenerateDataKey|ReEncrypt))\*$/, reason: 'CodePipeline\'s standard read/write grant on its own artifact bucket and key' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/, reason: 'CodePipeline stores artifacts under keys it generates in its own artifact bucket' },
      { finding: /^Resource::<[A-Za-z0-9]+(\.Arn)?>:\*$/, reason: 'Each Lambda invoke action may invoke any version or alias of one of the pipeline\'s handler functions (deploy, test, share: its own, or an MlopsFramework\'s shared ones)' },
      { finding: /^Resource::\*$/, reason: 'lambda:ListFunctions, which the Lambda invoke action needs, supports no resource-level permissions' },
    ]);
    acknowledgeNotificationsHandler(props.artifact.bucket);
    this.node.addValidation({
      validate: () => (this.environmentList.length === 0 ? ['ByomPipeline needs at least one environment: pass environments or call addEnvironment()'] : []),
    });
  }

  /** The environments, in release order. */
  public get environments(): PipelineEnvironment[] {
    return [...this.environmentList];
  }

  /**
   * Adds an environment after the existing ones: its Deploy stage runs after theirs.
   * @returns the environment, with its endpoint name and SageMaker role
   */
  public addEnvironment(props: EnvironmentProps): PipelineEnvironment {
    const path = `environments[${this.environmentList.length}]`;
    const problems = new ProblemCollector('ByomPipeline');
    validateEnvironment(props, path, problems, pipelinePlacement(this, this.image));
    if (this.environmentList.some((e) => e.name === props.name)) {
      problems.add(`${path}.name`, `"${props.name}" is already an environment of this pipeline`);
    }
    problems.throwIfAny();

    const env = new PipelineEnvironment(this, `Env-${props.name}`, {
      ...props,
      modelName: this.modelName,
      image: this.image,
      releaseBucket: this.artifactBucket,
      keepReleases: this.keepReleases,
      pipelineName: this.pipelineName,
      logRetention: this.logRetention,
    });
    this.registerWithHandlers(env, props);
    if (props.approval) {
      this.addApprovalStage(env);
    }
    this.addDeployStage(env);
    if (env.isBatch) {
      this.addOutputCheckStage(env);
    } else {
      if (props.tests) {
        this.addTestStage(env, props.tests);
      }
      this.addShareStage(env);
      if (env._deploySpec.monitoring && props.monitoring) {
        this.addMonitorStage(env, props.monitoring);
      }
    }
    this.environmentList.push(env);
    return env;
  }

  /** Tells the share, deploy and clean-up handlers about a new environment (a batch environment shares nothing). */
  private registerWithHandlers(env: PipelineEnvironment, props: EnvironmentProps): void {
    const remote = env._deploySpec.access;
    const access = remote && { roleArn: remote.roleArn, region: remote.region };
    const api = {
      // An API in another account is found by its derived name.
      restApiId: env.api?.restApi.restApiId,
      restApiName: inferenceApiName(env.endpointName),
      stageName: INFERENCE_API_STAGE,
    };
    if (!env.isBatch) {
      this.shareHandler.addEnvironment(env.name, { endpointName: env.endpointName, releaseParameter: env.releaseParameter!, access, api });
    }
    this.deployHandler.addEnvironment(env.name, env._deploySpec, this.artifactBucket, { kmsKey: env.kmsKey, batchOutput: props.batch?.output });
    this.cleanup.addEnvironment({
      endpointName: env.endpointName,
      releasePrefix: env._deploySpec.releasePrefix,
      variantName: env.variantName,
      monitoringPrefix: env._deploySpec.monitoring?.namePrefix,
      access,
    });
  }

  /** A manual approval before the environment's Deploy stage. */
  private addApprovalStage(env: PipelineEnvironment): void {
    // The topic hears of the waiting approval through its EventBridge rule, so the
    // action itself does not notify (approvers would get every message twice).
    const question = env.isBatch
      ? `Release ${this.modelName} to batch environment ${env.name} (a transform of its input)?`
      : `Release ${this.modelName} to ${env.name} (endpoint ${env.endpointName})?`;
    this.pipeline.addStage({
      stageName: `Approve-${env.name}`,
      actions: [new actions.ManualApprovalAction({
        actionName: 'Approve',
        additionalInformation: question,
      })],
    });
  }

  /** The Deploy stage: the deploy function releases the model to the environment. */
  private addDeployStage(env: PipelineEnvironment): void {
    this.pipeline.addStage({
      stageName: `Deploy-${env.name}`,
      actions: [new actions.LambdaInvokeAction({
        actionName: 'Deploy',
        // Later stages read EndpointName, EndpointConfigName and PreviousEndpointConfigName
        // (a batch environment: ModelName, TransformJobName, OutputUri) from here.
        variablesNamespace: `Deploy-${env.name}`,
        lambda: this.deployHandler.function,
        userParameters: {
          ...this.releaseParameters(env),
          // A built container is deployed by digest, known only once the Build stage ran.
          ...(this.imageUriVariable ? { imageUri: this.imageUriVariable } : {}),
          ...this.deployHandler.actionParameters,
        },
      })],
    });
  }

  /** A batch environment's Test stage: the deploy function checks the transform's output. */
  private addOutputCheckStage(env: PipelineEnvironment): void {
    // The output check runs in the deploy function, which already reads the environment's spec.
    this.pipeline.addStage({
      stageName: `Test-${env.name}`,
      actions: [new actions.LambdaInvokeAction({
        actionName: 'CheckOutput',
        lambda: this.deployHandler.function,
        userParameters: this.stepParameters(env, 'check-output', { outputUri: `#{Deploy-${env.name}.OutputUri}` }),
      })],
    });
  }

  /** The Test stage: the environment's integration tests against its endpoint. */
  private addTestStage(env: PipelineEnvironment, tests: IntegrationTests): void {
    this.pipeline.addStage({
      stageName: `Test-${env.name}`,
      actions: [tests._bind(this, {
        environmentName: env.name,
        endpointName: env.endpointName,
        releasePrefix: env._deploySpec.releasePrefix,
        variant: env._deploySpec,
        variables: deployVariables(env.name),
        testHandler: () => (this.testHandler ??= new IntegrationTestHandler(this, 'Tests', { pipelineName: this.pipelineName, logRetention: this.logRetention })),
        sourceStage: this.sourceStage,
        logRetention: this.logRetention,
        encryptionKey: this.artifactKey,
      })],
    });
  }

  /** The Share stage: the release goes live on the environment's inference API. */
  private addShareStage(env: PipelineEnvironment): void {
    this.pipeline.addStage({
      stageName: `Share-${env.name}`,
      actions: [this.shareHandler.shareAction(env.name, { imageUri: this.imageUriVariable ?? env._deploySpec.imageUri })],
    });
  }

  /**
   * The environment's drift alarms, and its Monitor stage after Share: the
   * deploy function keeps the monitoring schedules on the release that serves.
   */
  private addMonitorStage(env: PipelineEnvironment, props: MonitoringProps): void {
    this.driftAlarms ??= new DriftAlarms(this, 'DriftAlarms', { pipelineName: this.pipelineName, logRetention: this.logRetention });
    const monitoring = env._deploySpec.monitoring!;
    const watch = {
      endpointName: env.endpointName,
      frequency: monitoring.schedule,
      violationsThreshold: props.violationsThreshold ?? MONITORING_DEFAULTS.violationsThreshold,
      topic: this.topic,
    };
    const dataQuality = this.driftAlarms.addEnvironment({
      ...watch,
      environmentName: env.name,
      scheduleName: env.monitoringScheduleName!,
      reportsUri: `${monitoring.outputPrefix}reports`,
    });
    const modelQuality = monitoring.modelQuality && this.driftAlarms.addEnvironment({
      ...watch,
      environmentName: `${env.name}-model-quality`,
      scheduleName: modelQualityScheduleName(monitoring.namePrefix),
      reportsUri: `${monitoring.outputPrefix}model-quality-reports`,
      kind: 'model-quality',
    });
    env._bindDriftAlarms(dataQuality, modelQuality);
    this.pipeline.addStage({
      stageName: `Monitor-${env.name}`,
      actions: [new actions.LambdaInvokeAction({
        actionName: 'Monitor',
        variablesNamespace: `Monitor-${env.name}`,
        lambda: this.deployHandler.function,
        userParameters: this.stepParameters(env, 'monitor'),
      })],
    });
  }

  /** What every deploy-function action of an environment's release tells it. */
  private releaseParameters(env: PipelineEnvironment): { [name: string]: string } {
    return {
      environment: env.name,
      executionId: '#{codepipeline.PipelineExecutionId}',
      artifactVersion: this.sourceVersion,
    };
  }

  /** The user parameters of a deploy-function action that runs one step after the Deploy stage. */
  private stepParameters(env: PipelineEnvironment, step: DeployStep, extra: { [name: string]: string } = {}): { [name: string]: string } {
    return { ...this.releaseParameters(env), step, ...extra, ...this.deployHandler.actionParameters };
  }

  /**
   * The endpoint name of an environment.
   * @param environmentName the environment's `name`
   */
  public endpointName(environmentName: string): string {
    const env = this.environmentList.find((e) => e.name === environmentName);
    if (!env) {
      throw new MlopsValidationError(`ByomPipeline ${this.node.path} has no environment "${environmentName}"`);
    }
    return env.endpointName;
  }
}

/**
 * Turning on EventBridge notifications for the model bucket adds CDK's
 * notifications custom resource to the bucket's stack; its findings are CDK's design.
 */
function acknowledgeNotificationsHandler(bucket: s3.IBucket): void {
  const handler = acknowledgeBucketNotificationsHandler(Stack.of(bucket),
    'CDK\'s bucket-notifications handler, which turns on EventBridge notifications for the model bucket, uses the basic execution policy');
  if (!handler) {
    return;
  }
  justifyWildcards(handler, [
    { finding: /^Resource::\*$/, reason: 'CDK\'s bucket-notifications handler calls s3:PutBucketNotification, which it scopes to any bucket in the stack' },
  ]);
}

/** Where the pipeline runs, to tell environments elsewhere apart. */
function pipelinePlacement(scope: Construct, image: ModelImage): PipelinePlacement {
  const stack = Stack.of(scope);
  return { account: stack.account, region: stack.region, buildsImage: image._builtByPipeline };
}

/** Environment names differ, as in a request. */
function checkUniqueNames(environments: EnvironmentProps[], problems: ProblemCollector): void {
  for (const { index, first } of repeats(environments.map((env) => (Token.isUnresolved(env.name) ? undefined : env.name)))) {
    problems.add(`environments[${index}].name`, `${quote(environments[index].name)} is already the name of environments[${first}]`);
  }
}
