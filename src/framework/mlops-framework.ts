import { existsSync } from 'fs';
import * as path from 'path';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from './blueprint/blueprint-files';
import { ConfigTrigger } from './config-trigger';
import { MlopsFrameworkProps } from './mlops-framework-props';
import { validateFrameworkProps } from './mlops-framework-validation';
import { blueprintShapes } from '../blueprint/blueprint-parameters';
import { ProvisionFunction } from './provision/provision-function';
import { ProvisioningApi } from './provisioning-api';
import { grantProvisioning } from './provisioning-permissions';
import { SharedPipelineHandlers } from './shared-handlers';
import { PipelineStackRole } from './stack-role';
import { ApiGatewayLoggingRole } from '../apigateway/api-gateway-logging-role';
import { MlopsValidationError } from '../errors/validation-error';
import { removeRedundantDependsOn } from '../common/redundant-dependencies';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../contract/provision-settings';
import { acknowledgeBucketNotificationsHandler, justifyWildcards } from '../nag/acknowledgements';
import { createLoggedBucket } from '../pipeline/logged-bucket';
import { createEncryptedTopic, subscribeEmails } from '../pipeline/notifications/encrypted-topic';
import { createHandlerFunction } from '../pipeline/shared/handler-function';

/** The prefix of the framework's pipeline stacks when none is given. */
const DEFAULT_STACK_PREFIX = 'mlops-';

/**
 * The MLOps orchestrator a platform team runs: teams provision, update,
 * describe and delete `ByomPipeline` stacks from a JSON request, through an
 * IAM-authorized REST API, a `config/` file in the assets bucket, or an
 * `mlops-config.json` in a Git repository.
 *
 * Every request is validated in full before anything is created (the schema
 * of `mlops-config.schema.json`), the objects it names must exist in the
 * assets bucket, and its stack is made from a blueprint template synthesized
 * from the ByomPipeline construct when this package was built. The pipelines
 * share one set of handler functions, each acting through its pipeline's own
 * role, and CloudFormation creates their stacks through a role that may touch
 * only stacks named `<stackPrefix><name>`.
 */
export class MlopsFramework extends Construct {
  /** The bucket model artifacts, container sources and `config/` files are uploaded to. */
  public readonly assetsBucket: s3.IBucket;
  /** The topic that hears of rejected config files and failed provisioning. */
  public readonly topic: sns.ITopic;
  /** The provisioning REST API. */
  public readonly api: apigateway.RestApi;
  /** The API's URL (its stage's root, ending in `/`). */
  public readonly apiUrl: string;
  /** The function behind every route of the API. */
  public readonly provisionFunction: lambda.IFunction;
  /** The function that provisions from config files and Git pushes. */
  public readonly configTriggerFunction: lambda.IFunction;
  /** The role CloudFormation assumes for the pipeline stacks. */
  public readonly cloudFormationRole: iam.IRole;
  /** Every pipeline stack is named `<stackPrefix><name>`. */
  public readonly stackPrefix: string;

  private readonly provisioningApi: ProvisioningApi;

