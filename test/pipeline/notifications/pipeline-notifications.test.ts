import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MlopsValidationError } from '../../../src/common/errors';
import { PipelineNotifications, PipelineNotificationsProps } from '../../../src/pipeline/notifications/pipeline-notifications';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { modelBucket, newStack } from '../fixtures';

const PIPELINE_NAME = 'churn-mlops';
const CONSOLE_LINK = `https://console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE_NAME}/executions/<detail-execution-id>/timeline?region=<region>`;

/** A V2 pipeline like ByomPipeline's: an S3 source, then a manual approval before prod. */
function testPipeline(stack: Stack): codepipeline.Pipeline {
  const pipeline = new codepipeline.Pipeline(stack, 'Pipeline', {
    pipelineName: PIPELINE_NAME,
    pipelineType: codepipeline.PipelineType.V2,
    restartExecutionOnUpdate: false,
  });
  const model = new codepipeline.Artifact('Model');
  pipeline.addStage({
    stageName: 'Source',
    actions: [new actions.S3SourceAction({
      actionName: 'ModelArtifact',
      bucket: modelBucket(stack),
      bucketKey: 'churn/model.tar.gz',
      output: model,
      trigger: actions.S3Trigger.NONE,
    })],
  });
  pipeline.addStage({ stageName: 'Approve-prod', actions: [new actions.ManualApprovalAction({ actionName: 'Approve' })] });
  return pipeline;
}

function notify(props: Partial<PipelineNotificationsProps> = {}, stack = newStack()): { stack: Stack; notifications: PipelineNotifications } {
  const notifications = new PipelineNotifications(stack, 'Notifications', {
    pipeline: props.pipeline ?? testPipeline(stack),
    pipelineName: PIPELINE_NAME,
    emails: ['ml-team@example.com', 'oncall@example.com'],
    ...props,
  });
  return { stack, notifications };
}

/** Logical IDs of the resources of a type that this construct created (the test pipeline has its own key). */
function ours(template: Template, type: string): string[] {
  return Object.keys(template.findResources(type)).filter((id) => id.startsWith('Notifications'));
}

/** The rule (there must be exactly one) whose event pattern matches `detail`. */
function ruleWith(template: Template, detailType: string, detail: object): any {
  const rules = template.findResources('AWS::Events::Rule', {
    Properties: { EventPattern: { 'source': ['aws.codepipeline'], 'detail-type': [detailType], 'detail': Match.objectEquals(detail) } },
  });
  expect(Object.keys(rules)).toHaveLength(1);
  return Object.values(rules)[0];
}

/** The message a rule's single target sends: its input template, and its input paths. */
function messageOf(rule: any): { text: string; paths: Record<string, string> } {
  expect(rule.Properties.Targets).toHaveLength(1);
  const transformer = rule.Properties.Targets[0].InputTransformer;
  return { text: transformer.InputTemplate, paths: transformer.InputPathsMap };
}

const PIPELINE_CHANGE = 'CodePipeline Pipeline Execution State Change';
const ACTION_CHANGE = 'CodePipeline Action Execution State Change';

describe('PipelineNotifications topic', () => {
  test('creates a topic encrypted with its own key that denies publishing without TLS', () => {
    const { stack } = notify();
    const template = Template.fromStack(stack);
    expect(ours(template, 'AWS::SNS::Topic')).toHaveLength(1);
    expect(ours(template, 'AWS::KMS::Key')).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotificationsKey'), 'Arn'] },
      DisplayName: `MLOps ${PIPELINE_NAME}`,
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^NotificationsTopic') }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('the key rotates and lets EventBridge encrypt for the topic, and nothing else besides the account', () => {
    const { stack } = notify();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: [
          Match.objectLike({ Action: 'kms:*', Principal: { AWS: Match.anyValue() } }),
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ],
      },
    });
  });

  test('the topic policy lets EventBridge publish to this topic only, without a role', () => {
    const { stack } = notify();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: Match.stringLikeRegexp('^NotificationsTopic') },
        })]),
      },
    });
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets[0].RoleArn).toBeUndefined();
    }
  });

  test('subscribes each email address once', () => {
    const { stack } = notify({ emails: ['ml-team@example.com', 'oncall@example.com', 'lead@example.org'] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 3);
    for (const email of ['ml-team@example.com', 'oncall@example.com', 'lead@example.org']) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: email,
        TopicArn: { Ref: Match.stringLikeRegexp('^NotificationsTopic') },
      });
    }
  });

  test('a subscription keeps its logical ID when other addresses are added before it', () => {
    const idOf = (emails: string[]) => {
      const template = Template.fromStack(notify({ emails }).stack);
      return Object.keys(template.findResources('AWS::SNS::Subscription', { Properties: { Endpoint: 'oncall@example.com' } }));
    };
    expect(idOf(['oncall@example.com'])).toEqual(idOf(['new@example.com', 'oncall@example.com']));
  });

  test('without emails the topic has no subscription', () => {
    const { stack } = notify({ emails: undefined });
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('exposes the topic and its key', () => {
    const { stack, notifications } = notify();
    expect(stack.resolve(notifications.topic.topicArn)).toEqual({ Ref: expect.stringMatching(/^NotificationsTopic/) });
    expect(notifications.key).toBeDefined();
    expect(stack.resolve(notifications.topic.masterKey!.keyArn)).toEqual(stack.resolve(notifications.key!.keyArn));
  });
});

