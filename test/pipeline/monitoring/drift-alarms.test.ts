import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MlopsValidationError } from '../../../src/common/errors';
import { DriftAlarms, DriftAlarmsEnvironment } from '../../../src/pipeline/monitoring/drift-alarms';
import { monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { VIOLATIONS_SETTINGS_VARIABLE } from '../../../src/contract/violations-settings';
import { createEncryptedTopic } from '../../../src/pipeline/notifications/encrypted-topic';
import { SharedHandlers, useSharedHandlers } from '../../../src/pipeline/shared/handler-function';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { newStack } from '../fixtures';

const PROD_SCHEDULE = monitoringScheduleName('churn-prod');
const STAGING_SCHEDULE = monitoringScheduleName('churn-staging');
const PROD_REPORTS = 's3://churn-monitoring/monitoring/churn-prod/reports';
const sharedHandler = (name: string) => ({
  functionArn: `arn:aws:lambda:us-east-1:111111111111:function:mlops-${name}`,
  roleArn: `arn:aws:iam::111111111111:role/mlops-${name}`,
});
const SHARED_HANDLERS: SharedHandlers = {
  deploy: sharedHandler('deploy'),
  test: sharedHandler('test'),
  share: sharedHandler('share'),
  cleanup: { serviceToken: 'arn:aws:lambda:us-east-1:111111111111:function:mlops-cleanup-provider', roleArn: sharedHandler('cleanup').roleArn },
};

/** A pipeline's drift alarms for an hourly prod and a daily staging environment, on the pipeline's encrypted topic. */
function driftStack() {
  const stack = newStack();
  const { topic, key } = createEncryptedTopic(stack, { topicId: 'Topic', keyId: 'TopicKey', displayName: 'MLOps churn', keyDescription: 'Encrypts the churn topic' });
  const drift = new DriftAlarms(stack, 'Drift', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_YEAR });
  const prod = drift.addEnvironment({
    environmentName: 'prod',
    endpointName: 'churn-prod',
    scheduleName: PROD_SCHEDULE,
    frequency: 'hourly',
    violationsThreshold: 3,
    topic,
    reportsUri: PROD_REPORTS,
  });
  const staging = drift.addEnvironment({
    environmentName: 'staging',
    endpointName: 'churn-staging',
    scheduleName: STAGING_SCHEDULE,
    frequency: 'daily',
    violationsThreshold: 1,
    topic,
  });
  return { stack, topic, key, drift, prod, staging };
}

const { stack, drift, prod, staging } = driftStack();
const template = Template.fromStack(stack);

/** The statements of the violations function's role. */
function roleStatements(): any[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^DriftRole') }] } });
  return Object.values(policies).flatMap((p: any) => stack.resolve(p.Properties.PolicyDocument.Statement));
}

