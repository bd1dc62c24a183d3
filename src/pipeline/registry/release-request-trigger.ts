import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ReleaseRequestFunction } from './release-request-function';
import type { ModelPackageGroupSpec } from '../../contract/deploy-settings';
import {
  MODEL_PACKAGE_STATE_CHANGE,
  RELEASE_REQUEST_SETTINGS_VARIABLE,
  ReleaseRequestSettings,
} from '../../contract/release-request-settings';
import { acknowledgeRule, justifyWildcards } from '../../nag/acknowledgements';
import { describeGroupPackages } from '../deploy/release-permissions';
import { createHandlerFunction } from '../shared/handler-function';

/** Props of {@link ReleaseRequestTrigger}. */
export interface ReleaseRequestTriggerProps {
  /** The pipeline's name, for descriptions. */
  readonly pipelineName: string;
  /** The group whose approved versions start a release. */
  readonly group: ModelPackageGroupSpec;
  /** The versioned bucket the pipeline's S3 source action watches. */
  readonly bucket: s3.IBucket;
  /** The key of the release request in it. */
  readonly key: string;
  /** How long the function's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * Turns the approval of a version of a model package group into a release
 * of exactly that version: an EventBridge rule on SageMaker's "Model Package
 * State Change" events of the group's Approved versions (no polling) invokes
 * the release-request function, which checks the package and writes the
 * release request (`{ "modelPackageArn": ... }`) that the pipeline's S3
 * source action watches. Events the function could not take or failed on
 * after its retries are kept in a dead-letter queue.
 *
 * EventBridge rules see their own account's and region's events: the events
 * of a group in another account or region must be forwarded to this stack's
 * default event bus (an EventBridge rule there), see docs/aws-assumptions.md.
 */
export class ReleaseRequestTrigger extends Construct {
  /** The function that writes the release requests. */
  public readonly function: lambda.IFunction;
  /** The rule that hands it each approval of a version of the group. */
  public readonly rule: events.Rule;
  /** Events the function could not take or failed on after its retries. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ReleaseRequestTriggerProps) {
    super(scope, id);
    const handler = createHandlerFunction(this, {
      roleDescription: `Requests a ${props.pipelineName} release of each approved version of model package group ${props.group.name}`,
      functionDescription: `Starts a ${props.pipelineName} release when a version of its model package group is approved`,
      // One event is a describe, a read and a write.
      timeout: Duration.minutes(1),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new ReleaseRequestFunction(inScope, functionId, options),
    });
    this.function = handler.function;
    handler.setSettings(RELEASE_REQUEST_SETTINGS_VARIABLE, Stack.of(this).toJsonString({
      group: props.group,
      bucket: props.bucket.bucketName,
      key: props.key,
    } satisfies ReleaseRequestSettings));
    grantRequestAccess(this, handler.role, props);

    this.deadLetterQueue = new sqs.Queue(this, 'FailedEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeRule(this.deadLetterQueue, 'AwsSolutions-SQS3', 'This queue is itself the dead-letter queue of the release requests\' events');
    const retries = { retryAttempts: 2, maxEventAge: Duration.hours(1) };
    this.function.configureAsyncInvoke({ ...retries, onFailure: new destinations.SqsDestination(this.deadLetterQueue) });
    this.rule = new events.Rule(this, 'Approved', {
      description: `Starts a ${props.pipelineName} release when a version of model package group ${props.group.name} is approved`,
      eventPattern: {
        source: ['aws.sagemaker'],
        detailType: [MODEL_PACKAGE_STATE_CHANGE],
        account: [props.group.account],
        region: [props.group.region],
        detail: {
          // A group known by its ARN has the lower-case name SageMaker writes
          // in ARNs; the event carries the name as created.
          ModelPackageGroupName: events.Match.equalsIgnoreCase(props.group.name),
          ModelApprovalStatus: ['Approved'],
        },
      },
      targets: [new targets.LambdaFunction(this.function, { ...retries, deadLetterQueue: this.deadLetterQueue })],
    });
  }
}

/**
 * What writing a release request takes: describing the group's versions,
 * reading and writing the one request key, and listing the bucket at that
 * key only (without ListBucket, S3 answers a missing key with AccessDenied
 * instead of NoSuchKey, and the first request could never be written).
 */
function grantRequestAccess(scope: Construct, role: iam.IRole, props: ReleaseRequestTriggerProps): void {
  role.addToPrincipalPolicy(describeGroupPackages(scope, props.group));
  justifyWildcards(scope, [
    { finding: /^Resource::arn:.*:sagemaker:.*:model-package\/.+\/\*$/, reason: 'The versions of the pipeline\'s one model package group, numbered by SageMaker as they are registered' },
  ]);
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:PutObject'],
    resources: [props.bucket.arnForObjects(props.key)],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [props.bucket.bucketArn],
    conditions: { StringEquals: { 's3:prefix': props.key } },
  }));
  const key = props.bucket.encryptionKey;
  if (key) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
    }));
  }
}
