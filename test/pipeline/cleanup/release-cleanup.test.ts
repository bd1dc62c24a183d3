import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEV, PROD } from './cleanup-fixtures';
import { RELEASE_CLEANUP_RESOURCE_TYPE, ReleaseCleanup } from '../../../src/pipeline/cleanup/release-cleanup';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean, nagFindings } from '../../harness/nag';

const TEST_ENV = { account: '111111111111', region: 'us-east-1' };

function newStack(): Stack {
  return new Stack(new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } }), 'Test', { env: TEST_ENV });
}

function cleanupStack(environments = [DEV, PROD]): { stack: Stack; cleanup: ReleaseCleanup; template: Template } {
  const stack = newStack();
  const cleanup = new ReleaseCleanup(stack, 'Cleanup', { environments, logRetention: logs.RetentionDays.ONE_YEAR });
  return { stack, cleanup, template: Template.fromStack(stack) };
}

/** Every statement of the clean-up handler's own role. */
function handlerStatements(template: Template, stack: Stack, cleanup: ReleaseCleanup): any[] {
  const roleId = stack.getLogicalId(cleanup.role.node.defaultChild as any);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

const arn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${resource}`]] });

describe('ReleaseCleanup', () => {
  test('a custom resource lists every environment\'s endpoint, release prefix and variant', () => {
    const { template } = cleanupStack();
    template.resourceCountIs(RELEASE_CLEANUP_RESOURCE_TYPE, 1);
    template.hasResource(RELEASE_CLEANUP_RESOURCE_TYPE, {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CleanupProviderframeworkonEvent'), 'Arn'] },
        Environments: [
          { endpointName: 'churn-dev', releasePrefix: 'churn-dev', variantName: 'AllTraffic' },
          { endpointName: 'churn-prod', releasePrefix: 'churn-prod', variantName: 'AllTraffic' },
        ],
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('an environment added later is in the properties (so adding one updates the resource) and in the policy', () => {
    const stack = newStack();
    const cleanup = new ReleaseCleanup(stack, 'Cleanup', { logRetention: logs.RetentionDays.ONE_WEEK });
    cleanup.addEnvironment(PROD);
    const template = Template.fromStack(stack);
    template.hasResourceProperties(RELEASE_CLEANUP_RESOURCE_TYPE, { Environments: [PROD] });
    expect(handlerStatements(template, stack, cleanup)).toContainEqual(expect.objectContaining({
      Action: ['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'],
      Resource: arn('sagemaker:us-east-1:111111111111:endpoint/churn-prod'),
    }));
  });

  test('without environments the resource lists none and grants no SageMaker delete', () => {
    const { template, stack, cleanup } = cleanupStack([]);
    template.hasResourceProperties(RELEASE_CLEANUP_RESOURCE_TYPE, { Environments: [] });
    const actions = handlerStatements(template, stack, cleanup).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.startsWith('sagemaker:Delete'))).toEqual([]);
  });

  test('the handler is an arm64 function on the newest Node.js runtime, with its own role and log group', () => {
    const { template } = cleanupStack();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 300,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CleanupRole'), 'Arn'] },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^CleanupLogs') } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('deletion polls every 30 seconds for at most 55 minutes, under CloudFormation\'s one-hour limit', () => {
    const { template } = cleanupStack();
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(1);
    const definition = JSON.stringify(Object.values(machines)[0].Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30,\\"MaxAttempts\\":110,\\"BackoffRate\\":1');
  });

  test('no role uses an AWS managed policy', () => {
    const { template } = cleanupStack();
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('the handler may delete only its environments\' endpoints and the releases under their prefixes', () => {
    const { template, stack, cleanup } = cleanupStack();
    const statements = handlerStatements(template, stack, cleanup);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'], Resource: arn('sagemaker:us-east-1:111111111111:endpoint/churn-dev') },
      { Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint'], Resource: arn('sagemaker:us-east-1:111111111111:endpoint/churn-prod') },
      // `?` is one character: <prefix>-r<10 hex>, not another environment's longer prefix.
      { Effect: 'Allow', Action: 'sagemaker:DeleteEndpointConfig', Resource: arn('sagemaker:us-east-1:111111111111:endpoint-config/churn-dev-r??????????') },
      { Effect: 'Allow', Action: 'sagemaker:DeleteModel', Resource: arn('sagemaker:us-east-1:111111111111:model/churn-prod-r??????????') },
      {
        Effect: 'Allow',
        Action: ['sagemaker:ListEndpointConfigs', 'sagemaker:ListModels', 'application-autoscaling:DescribeScalableTargets'],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: 'application-autoscaling:DeregisterScalableTarget',
        Resource: arn('application-autoscaling:us-east-1:111111111111:scalable-target/*'),
        Condition: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'sagemaker',
            'application-autoscaling:scalable-dimension': ['sagemaker:variant:DesiredInstanceCount', 'sagemaker:variant:DesiredProvisionedConcurrency'],
          },
        },
      },
      {
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
        Resource: arn('cloudwatch:us-east-1:111111111111:alarm:TargetTracking-endpoint/churn-dev/*'),
      },
    ]));
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    expect([...actions].sort()).toEqual([
      'application-autoscaling:DeregisterScalableTarget',
      'application-autoscaling:DescribeScalableTargets',
      'cloudwatch:DeleteAlarms',
      'cloudwatch:DescribeAlarms',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'sagemaker:DeleteEndpoint',
      'sagemaker:DeleteEndpointConfig',
      'sagemaker:DeleteModel',
      'sagemaker:DescribeEndpoint',
      'sagemaker:ListEndpointConfigs',
      'sagemaker:ListModels',
    ]);
  });

  test('ARNs name SageMaker resources in lower case, as SageMaker does; alarm names keep the endpoint\'s case', () => {
    const { template, stack, cleanup } = cleanupStack([{ endpointName: 'Churn-Dev', releasePrefix: 'Churn-Dev', variantName: 'AllTraffic' }]);
    const resources = JSON.stringify(handlerStatements(template, stack, cleanup).map((s) => s.Resource));
    expect(resources).toContain(':endpoint/churn-dev"');
    expect(resources).toContain(':model/churn-dev-r??????????"');
    expect(resources).not.toMatch(/:sagemaker:[^"]*Churn-Dev/);
    expect(resources).toContain(':alarm:TargetTracking-endpoint/Churn-Dev/*"');
  });

  test('the framework functions run on roles of their own that may only invoke the handler and write their logs', () => {
    const { template, cleanup, stack } = cleanupStack();
    const handlerRole = stack.getLogicalId(cleanup.role.node.defaultChild as any);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => p.Properties.Roles[0].Ref !== handlerRole && /ProviderOnEventRole|ProviderWaiterRole/.test(p.Properties.Roles[0].Ref));
    expect(policies).toHaveLength(2);
    const actions = new Set(policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat())));
    expect([...actions].sort()).toEqual(['lambda:GetFunction', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents', 'states:StartExecution']);
  });

  test('a monitored environment\'s handler may delete both its schedules and its job definitions of both kinds, by name', () => {
    const monitored = { ...DEV, monitoringPrefix: 'churn-dev-mon' };
    const { template, stack, cleanup } = cleanupStack([monitored, PROD]);
    const statements = handlerStatements(template, stack, cleanup);
    expect(statements).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: ['sagemaker:DeleteMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule'],
        Resource: [
          arn('sagemaker:us-east-1:111111111111:monitoring-schedule/churn-dev-mon-data-quality'),
          arn('sagemaker:us-east-1:111111111111:monitoring-schedule/churn-dev-mon-model-quality'),
        ],
      },
      { Effect: 'Allow', Action: 'sagemaker:DeleteDataQualityJobDefinition', Resource: arn('sagemaker:us-east-1:111111111111:data-quality-job-definition/churn-dev-mon-dq-*') },
      { Effect: 'Allow', Action: 'sagemaker:DeleteModelQualityJobDefinition', Resource: arn('sagemaker:us-east-1:111111111111:model-quality-job-definition/churn-dev-mon-mq-*') },
      { Effect: 'Allow', Action: 'sagemaker:ListDataQualityJobDefinitions', Resource: '*' },
      { Effect: 'Allow', Action: 'sagemaker:ListModelQualityJobDefinitions', Resource: '*' },
    ]));
    // Only the monitored environment's: the other one has no monitoring prefix.
    expect(JSON.stringify(statements)).not.toContain('churn-prod-mon');
    expect(JSON.stringify(statements.filter((st) => JSON.stringify(st).includes('quality')))).not.toContain('churn-prod');
  });

  test('an environment without a monitoring prefix gets no monitoring statement', () => {
    const { template, stack, cleanup } = cleanupStack();
    const actions = handlerStatements(template, stack, cleanup).flatMap((st) => [st.Action].flat());
    expect(actions.filter((a: string) => /Monitoring|Quality/.test(a))).toEqual([]);
  });

  test('a monitored environment\'s statements have no unacknowledged cdk-nag finding', () => {
    const { stack } = cleanupStack([{ ...DEV, monitoringPrefix: 'churn-dev-mon' }]);
    expectNagClean(stack);
  });

  test('is cfn-lint clean', () => {
    expectCfnLintClean(cleanupStack().stack);
  });

  test('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const { stack } = cleanupStack();
    expectNagClean(stack);
  });

  test('an unexplained wildcard added to the handler\'s role is still reported', () => {
    const { stack, cleanup } = cleanupStack();
    cleanup.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:DeleteEndpoint'], resources: ['arn:aws:sagemaker:us-east-1:111111111111:endpoint/*'] }));
    expect(nagFindings(stack).map((f) => f.ruleId)).toContain('AwsSolutions-IAM5[Resource::arn:aws:sagemaker:us-east-1:111111111111:endpoint/*]');
  });
});
