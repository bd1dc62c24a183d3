import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { TrainHandler } from './train-handler';
import { DEFAULT_MAX_RUNTIME_SECONDS, DEFAULT_TRAINING_INSTANCE_TYPE, DEFAULT_TRAINING_VOLUME_GB, MAX_TRAINING_SECONDS } from './training-limits';
import { TrainingNotifications } from './training-notifications';
import { TrainedModelApproval, TrainingPipelineProps } from './training-props';
import { createTrainingRole } from './training-role';
import { validateTrainingProps } from './training-validation';
import { ProblemCollector } from '../../common/problem-collector';
import { removeRedundantDependsOn } from '../../common/redundant-dependencies';
import { SAGEMAKER_NAME_MAX, sageMakerName } from '../../contract/naming';
import { TRAINING_OUTPUT_PREFIX, TrainingSettings } from '../../contract/training-settings';
import { acknowledgeBucketNotificationsHandler, justifyWildcards } from '../../nag/acknowledgements';
import { dataLocationUri } from '../data/data-location-uri';
import { createLoggedBucket } from '../logged-bucket';
import { accountAndRegionProblems } from '../notifications/pipeline-events';
import { startOnNewVersion } from '../source/new-version-trigger';

/** Characters a run suffix adds to a training job's name: `-` plus the run id (see `releaseId`). */
const RUN_SUFFIX_LENGTH = 12;

/**
 * Trains a model whenever new training data is uploaded, and registers it in
 * the SageMaker model registry for review: a CodePipeline (V2) whose source
 * is the data object in a versioned bucket (a new version starts it through
 * EventBridge), a Train stage that runs a SageMaker training job on exactly
 * that version, and a Register stage that adds the trained model to a model
 * package group as a new version, `PendingManualApproval` by default. Each
 * run's outcome is emailed.
 *
 * The stages call a Lambda function that never waits: it starts or checks
 * the training job and CodePipeline calls it again until the job ends.
 */
export class TrainingPipeline extends Construct {
  /** The CodePipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The topic each run's outcome is published to. */
  public readonly topic: sns.ITopic;
  /** The pipeline's own bucket: CodePipeline's artifacts, the runs' data copies, trained models and checkpoints. */
  public readonly workBucket: s3.Bucket;
  /** The role SageMaker trains as. Grant it what a custom training image needs besides its data. */
  public readonly trainingRole: iam.IRole;
  /** The model package group trained models are registered in. */
  public readonly modelPackageGroupName: string;
  /** The ARN of the model package group. */
  public readonly modelPackageGroupArn: string;
  /** The function behind the Train and Register actions. */
  public readonly trainFunction: lambda.IFunction;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const problems = new ProblemCollector('TrainingPipeline');
    validateTrainingProps(props, problems);
    if (props.notifications?.topic) {
      accountAndRegionProblems(this, props.notifications.topic).forEach((problem) => problems.add('notifications.topic', problem));
    }
    problems.throwIfAny(this);

    const pipelineName = props.pipelineName;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const instanceType = props.instanceType ?? DEFAULT_TRAINING_INSTANCE_TYPE;
    const maxRuntimeSeconds = props.maxRuntime?.toSeconds() ?? DEFAULT_MAX_RUNTIME_SECONDS;
    const jobPrefix = sageMakerName([pipelineName, 'train'], SAGEMAKER_NAME_MAX - RUN_SUFFIX_LENGTH);
    removeRedundantDependsOn(this);

    const work = createLoggedBucket(this, {
      bucketId: 'WorkBucket',
      keyId: 'WorkKey',
      keyDescription: `Encrypts the ${pipelineName} training pipeline's artifacts, data copies and trained models`,
      versioned: true,
      logPrefix: 'training/',
      removalPolicy,
    });
    this.workBucket = work.bucket;