describe('PipelineNotifications with an existing topic', () => {
  test('publishes and subscribes to it, and creates no topic or key of its own', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'TeamTopic');
    const { notifications } = notify({ topic }, stack);
    const template = Template.fromStack(stack);
    expect(ours(template, 'AWS::SNS::Topic')).toEqual([]);
    expect(ours(template, 'AWS::KMS::Key')).toEqual([]);
    expect(notifications.topic).toBe(topic);
    expect(notifications.key).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.allResourcesProperties('AWS::SNS::Subscription', { TopicArn: { Ref: Match.stringLikeRegexp('^TeamTopic') } });
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^TeamTopic/) });
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^TeamTopic') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' })]) },
    });
  });

  test('an imported topic gets a warning that its policy must let EventBridge publish', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-1:111111111111:ml-alerts');
    notify({ topic }, stack);
    Annotations.fromStack(stack).hasWarning('/Test/Notifications', Match.stringLikeRegexp('events.amazonaws.com'));
    expect(ours(Template.fromStack(stack), 'AWS::SNS::Topic')).toEqual([]);
  });

  test('a topic defined in the app gets no warning', () => {
    const stack = newStack();
    notify({ topic: new sns.Topic(stack, 'TeamTopic') }, stack);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('PipelineNotifications rules', () => {
  test('a release that succeeded, failed or was superseded is announced with the pipeline, state, execution and a console link', () => {
    const template = Template.fromStack(notify().stack);
    const rule = ruleWith(template, PIPELINE_CHANGE, { pipeline: [PIPELINE_NAME], state: ['SUCCEEDED', 'FAILED', 'SUPERSEDED'] });
    const { text, paths } = messageOf(rule);
    expect(paths).toEqual({ 'detail-state': '$.detail.state', 'detail-execution-id': '$.detail.execution-id', 'region': '$.region' });
    expect(text).toContain(`"Release of the ML pipeline ${PIPELINE_NAME}: <detail-state>"`);
    expect(text).toContain('"Execution: <detail-execution-id>"');
    expect(text).toContain(`"Details: ${CONSOLE_LINK}"`);
  });

  test('notifyOnSuccess: false announces only failed and superseded releases', () => {
    const template = Template.fromStack(notify({ notifyOnSuccess: false }).stack);
    ruleWith(template, PIPELINE_CHANGE, { pipeline: [PIPELINE_NAME], state: ['FAILED', 'SUPERSEDED'] });
  });

  test('a failed action is announced with its stage, the environment naming, the action, the reason and a console link', () => {
    const template = Template.fromStack(notify().stack);
    const rule = ruleWith(template, ACTION_CHANGE, { pipeline: [PIPELINE_NAME], state: ['FAILED'] });
    const { text, paths } = messageOf(rule);
    expect(paths).toEqual({
      'detail-action': '$.detail.action',
      'detail-stage': '$.detail.stage',
      'detail-execution-result-external-execution-summary': '$.detail.execution-result.external-execution-summary',
      'detail-execution-id': '$.detail.execution-id',
      'region': '$.region',
    });
    expect(text).toContain(`"The ML pipeline ${PIPELINE_NAME} stopped: action <detail-action> failed in stage <detail-stage>"`);
    expect(text).toMatch(/"Stage: <detail-stage> \(stages are named Approve-, Deploy-, Test- or Share- followed by the environment/);
    expect(text).toContain('"Reason: <detail-execution-result-external-execution-summary>"');
    expect(text).toContain(`"Details: ${CONSOLE_LINK}"`);
  });

  test('a release waiting for manual approval is announced with its stage and a link to review it', () => {
    const template = Template.fromStack(notify().stack);
    const rule = ruleWith(template, ACTION_CHANGE, { pipeline: [PIPELINE_NAME], state: ['STARTED'], type: { category: ['Approval'] } });
    const { text } = messageOf(rule);
    expect(text).toContain(`"The ML pipeline ${PIPELINE_NAME} waits for approval in stage <detail-stage>"`);
    expect(text).toContain(`"Review: https://console.aws.amazon.com/codesuite/codepipeline/pipelines/${PIPELINE_NAME}/view?region=<region>"`);
    expect(text).toContain(`"Execution details: ${CONSOLE_LINK}"`);
  });

  test('notifyOnApprovalWaiting: false leaves out the approval rule', () => {
    const template = Template.fromStack(notify({ notifyOnApprovalWaiting: false }).stack);
    template.resourceCountIs('AWS::Events::Rule', 2);
    expect(template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { detail: { type: { category: ['Approval'] } } } },
    })).toEqual({});
  });

  test('no message line holds a character EventBridge would read as a placeholder or that needs escaping', () => {
    const template = Template.fromStack(notify().stack);
    for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
      const { text, paths } = messageOf(rule);
      for (const line of text.split('\n')) {
        expect(line).toMatch(/^"[^"\\]*"$/);
        const placeholders = [...line.matchAll(/<([^>]*)>/g)].map((m) => m[1]);
        for (const placeholder of placeholders) {
          expect(Object.keys(paths)).toContain(placeholder);
        }
      }
    }
  });
});

