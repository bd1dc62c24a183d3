import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TrainFunction } from './train-function';
import { PIPELINE_TAG } from '../../contract/stack-tags';
import { TRAINING_DATA_PREFIX, TRAINING_SPEC_VARIABLE, TrainingSettings } from '../../contract/training-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { createHandlerFunction } from '../shared/handler-function';

/** Props of {@link TrainHandler}. */
export interface TrainHandlerProps {
  /** What the handler is told; the ARNs in it may be tokens. */
  readonly settings: TrainingSettings;
  readonly dataBucket: s3.IBucket;
  readonly workBucket: s3.IBucket;
  /** The role SageMaker trains as: the only role the handler may pass. */
  readonly trainingRole: iam.IRole;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The Lambda behind a training pipeline's Train and Register actions, allowed
 * exactly what those need: read the data object (any version), copy it into
 * the runs' folder, start and watch this pipeline's training jobs, pass the
 * training role to SageMaker, and add versions to one model package group.
 */
export class TrainHandler extends Construct {
  /** The function CodePipeline invokes. */
  public readonly function: lambda.IFunction;
  /** The function's role. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: TrainHandlerProps) {
    super(scope, id);
    const { settings } = props;
    const handler = createHandlerFunction(this, {
      roleDescription: `Trains and registers models of ${settings.pipelineName}`,
      functionDescription: 'Starts and watches a SageMaker training job and registers its model, for CodePipeline actions',
      // A call never waits for SageMaker (it starts or checks a job and returns),
      // but the first copies the data version, which for a large object takes
      // minutes: Lambda's longest timeout, within the 20 minutes CodePipeline
      // waits for an answer.
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new TrainFunction(inScope, functionId, options),
    });
    this.function = handler.function;
    this.role = handler.role;
    handler.setSettings(TRAINING_SPEC_VARIABLE, Stack.of(this).toJsonString(settings));

    // The exact data key, any version. Listing, limited to that key, makes a
    // missing object a clear 404 instead of an access-denied error.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [props.dataBucket.arnForObjects(settings.data.key)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [props.dataBucket.bucketArn],
      conditions: { StringEquals: { 's3:prefix': settings.data.key } },
    }));
    props.dataBucket.encryptionKey?.grantDecrypt(this.role);
    // Each run's copy of the data, in its own folder of the pipeline's bucket.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [props.workBucket.arnForObjects(`${TRAINING_DATA_PREFIX}*`)],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [props.workBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${TRAINING_DATA_PREFIX}*` } },
    }));
    props.workBucket.encryptionKey?.grant(this.role, 'kms:Decrypt', 'kms:GenerateDataKey');

    const stack = Stack.of(this);
    const jobs = stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: `${settings.jobPrefix}-*` });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob'],
      resources: [jobs],
    }));
    // A create that carries tags needs AddTags too: the pipeline tag only, on this pipeline's jobs only.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:AddTags'],
      resources: [jobs],
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [PIPELINE_TAG] } },
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [props.trainingRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
    // A group's versions are model packages named <group>/<version>; SageMaker writes names in ARNs in lowercase.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateModelPackage'],
      resources: [stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${settings.modelPackageGroupName.toLowerCase()}/*` })],
      conditions: { StringEquals: { 'sagemaker:ModelApprovalStatus': settings.approvalStatus } },
    }));
    // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
      resources: ['*'],
    }));
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'codepipeline:PutJobSuccessResult/PutJobFailureResult support no resource-level permissions' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/training-data\/\*$/, reason: 'Each run copies the data into a folder named after its training job' },
      { finding: /^Resource::arn:.*:sagemaker:.*:training-job\/[a-z0-9-]+-\*$/, reason: 'Each run starts a training job named <pipeline>-train-<run id>; only that prefix is reachable' },
      { finding: /^Resource::arn:.*:sagemaker:.*:model-package\/[a-z0-9-]+\/\*$/, reason: 'Each registration adds a numbered version to the pipeline\'s one model package group' },
    ]);
  }
}
