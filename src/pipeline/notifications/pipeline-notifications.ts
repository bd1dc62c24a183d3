import { Annotations, IResource, Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { createEncryptedTopic, subscribeEmails } from './encrypted-topic';
import { NotificationProps } from './notification-props';
import { validateNotifications } from './notification-validation';
import {
  accountAndRegionProblems, action, CODEPIPELINE_SOURCE, consoleUrl, executionId, executionUrl, reason, stage, state,
} from './pipeline-events';
import { ProblemCollector } from '../../common/problem-collector';

/** Props of {@link PipelineNotifications}. */
export interface PipelineNotificationsProps extends NotificationProps {
  /**
   * The pipeline whose releases are announced. It must be in this construct's
   * account and region: EventBridge rules only see their own account's and
   * region's events.
   */
  readonly pipeline: codepipeline.IPipeline;

  /**
   * The pipeline's name, as a literal string (`pipeline.pipelineName` is a
   * token for a pipeline defined in the app): the rules match it and the
   * messages name it.
   */
  readonly pipelineName: string;
}

/** The path prefix problems are reported under: the prop's name in ByomPipelineProps. */
const PROPS_PATH = 'notifications';

const PIPELINE_EXECUTION_CHANGE = 'CodePipeline Pipeline Execution State Change';
const ACTION_EXECUTION_CHANGE = 'CodePipeline Action Execution State Change';

/**
 * Announces a pipeline's releases on one SNS topic, as readable text: a release
 * that succeeded, failed or was superseded; an action that failed, with its
 * stage (and so its environment) and the reason it reported; and a release
 * waiting for manual approval. Each message links to the pipeline in the console.
 *
 * The messages come from EventBridge rules on CodePipeline's own state-change
 * events, so nothing runs in the pipeline to send them.
 */
export class PipelineNotifications extends Construct {
  /** The topic the messages are published to. */
  public readonly topic: sns.ITopic;

  /**
   * The key encrypting the topic, when this construct created the topic.
   * Grant other AWS services that publish to the topic (CloudWatch alarms, for
   * example) `kms:Decrypt` and `kms:GenerateDataKey*` on it.
   */
  public readonly key?: kms.IKey;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    const problems = new ProblemCollector('PipelineNotifications');
    validateNotifications(props, PROPS_PATH, problems);
    if (Token.isUnresolved(props.pipelineName)) {
      problems.add('pipelineName', 'must be a literal string: the rules match it and the messages name it at synth time');
    }
    checkSameAccountAndRegion(this, props.pipeline, 'pipeline', problems);
    if (props.topic) {
      checkSameAccountAndRegion(this, props.topic, `${PROPS_PATH}.topic`, problems);
    }
    problems.throwIfAny();

    const name = props.pipelineName;
    if (props.topic) {
      this.topic = props.topic;
      if (!(props.topic.node.defaultChild instanceof sns.CfnTopic)) {
        Annotations.of(this).addWarningV2('cdk-mlops-framework:PipelineNotifications.importedTopic',
          `The topic ${props.topic.node.path} is imported, so its policy cannot be changed here: it must let events.amazonaws.com ` +
          'call sns:Publish (and its KMS key, if it has one, let that principal use kms:Decrypt and kms:GenerateDataKey*), or no notification is delivered.');
      }
    } else {
      const created = createEncryptedTopic(this, {
        topicId: 'Topic',
        keyId: 'Key',
        displayName: `MLOps ${name}`,
        keyDescription: `Encrypts the notification topic of the ${name} pipeline`,
      });
      this.key = created.key;
      this.topic = created.topic;
    }

    subscribeEmails(this, this.topic, props.emails ?? []);

    // targets.SnsTopic adds what EventBridge needs and nothing else: sns:Publish for
    // events.amazonaws.com in the topic policy (EventBridge does not support conditions
    // there) and, for a topic with a key, kms:Decrypt and kms:GenerateDataKey* for it in
    // the key policy. No role: EventBridge publishes to SNS under the topic policy.
    const releaseStates = ['FAILED', 'SUPERSEDED'];
    if (props.notifyOnSuccess ?? true) {
      releaseStates.unshift('SUCCEEDED');
    }
    new events.Rule(this, 'ReleaseEnded', {
      description: `Announces ${name} releases that ${describeStates(releaseStates)}`,
      eventPattern: {
        source: [CODEPIPELINE_SOURCE],
        detailType: [PIPELINE_EXECUTION_CHANGE],
        detail: { pipeline: [name], state: releaseStates },
      },
      targets: [new targets.SnsTopic(this.topic, { message: releaseEndedMessage(name) })],
    });

    new events.Rule(this, 'ActionFailed', {
      description: `Announces failed or rejected actions of ${name} with their stage and reason`,
      eventPattern: {
        source: [CODEPIPELINE_SOURCE],
        detailType: [ACTION_EXECUTION_CHANGE],
        detail: { pipeline: [name], state: ['FAILED'] },
      },
      targets: [new targets.SnsTopic(this.topic, { message: actionFailedMessage(name) })],
    });

    if (props.notifyOnApprovalWaiting ?? true) {
      new events.Rule(this, 'ApprovalWaiting', {
        description: `Announces ${name} releases waiting for manual approval`,
        eventPattern: {
          source: [CODEPIPELINE_SOURCE],
          detailType: [ACTION_EXECUTION_CHANGE],
          detail: { pipeline: [name], state: ['STARTED'], type: { category: ['Approval'] } },
        },
        targets: [new targets.SnsTopic(this.topic, { message: approvalWaitingMessage(name) })],
      });
    }
  }
}

