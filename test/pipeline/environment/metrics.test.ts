import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ByomPipeline, PipelineEnvironment } from '../../../src';
import { MODERN_APP_CONTEXT, TEST_ENV, basicProps, newStack } from '../fixtures';

const ENDPOINT = [{ Name: 'EndpointName', Value: 'churn-dev' }, { Name: 'VariantName', Value: 'AllTraffic' }];

function devEnvironment(stack: Stack): PipelineEnvironment {
  return new ByomPipeline(stack, 'Churn', basicProps(stack)).environments[0];
}

/** The alarm a user would make from a metric, as CloudFormation gets it. */
function alarmOn(stack: Stack, metric: cloudwatch.IMetric): void {
  new cloudwatch.Alarm(stack, 'UserAlarm', { alarmName: 'user-alarm', metric, threshold: 1, evaluationPeriods: 1 });
}

function expectUserAlarm(stack: Stack, properties: { [name: string]: unknown }): void {
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'user-alarm', ...properties });
}

describe('endpoint metrics, as aws-sagemaker-alpha has them', () => {
  test.each([
    ['metricInvocations', 'AWS/SageMaker', 'Invocations', 'Sum'],
    ['metricInvocationsPerInstance', 'AWS/SageMaker', 'InvocationsPerInstance', 'Sum'],
    ['metricModelLatency', 'AWS/SageMaker', 'ModelLatency', 'Average'],
    ['metricOverheadLatency', 'AWS/SageMaker', 'OverheadLatency', 'Average'],
    ['metricInvocation4xxErrors', 'AWS/SageMaker', 'Invocation4XXErrors', 'Sum'],
    ['metricInvocation5xxErrors', 'AWS/SageMaker', 'Invocation5XXErrors', 'Sum'],
    ['metricModelErrors', 'AWS/SageMaker', 'Invocation5XXErrors', 'Sum'],
    ['metricCpuUtilization', '/aws/sagemaker/Endpoints', 'CPUUtilization', 'Average'],
    ['metricMemoryUtilization', '/aws/sagemaker/Endpoints', 'MemoryUtilization', 'Average'],
    ['metricDiskUtilization', '/aws/sagemaker/Endpoints', 'DiskUtilization', 'Average'],
    ['metricGpuUtilization', '/aws/sagemaker/Endpoints', 'GPUUtilization', 'Average'],
    ['metricGpuMemoryUtilization', '/aws/sagemaker/Endpoints', 'GPUMemoryUtilization', 'Average'],
  ] as const)('%s: %s %s, %s over 5 minutes by default', (method, namespace, metricName, statistic) => {
    const stack = newStack();
    alarmOn(stack, devEnvironment(stack)[method]());
    expectUserAlarm(stack, { Namespace: namespace, MetricName: metricName, Statistic: statistic, Period: 300, Dimensions: ENDPOINT });
  });

  test('a period and a statistic given override the defaults', () => {
    const stack = newStack();
    alarmOn(stack, devEnvironment(stack).metricCpuUtilization({ period: Duration.minutes(1), statistic: 'Maximum' }));
    expectUserAlarm(stack, { MetricName: 'CPUUtilization', Statistic: 'Maximum', Period: 60 });
  });

  test('metric reaches either namespace by name, summed over 5 minutes unless told otherwise', () => {
    const stack = newStack();
    const dev = devEnvironment(stack);
    expect(dev.metric('/aws/sagemaker/Endpoints', 'LoadedModelCount')).toMatchObject({
      namespace: '/aws/sagemaker/Endpoints',
      metricName: 'LoadedModelCount',
      statistic: 'Sum',
      period: Duration.minutes(5),
      dimensions: { EndpointName: 'churn-dev', VariantName: 'AllTraffic' },
    });
    expect(dev.metric('AWS/SageMaker', 'ModelSetupTime', { statistic: 'p90' })).toMatchObject({ namespace: 'AWS/SageMaker', statistic: 'p90' });
  });

  test('an environment in another account and region says so in every namespace', () => {
    const app = new App({ context: MODERN_APP_CONTEXT });
    const stack = new Stack(app, 'Pipeline', { env: TEST_ENV });
    const [, prod] = new ByomPipeline(stack, 'Churn', basicProps(stack, {
      environments: [{ name: 'dev' }, { name: 'prod', account: '222222222222', region: 'eu-west-1' }],
    })).environments;
    for (const metric of [prod.metricInvocations(), prod.metricCpuUtilization(), prod.metric('/aws/sagemaker/Endpoints', 'DiskUtilization')]) {
      expect(metric).toMatchObject({ account: '222222222222', region: 'eu-west-1', dimensions: { EndpointName: 'churn-prod' } });
    }
  });

  test('the rollback alarms still look at each minute', () => {
    const stack = newStack();
    devEnvironment(stack);
    const template = Template.fromStack(stack);
    for (const metricName of ['Invocation5XXErrors', 'ModelLatency']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('^churn-dev-model-'), MetricName: metricName, Period: 60 });
    }
  });
});