describe('PipelineNotifications validation', () => {
  test('reports every bad or repeated email address at once, naming each', () => {
    let error: unknown;
    try {
      notify({ emails: ['ml-team@example.com', 'not-an-email', 'ML-Team@example.com', 'two@example.com three@example.com'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MlopsValidationError);
    expect((error as MlopsValidationError).problems).toEqual([
      'notifications.emails[1]: "not-an-email" is not an email address',
      'notifications.emails[3]: "two@example.com three@example.com" is not an email address',
      'notifications.emails[2]: "ML-Team@example.com" is already notifications.emails[0]',
    ]);
    expect((error as Error).message).toMatch(/notifications\.emails\[1\]: "not-an-email" is not an email address/);
  });

  test('an email address that is a token passes unchecked', () => {
    const stack = newStack();
    const email = new CfnParameter(stack, 'Email').valueAsString;
    notify({ emails: [email, 'oncall@example.com'] }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Endpoint: { Ref: 'Email' } });
  });

  test('rejects a FIFO topic, which cannot deliver email', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Fifo', { fifo: true, topicName: 'alerts' });
    expect(() => notify({ topic }, stack)).toThrow(/notifications\.topic: must be a standard topic/);
  });

  test('rejects a pipeline name that is a token', () => {
    const stack = newStack();
    const pipeline = testPipeline(stack);
    expect(() => notify({ pipeline, pipelineName: pipeline.pipelineName }, stack)).toThrow(/pipelineName: must be a literal string/);
  });

  test('rejects a pipeline or a topic in another region or account', () => {
    const stack = newStack();
    const pipeline = codepipeline.Pipeline.fromPipelineArn(stack, 'Elsewhere', `arn:aws:codepipeline:eu-west-1:111111111111:${PIPELINE_NAME}`);
    const topic = sns.Topic.fromTopicArn(stack, 'OtherAccount', 'arn:aws:sns:us-east-1:222222222222:alerts');
    expect(() => notify({ pipeline, topic }, stack)).toThrow(new RegExp([
      'pipeline: must be in this stack\'s region \\(us-east-1\\), is in eu-west-1',
      'notifications\\.topic: must be in this stack\'s account \\(111111111111\\), is in 222222222222',
    ].join('\\n  - ')));
  });
});

describe('PipelineNotifications compliance', () => {
  // An imported pipeline keeps the stack to the notification resources alone:
  // the pipeline's own findings belong to ByomPipeline's compliance tests.
  const stack = newStack();
  notify({ pipeline: codepipeline.Pipeline.fromPipelineArn(stack, 'Pipeline', `arn:aws:codepipeline:us-east-1:111111111111:${PIPELINE_NAME}`) }, stack);

  test('the stack is cfn-lint clean (no errors, no warnings)', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('the stack has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});