// Each message line must avoid "<", ">" (EventBridge placeholders, which cannot
// be escaped) and double quotes (escaped in the rendered template).
const STAGE_NAMING = 'stages are named Approve-, Deploy-, Test- or Share- followed by the environment, so Deploy-prod is the deployment to prod';

function releaseEndedMessage(pipelineName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromMultilineText([
    `Release of the ML pipeline ${pipelineName}: ${state()}`,
    'SUCCEEDED: released to every environment. FAILED: stopped at a failed or rejected action (announced separately with its stage and reason). SUPERSEDED: a newer release overtook it.',
    `Pipeline: ${pipelineName}`,
    `Execution: ${executionId()}`,
    `Details: ${executionUrl(pipelineName)}`,
  ].join('\n'));
}

function actionFailedMessage(pipelineName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromMultilineText([
    `The ML pipeline ${pipelineName} stopped: action ${action()} failed in stage ${stage()}`,
    `Pipeline: ${pipelineName}`,
    `Stage: ${stage()} (${STAGE_NAMING})`,
    `Action: ${action()}`,
    `Reason: ${reason()}`,
    `Execution: ${executionId()}`,
    `Details: ${executionUrl(pipelineName)}`,
  ].join('\n'));
}

function approvalWaitingMessage(pipelineName: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromMultilineText([
    `The ML pipeline ${pipelineName} waits for approval in stage ${stage()}`,
    `Pipeline: ${pipelineName}`,
    `Stage: ${stage()} (${STAGE_NAMING})`,
    `Action: ${action()}`,
    `Execution: ${executionId()}`,
    'Approve or reject it in the console: an approval left unanswered expires (after 7 days unless the action sets another timeout) and fails the release.',
    `Review: ${consoleUrl(pipelineName, 'view')}`,
    `Execution details: ${executionUrl(pipelineName)}`,
  ].join('\n'));
}

function describeStates(states: string[]): string {
  const words = states.map((s) => s.toLowerCase().replace('superseded', 'were superseded'));
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}


/** Records where a resource cannot serve this stack's pipeline-event rules (see {@link accountAndRegionProblems}). */
function checkSameAccountAndRegion(scope: Construct, resource: IResource, path: string, problems: ProblemCollector): void {
  accountAndRegionProblems(scope, resource).forEach((problem) => problems.add(path, problem));
}