    const stack = Stack.of(this);
    if (props.existingModelPackageGroupName) {
      this.modelPackageGroupName = props.existingModelPackageGroupName;
      this.modelPackageGroupArn = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: this.modelPackageGroupName.toLowerCase() });
    } else {
      const group = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
        modelPackageGroupName: pipelineName,
        modelPackageGroupDescription: `Models trained by the ${pipelineName} pipeline`,
      });
      group.applyRemovalPolicy(removalPolicy);
      this.modelPackageGroupName = pipelineName;
      this.modelPackageGroupArn = group.attrModelPackageGroupArn;
    }

    const channels = props.additionalChannels ?? [];
    const output = props.outputLocation ?? { bucket: this.workBucket, prefix: TRAINING_OUTPUT_PREFIX };
    const trainingRole = createTrainingRole(this, {
      pipelineName,
      workBucket: this.workBucket,
      jobPrefix,
      spot: props.spot !== undefined,
      channelData: channels.map((channel) => channel.location),
      output,
    });
    this.trainingRole = trainingRole;
    const trainingImage = props.image.bind(this, { role: trainingRole, instanceType });
    // Only the URI of another inference image is recorded: whoever releases the
    // package pulls it with their own role. It is bound to an immutable stand-in
    // in this account, which drops the pull grant (a same-account grant goes to
    // the principal only), instead of widening the training role or the
    // repository's policy. The stand-in's ARN is never rendered.
    const noGrants = iam.Role.fromRoleArn(this, 'InferenceImageBinding',
      stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'inference-image-binding' }), { mutable: false });
    const inferenceImage = props.inferenceImage?.bind(this, { role: noGrants, instanceType }) ?? trainingImage;
    const contentTypes = props.supportedContentTypes ?? [props.trainingData.contentType ?? 'text/csv'];

    const settings: TrainingSettings = {
      pipelineName,
      jobPrefix,
      data: { bucket: props.trainingData.bucket.bucketName, key: props.trainingData.key },
      channelName: props.trainingData.channelName ?? 'train',
      contentType: props.trainingData.contentType,
      extraChannels: channels.length > 0
        ? channels.map((channel) => ({ name: channel.name, s3Uri: dataLocationUri(channel.location), contentType: channel.contentType }))
        : undefined,
      workBucket: this.workBucket.bucketName,
      output: { s3Uri: dataLocationUri(output), kmsKeyArn: output.bucket.encryptionKey?.keyArn },
      roleArn: trainingRole.roleArn,
      trainingImage: trainingImage.imageUri,
      hyperParameters: props.hyperParameters ?? {},
      instanceType,
      instanceCount: props.instanceCount ?? 1,
      volumeSizeGb: props.volumeSize?.toGibibytes() ?? DEFAULT_TRAINING_VOLUME_GB,
      maxRuntimeSeconds,
      networkIsolation: props.networkIsolation === true ? true : undefined,
      interContainerEncryption: (props.instanceCount ?? 1) > 1 && props.encryptInterContainerTraffic !== false ? true : undefined,
      spot: props.spot ? { maxWaitSeconds: props.spot.maxWait?.toSeconds() ?? Math.min(2 * maxRuntimeSeconds, MAX_TRAINING_SECONDS) } : undefined,
      modelPackageGroupName: this.modelPackageGroupName,
      approvalStatus: props.approvalStatus ?? TrainedModelApproval.PENDING_MANUAL_APPROVAL,
      inferenceImage: inferenceImage.imageUri,
      supportedContentTypes: contentTypes,
      supportedResponseTypes: props.supportedResponseTypes ?? contentTypes,
    };
    const handler = new TrainHandler(this, 'Train', {
      settings,
      dataBucket: props.trainingData.bucket,
      workBucket: this.workBucket,
      trainingRole,
      logRetention,
    });
    this.trainFunction = handler.function;

    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.workBucket,
      restartExecutionOnUpdate: false,
      // Every action runs as the pipeline's role (see ByomPipeline): no role per action.
      usePipelineRoleForActions: true,
    });
    const source = new actions.S3SourceAction({
      actionName: 'TrainingData',
      bucket: props.trainingData.bucket,
      bucketKey: props.trainingData.key,
      output: new codepipeline.Artifact('Data'),
      // Started by the EventBridge rule below on each new object version: no polling.
      trigger: actions.S3Trigger.NONE,
      variablesNamespace: 'Source',
    });
    this.pipeline.addStage({ stageName: 'Source', actions: [source] });
    const dataVersion = source.variables.versionId;
    this.pipeline.addStage({
      stageName: 'Train',
      actions: [new actions.LambdaInvokeAction({
        actionName: 'Train',
        // Register reads TrainingJobName and ModelDataUrl from here.
        variablesNamespace: 'Train',
        lambda: handler.function,
        userParameters: { step: 'train', executionId: '#{codepipeline.PipelineExecutionId}', dataVersion },
      })],
    });
    this.pipeline.addStage({
      stageName: 'Register',
      actions: [new actions.LambdaInvokeAction({
        actionName: 'Register',
        variablesNamespace: 'Register',
        lambda: handler.function,
        userParameters: { step: 'register', trainingJobName: '#{Train.TrainingJobName}', modelDataUrl: '#{Train.ModelDataUrl}', dataVersion },
      })],
    });
    startOnNewVersion(this, 'NewDataVersion', {
      pipeline: this.pipeline,
      source,
      bucket: props.trainingData.bucket,
      key: props.trainingData.key,
      description: `Starts ${pipelineName} when a new version of the training data is uploaded`,
    });

    this.topic = new TrainingNotifications(this, 'Notifications', {
      ...props.notifications,
      pipeline: this.pipeline,
      pipelineName,
      modelPackageGroupName: this.modelPackageGroupName,
    }).topic;

    justifyWildcards(this.pipeline, [
      { finding: /^Action::(s3:(GetObject|GetBucket|List|DeleteObject|Abort)|kms:(GenerateDataKey|ReEncrypt))\*$/, reason: 'CodePipeline\'s standard read/write grant on its own artifact bucket and key' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/, reason: 'CodePipeline stores artifacts under keys it generates in its own artifact bucket' },
      { finding: /^Resource::<[A-Za-z0-9]+(\.Arn)?>:\*$/, reason: 'The Lambda invoke actions may invoke any version or alias of the pipeline\'s train function' },
      { finding: /^Resource::\*$/, reason: 'lambda:ListFunctions, which the Lambda invoke action needs, supports no resource-level permissions' },
    ]);
    acknowledgeNotificationsHandler(props.trainingData.bucket);
  }
}

/** CDK's bucket-notifications handler, which turns on EventBridge notifications for the data bucket. */
function acknowledgeNotificationsHandler(bucket: s3.IBucket): void {
  const handler = acknowledgeBucketNotificationsHandler(Stack.of(bucket),
    'CDK\'s bucket-notifications handler, which turns on EventBridge notifications for the training data bucket, uses the basic execution policy');
  if (handler) {
    justifyWildcards(handler, [
      { finding: /^Resource::\*$/, reason: 'CDK\'s bucket-notifications handler calls s3:PutBucketNotification, which it scopes to any bucket in the stack' },
    ]);
  }
}

