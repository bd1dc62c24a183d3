import { Annotations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createEncryptedTopic, subscribeEmails } from '../notifications/encrypted-topic';
import { NotificationProps } from '../notifications/notification-props';
import { action, CODEPIPELINE_SOURCE, executionId, executionUrl, reason, stage, state } from '../notifications/pipeline-events';

/** Props of {@link TrainingNotifications}. */
export interface TrainingNotificationsProps extends NotificationProps {
  readonly pipeline: codepipeline.IPipeline;
  /** The pipeline's literal name: the rules match it and the messages name it. */
  readonly pipelineName: string;
  /** The model package group, named in the messages. */
  readonly modelPackageGroupName: string;
}


/**
 * A training pipeline's runs announced on one SNS topic, in the words of
 * training (a run trains and registers, it releases nothing): a run that
 * registered a model, failed or was superseded, and an action that failed,
 * with its stage and SageMaker's reason. A pipeline has no approval action,
 * so `notifyOnApprovalWaiting` has nothing to announce: the registry's
 * approval is someone else's step.
 */
export class TrainingNotifications extends Construct {
  public readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: TrainingNotificationsProps) {
    super(scope, id);
    const name = props.pipelineName;
    if (props.topic) {
      this.topic = props.topic;
      if (!(props.topic.node.defaultChild instanceof sns.CfnTopic)) {
        Annotations.of(this).addWarningV2('cdk-mlops-framework:TrainingNotifications.importedTopic',
          `The topic ${props.topic.node.path} is imported, so its policy cannot be changed here: it must let events.amazonaws.com ` +
          'call sns:Publish (and its KMS key, if it has one, let that principal use kms:Decrypt and kms:GenerateDataKey*), or no notification is delivered.');
      }
    } else {
      this.topic = createEncryptedTopic(this, {
        topicId: 'Topic',
        keyId: 'Key',
        displayName: `MLOps ${name}`,
        keyDescription: `Encrypts the notification topic of the ${name} training pipeline`,
      }).topic;
    }
    subscribeEmails(this, this.topic, props.emails ?? []);

    const runStates = ['FAILED', 'SUPERSEDED'];
    if (props.notifyOnSuccess ?? true) {
      runStates.unshift('SUCCEEDED');
    }
    new events.Rule(this, 'RunEnded', {
      description: `Announces ${name} training runs that ended ${runStates.map((s) => s.toLowerCase()).join(', ')}`,
      eventPattern: {
        source: [CODEPIPELINE_SOURCE],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { pipeline: [name], state: runStates },
      },
      targets: [new targets.SnsTopic(this.topic, { message: runEndedMessage(name, props.modelPackageGroupName) })],
    });
    new events.Rule(this, 'ActionFailed', {
      description: `Announces failed actions of ${name} with their stage and reason`,
      eventPattern: {
        source: [CODEPIPELINE_SOURCE],
        detailType: ['CodePipeline Action Execution State Change'],
        detail: { pipeline: [name], state: ['FAILED'] },
      },
      targets: [new targets.SnsTopic(this.topic, { message: actionFailedMessage(name) })],
    });
  }
}

function runEndedMessage(pipelineName: string, group: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromMultilineText([
    `Training run of ${pipelineName}: ${state()}`,
    `SUCCEEDED: a model was trained and registered as a new version of the model package group ${group}, for review in the SageMaker model registry. `
      + 'FAILED: a stage failed (announced separately with its reason). SUPERSEDED: newer training data overtook the run.',
    `Pipeline: ${pipelineName}`,
    `Execution: ${executionId()}`,
    `Details: ${executionUrl(pipelineName)}`,
    `Registry: https://console.aws.amazon.com/sagemaker/home?region=${events.EventField.region}#/model-registry`,
  ].join('\n'));
}

function actionFailedMessage(pipelineName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromMultilineText([
    `The training pipeline ${pipelineName} stopped: action ${action()} failed in stage ${stage()}`,
    `Pipeline: ${pipelineName}`,
    `Stage: ${stage()} (Source reads the training data, Train runs the SageMaker training job, Register adds the model to the registry)`,
    `Reason: ${reason()}`,
    `Execution: ${executionId()}`,
    `Details: ${executionUrl(pipelineName)}`,
  ].join('\n'));
}