/** An alarm's ARN as the synthesized template spells it. */
function alarmArn(name: string): object {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudwatch:us-east-1:111111111111:alarm:${name}`]] };
}

function alarmNamed(name: string): any {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return (found[0] as any).Properties;
}

describe('DriftAlarms', () => {
  test('the violations function is an arm64 function with its own role, log group and JSON logs', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^DriftLogs') } },
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('its settings list the schedules whose runs it reports, including those added after construction', () => {
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
    const settings = JSON.parse(stack.resolve(fn.Properties.Environment.Variables[VIOLATIONS_SETTINGS_VARIABLE]));
    expect(settings).toEqual({ schedulePrefixes: [PROD_SCHEDULE, STAGING_SCHEDULE] });
  });

  test('a rule hands it finished SageMaker processing jobs, with retries and a dead-letter queue', () => {
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.sagemaker'],
        'detail-type': ['SageMaker Processing Job State Change'],
        'detail': { ProcessingJobStatus: ['Completed', 'Failed', 'Stopped'] },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftFunction'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftFailedEvents'), 'Arn'] } },
      })],
    });
  });

  test('events the function still fails on after Lambda\'s retries go to the same queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^DriftFunction') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DriftFailedEvents'), 'Arn'] } } },
    });
  });

  test('the dead-letter queue is encrypted, keeps messages 14 days and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('an hourly environment\'s violations alarm: Maximum of its schedule\'s ConstraintViolations at or over the threshold in one hour', () => {
    const alarm = alarmNamed(`${PROD_SCHEDULE}-violations`);
    expect(alarm).toMatchObject({
      Namespace: 'MLOps/ModelMonitor',
      MetricName: 'ConstraintViolations',
      Dimensions: [{ Name: 'MonitoringSchedule', Value: PROD_SCHEDULE }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^Topic/) }],
    });
    expect(alarm.AlarmDescription).toMatch(/hourly Model Monitor data-quality check of endpoint churn-prod \(environment prod/);
    expect(alarm.AlarmDescription).toMatch(/found 3 or more constraint violations/);
    expect(alarm.AlarmDescription).toContain(`Reports: ${PROD_REPORTS}`);
  });

  test('its failures alarm: Maximum of MonitoringFailures at or over 1 in one hour', () => {
    const alarm = alarmNamed(`${PROD_SCHEDULE}-failures`);
    expect(alarm).toMatchObject({
      Namespace: 'MLOps/ModelMonitor',
      MetricName: 'MonitoringFailures',
      Dimensions: [{ Name: 'MonitoringSchedule', Value: PROD_SCHEDULE }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^Topic/) }],
    });
    expect(alarm.AlarmDescription).toMatch(/endpoint churn-prod .* failed or was stopped/);
  });

  test('a daily environment\'s alarms look at one day, and say how to find reports when no location is given', () => {
    expect(alarmNamed(`${STAGING_SCHEDULE}-violations`)).toMatchObject({ Period: 86400, Threshold: 1 });
    expect(alarmNamed(`${STAGING_SCHEDULE}-failures`)).toMatchObject({ Period: 86400, Threshold: 1 });
    expect(alarmNamed(`${STAGING_SCHEDULE}-violations`).AlarmDescription).toMatch(/Reports: each run's output in S3 \(ListMonitoringExecutions on churn-staging/);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
  });

  test('addEnvironment returns the environment\'s two alarms', () => {
    const nameOf = (alarm: cloudwatch.Alarm) => (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName;
    expect(nameOf(prod.violations)).toBe(`${PROD_SCHEDULE}-violations`);
    expect(nameOf(prod.failures)).toBe(`${PROD_SCHEDULE}-failures`);
    expect(nameOf(staging.violations)).toBe(`${STAGING_SCHEDULE}-violations`);
    expect(nameOf(staging.failures)).toBe(`${STAGING_SCHEDULE}-failures`);
    expect(drift.deadLetterQueue).toBeDefined();
  });

  test('may publish metrics only in its own namespace', () => {
    const statements = roleStatements().filter((s) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(statements).toEqual([{
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'MLOps/ModelMonitor' } },
    }]);
  });

  test('may list monitoring executions (no resource-level permission exists) and describe only processing jobs of its account and region', () => {
    const sagemaker = roleStatements().filter((s) => [s.Action].flat().some((a: string) => a.startsWith('sagemaker:')));
    expect(sagemaker).toEqual([
      { Effect: 'Allow', Action: 'sagemaker:ListMonitoringExecutions', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'sagemaker:DescribeProcessingJob',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:processing-job/*']] },
      },
    ]);
    const actions = roleStatements().flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
  });

  test('CloudWatch may publish each environment\'s alarms to the topic, and use the topic\'s key', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { ArnEquals: { 'aws:SourceArn': [alarmArn(`${PROD_SCHEDULE}-violations`), alarmArn(`${PROD_SCHEDULE}-failures`)] } },
          }),
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': [alarmArn(`${STAGING_SCHEDULE}-violations`), alarmArn(`${STAGING_SCHEDULE}-failures`)] } },
          }),
        ]),
      },
    });
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0] as any;
    const forCloudWatch = key.Properties.KeyPolicy.Statement.filter((s: any) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    expect(forCloudWatch).toEqual([{ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*' }]);
  });

  test('an imported topic cannot be opened to CloudWatch here: a warning says what its policy needs', () => {
    const other = newStack();
    const alarms = new DriftAlarms(other, 'Drift', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_MONTH });
    const imported = sns.Topic.fromTopicArn(other, 'Imported', 'arn:aws:sns:us-east-1:111111111111:ml-alerts');
    alarms.addEnvironment({ environmentName: 'dev', endpointName: 'churn-dev', scheduleName: monitoringScheduleName('churn-dev'), frequency: 'hourly', violationsThreshold: 1, topic: imported });
    Annotations.fromStack(other).hasWarning('/Test/Drift', Match.stringLikeRegexp('must let cloudwatch.amazonaws.com call sns:Publish'));
    Template.fromStack(other).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:us-east-1:111111111111:ml-alerts'] });
  });

  test('a topic from another stack of the app is opened to the alarms without making that stack depend on this one', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const shared = new Stack(app, 'Shared', { env });
    const { topic } = createEncryptedTopic(shared, { topicId: 'Topic', keyId: 'TopicKey', displayName: 'MLOps', keyDescription: 'Encrypts the shared topic' });
    const pipeline = new Stack(app, 'Pipeline', { env });
    new DriftAlarms(pipeline, 'Drift', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_MONTH })
      .addEnvironment({ environmentName: 'prod', endpointName: 'churn-prod', scheduleName: PROD_SCHEDULE, frequency: 'hourly', violationsThreshold: 1, topic });

    // Dependencies both ways would be a cycle, which the app's synthesis refuses.
    app.synth();
    expect(shared.dependencies).toEqual([]);
    expect(pipeline.dependencies).toEqual([shared]);
    const topicExport = { 'Fn::ImportValue': Match.stringLikeRegexp('^Shared:ExportsOutputRefTopic') };
    Template.fromStack(pipeline).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicExport] }, 2);
    Template.fromStack(shared).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: { ArnEquals: { 'aws:SourceArn': [alarmArn('churn-prod-data-quality-violations'), alarmArn('churn-prod-data-quality-failures')] } },
        })]),
      },
    });
  });

  test('every problem with an environment is reported at once, naming the field', () => {
    const other = newStack();
    const topic = new sns.Topic(other, 'Topic');
    const alarms = new DriftAlarms(other, 'Drift', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_MONTH });
    const valid: DriftAlarmsEnvironment = { environmentName: 'dev', endpointName: 'churn-dev', scheduleName: 'churn-dev-data-quality', frequency: 'hourly', violationsThreshold: 1, topic };
    alarms.addEnvironment(valid);
    const add = () => alarms.addEnvironment({ ...valid, scheduleName: 'churn_dev', frequency: 'weekly' as 'daily', violationsThreshold: 0 });
    expect(add).toThrow(MlopsValidationError);
    expect(add).toThrow(/environmentName: "dev" already has drift alarms/);
    expect(add).toThrow(/scheduleName: "churn_dev" is not a SageMaker monitoring schedule name/);
    expect(add).toThrow(/frequency: must be hourly or daily, got "weekly"/);
    expect(add).toThrow(/violationsThreshold: must be a whole number from 1 to/);
  });

  test('is cfn-lint clean', () => {
    expectCfnLintClean(template.toJSON());
  });

  describe('in a stack whose pipelines use shared handlers (an MlopsFramework\'s blueprint)', () => {
    const shared = newStack();
    useSharedHandlers(shared, SHARED_HANDLERS);
    const { topic } = createEncryptedTopic(shared, { topicId: 'Topic', keyId: 'TopicKey', displayName: 'MLOps churn', keyDescription: 'Encrypts the churn topic' });
    const sharedDrift = new DriftAlarms(shared, 'Drift', { pipelineName: 'churn-mlops', logRetention: logs.RetentionDays.ONE_YEAR });
    const sharedProd = sharedDrift.addEnvironment({
      environmentName: 'prod', endpointName: 'churn-prod', scheduleName: PROD_SCHEDULE, frequency: 'hourly', violationsThreshold: 3, topic,
    });
    const sharedTemplate = Template.fromStack(shared);

    test('makes no function, rule or queue: the framework stack publishes every schedule\'s metrics', () => {
      expect(sharedDrift.function).toBeUndefined();
      expect(sharedDrift.rule).toBeUndefined();
      expect(sharedDrift.deadLetterQueue).toBeUndefined();
      for (const type of ['AWS::Lambda::Function', 'AWS::Events::Rule', 'AWS::SQS::Queue', 'AWS::Lambda::EventInvokeConfig', 'AWS::IAM::Role']) {
        sharedTemplate.resourceCountIs(type, 0);
      }
    });

    test('still makes each environment\'s two alarms, notifying the topic, and lets CloudWatch publish to the topic and use its key', () => {
      sharedTemplate.resourceCountIs('AWS::CloudWatch::Alarm', 2);
      sharedTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `${PROD_SCHEDULE}-violations`, Threshold: 3, AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }] });
      expect(sharedProd.failures).toBeDefined();
      sharedTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' })]) },
      });
      sharedTemplate.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
      });
    });

    test('is cfn-lint clean and has no unacknowledged cdk-nag finding', () => {
      expectCfnLintClean(sharedTemplate.toJSON());
      expectNagClean(shared);
    });
  });

  test('has no unacknowledged cdk-nag finding', () => {
    expectNagClean(stack);
  });
});