  constructor(scope: Construct, id: string, props: MlopsFrameworkProps = {}) {
    super(scope, id);
    validateFrameworkProps(props, this);
    this.stackPrefix = props.stackPrefix ?? DEFAULT_STACK_PREFIX;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    // Each resource below keeps only the DependsOn entries its references do not already imply (cfn-lint W3005).
    removeRedundantDependsOn(this);
    if (props.apiGatewayLoggingRole) {
      new ApiGatewayLoggingRole(this, 'ApiGatewayLoggingRole');
    }

    // Pipelines start on new object versions through EventBridge, and config/ uploads trigger provisioning.
    if (props.assetsBucket) {
      this.assetsBucket = props.assetsBucket;
      this.assetsBucket.enableEventBridgeNotification();
      // A bucket passed in cannot take the EventBridge property directly: CDK's custom resource turns it on.
      acknowledgeBucketNotificationsHandler(Stack.of(this.assetsBucket),
        'CDK\'s bucket-notifications handler, which turns on EventBridge notifications for the assets bucket passed in; the managed policy lets it write only its own logs');
    } else {
      this.assetsBucket = this.createAssetsBucket(props);
    }
    if (props.topic) {
      this.topic = props.topic;
    } else {
      this.topic = createEncryptedTopic(this, {
        topicId: 'Topic',
        keyId: 'TopicKey',
        displayName: 'MLOps framework',
        keyDescription: 'Encrypts the MLOps framework\'s notification topic',
      }).topic;
      subscribeEmails(this, this.topic, props.notificationEmails ?? []);
    }

    const handlers = new SharedPipelineHandlers(this, 'Handlers', { stackPrefix: this.stackPrefix, logRetention });
    // CloudFormation invokes the clean-up's provider with the stack role when a pipeline stack changes.
    const stackRole = new PipelineStackRole(this, 'StackRole', { stackPrefix: this.stackPrefix, cleanupServiceToken: handlers.cleanupServiceToken }).role;
    this.cloudFormationRole = stackRole;

    const blueprints = blueprintShapes().map((shape) => ({ shape, asset: blueprintAsset(this, shape) }));
    const settings: ProvisionSettings = {
      stackPrefix: this.stackPrefix,
      assetsBucket: this.assetsBucket.bucketName,
      // The pipelines' source actions, deploy handlers and SageMaker jobs read (and batch transforms write) the bucket through this key.
      ...(this.assetsBucket.encryptionKey ? { assetsKeyArn: this.assetsBucket.encryptionKey.keyArn } : {}),
      cloudFormationRoleArn: stackRole.roleArn,
      blueprintUrls: Object.fromEntries(blueprints.map(({ shape, asset }) => [shape, asset.httpUrl])),
      sharedHandlers: handlers.settings,
      topicArn: this.topic.topicArn,
    };
    const grant = {
      stackPrefix: this.stackPrefix,
      cloudFormationRole: stackRole,
      blueprints: blueprints.map((b) => b.asset),
      assetsBucket: this.assetsBucket,
    };

    const provisionFunction = createHandlerFunction(new Construct(this, 'Provision'), {
      roleDescription: `Provisions, describes and deletes the MLOps pipeline stacks named ${this.stackPrefix}*`,
      functionDescription: 'Provisions, describes and deletes MLOps pipeline stacks for the provisioning API',
      // Within API Gateway's 29 seconds.
      timeout: Duration.seconds(29),
      logRetention,
      createFunction: (inScope, functionId, options) => new ProvisionFunction(inScope, functionId, {
        ...options,
        environment: { [PROVISION_SETTINGS_VARIABLE]: Stack.of(this).toJsonString(settings) },
      }),
    }).function;
    grantProvisioning(provisionFunction, grant);
    this.provisionFunction = provisionFunction;

    this.provisioningApi = new ProvisioningApi(this, 'Api', {
      handler: provisionFunction,
      throttlingRateLimit: props.throttlingRateLimit ?? 10,
      throttlingBurstLimit: props.throttlingBurstLimit ?? 20,
      logRetention,
      webAclArn: props.webAclArn,
    });
    this.api = this.provisioningApi.restApi;
    this.apiUrl = this.provisioningApi.url;

    const trigger = new ConfigTrigger(this, 'ConfigTrigger', {
      settings,
      assetsBucket: this.assetsBucket,
      topic: this.topic,
      gitSource: props.gitSource,
      logRetention,
      removalPolicy: props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    grantProvisioning(trigger.function, grant);
    this.configTriggerFunction = trigger.function;

    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'cloudformation:ListStacks supports no resource-level permissions; the handlers keep only stacks with the framework\'s prefix' },
      { finding: /^Action::s3:(GetObject|GetBucket|List)\*$/, reason: 'Read access to the assets bucket and the blueprint assets, as CDK\'s grantRead writes it' },
      { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+)\/\*$/, reason: 'The objects of the assets bucket (artifacts and container sources are checked before a stack is made) and the blueprint templates' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/config\/\*$/, reason: 'The config files uploaded under config/ in the assets bucket, which the trigger reads' },
      { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'Publishing to the KMS-encrypted topic, and CodePipeline\'s standard grant on its artifact key, as CDK writes them' },
      { finding: /^Action::s3:(Abort|DeleteObject)\*$/, reason: 'CodePipeline\'s standard read/write grant on the Git trigger\'s own artifact bucket' },
      { finding: /^Resource::arn:<AWS::Partition>:(cloudformation|codepipeline|sagemaker):([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):(stack\/[A-Za-z0-9-]+\*\/\*|[A-Za-z0-9-]+\*|endpoint\/\*)$/, reason: 'The framework\'s pipeline stacks and pipelines (named <prefix><name>), and reading any endpoint\'s status (endpoints are named after requests, with no common prefix)' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
    ]);
    new CfnOutput(this, 'ApiUrl', { value: this.apiUrl, description: 'The MLOps provisioning API (IAM auth): POST pipelines, GET pipelines/{name}' });
    new CfnOutput(this, 'AssetsBucketName', { value: this.assetsBucket.bucketName, description: 'Upload model artifacts, container sources and config/ files here' });
  }

  /** Lets `grantee` call every route of the provisioning API. */
  public grantProvision(grantee: iam.IGrantable): iam.Grant {
    return this.provisioningApi.grantInvoke(grantee);
  }

  /** Lets `grantee` list and describe pipelines only. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.provisioningApi.grantRead(grantee);
  }

  private createAssetsBucket(props: MlopsFrameworkProps): s3.Bucket {
    const bucket = createLoggedBucket(this, {
      bucketId: 'Assets',
      keyId: 'AssetsKey',
      keyDescription: 'Encrypts the MLOps framework\'s assets bucket: model artifacts, container sources and config files',
      versioned: true,
      logPrefix: 'assets/',
      removalPolicy: props.bucketRemovalPolicy ?? RemovalPolicy.RETAIN,
    }).bucket;
    // Straight on the bucket: CDK's eventBridgeEnabled would add its notifications
    // custom resource (a Lambda function) for what one property does.
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
    bucket.addLifecycleRule({
      id: 'ExpireOldVersions',
      noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays ?? 90),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    });
    return bucket;
  }
}

/** One blueprint template, from the package's assets (built by `npx projen blueprints`). */
function blueprintAsset(scope: Construct, shape: string): s3assets.Asset {
  const file = path.join(__dirname, '..', '..', BLUEPRINT_DIRECTORY, blueprintFileName(shape));
  if (!existsSync(file)) {
    throw new MlopsValidationError(`MlopsFramework: the blueprint template ${file} is missing; build it with \`npx projen blueprints\``);
  }
  return new s3assets.Asset(scope, `Blueprint-${shape}`, { path: file });
}
