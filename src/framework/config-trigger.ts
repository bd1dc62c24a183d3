import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GitSourceProps } from './git-source';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../contract/provision-settings';
import { ConfigTriggerFunction } from './trigger/config-trigger-function';
import { CONFIG_PREFIX } from '../config/limits';
import { acknowledgeRule } from '../nag/acknowledgements';
import { createLoggedBucket } from '../pipeline/logged-bucket';
import { createHandlerFunction } from '../pipeline/shared/handler-function';
import { removeRedundantDependsOn } from '../common/redundant-dependencies';

/** The prefix of config files in the assets bucket. */
export { CONFIG_PREFIX };

/** Props of a {@link ConfigTrigger}. */
export interface ConfigTriggerProps {
  readonly settings: ProvisionSettings;
  readonly assetsBucket: s3.IBucket;
  readonly topic: sns.ITopic;
  readonly gitSource?: GitSourceProps;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Provisions the pipelines of an `mlops-config.json` uploaded under
 * `config/` in the assets bucket or pushed to a Git repository, with the
 * provisioning API's validation; a rejected file is reported on the topic.
 */
export class ConfigTrigger extends Construct {
  public readonly function: lambda.IFunction;
  /** The pipeline that runs the trigger on each push, when a Git source is given. */
  public readonly gitPipeline?: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: ConfigTriggerProps) {
    super(scope, id);
    const handler = createHandlerFunction(this, {
      roleDescription: 'Provisions the MLOps pipelines of config files and Git pushes',
      functionDescription: 'Validates mlops-config.json files and provisions their pipelines, reporting rejected files on the topic',
      // A config file may list many pipelines, each checked and created in turn.
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new ConfigTriggerFunction(inScope, functionId, {
        ...options,
        environment: { [PROVISION_SETTINGS_VARIABLE]: Stack.of(this).toJsonString(props.settings) },
      }),
    });
    this.function = handler.function;
    props.assetsBucket.grantRead(this.function, `${CONFIG_PREFIX}*`);
    props.topic.grantPublish(this.function);

    // Events that still fail after the retries are kept, never dropped: those
    // EventBridge could not deliver, and those the function failed on after
    // Lambda's own retries (throttled AWS calls, a report it could not publish).
    const failed = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeRule(failed, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the config trigger\'s events');
    this.function.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1), onFailure: new destinations.SqsDestination(failed) });
    new events.Rule(this, 'ConfigUploaded', {
      description: `Provisions the pipelines of config files uploaded under ${CONFIG_PREFIX} in the MLOps assets bucket`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.assetsBucket.bucketName] }, object: { key: [{ prefix: CONFIG_PREFIX }] } },
      },
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1), deadLetterQueue: failed })],
    });

    if (props.gitSource) {
      this.gitPipeline = this.gitPipelineFor(props.gitSource, props.removalPolicy);
    }
  }

  private gitPipelineFor(git: GitSourceProps, removalPolicy: RemovalPolicy): codepipeline.Pipeline {
    const artifacts = createLoggedBucket(this, {
      bucketId: 'GitArtifacts',
      keyId: 'GitArtifactsKey',
      keyDescription: 'Encrypts the repository snapshots the MLOps config trigger reads',
      versioned: false,
      logPrefix: 'git-artifacts/',
      removalPolicy,
    });
    // The pipeline's role and its policy: CDK makes the pipeline depend on both.
    removeRedundantDependsOn(this);
    const pipeline = new codepipeline.Pipeline(this, 'GitPipeline', {
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: artifacts.bucket,
      restartExecutionOnUpdate: false,
    });
    const source = new codepipeline.Artifact('Repository');
    pipeline.addStage({
      stageName: 'Source',
      actions: [new actions.CodeStarConnectionsSourceAction({
        actionName: 'Repository',
        connectionArn: git.connectionArn,
        owner: git.owner,
        repo: git.repository,
        branch: git.branch ?? 'main',
        output: source,
        triggerOnPush: true,
      })],
    });
    pipeline.addStage({
      stageName: 'Provision',
      actions: [new actions.LambdaInvokeAction({
        actionName: 'Provision',
        lambda: this.function,
        inputs: [source],
        // The repository and branch name the file in the report of a rejected config.
        userParameters: { configPath: git.configPath ?? 'mlops-config.json', repository: `${git.owner}/${git.repository}`, branch: git.branch ?? 'main' },
      })],
    });
    // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
      resources: ['*'],
    }));
    return pipeline;
  }
}
