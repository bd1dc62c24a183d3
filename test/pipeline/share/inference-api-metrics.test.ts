import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InferenceApi } from '../../../src';
import { newStack } from '../fixtures';

function apiIn(stack: Stack): InferenceApi {
  return new InferenceApi(stack, 'DevApi', { endpointName: 'churn-dev', releaseRecord: false });
}

/** The alarm a user would make from a metric, as CloudFormation gets it. */
function alarmProperties(stack: Stack, metric: cloudwatch.IMetric): any {
  new cloudwatch.Alarm(stack, 'UserAlarm', { alarmName: 'user-alarm', metric, threshold: 1, evaluationPeriods: 1 });
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'user-alarm' } });
  return Object.values(alarms)[0].Properties;
}

describe('the inference API\'s metrics are its stage\'s', () => {
  test.each([
    ['metricCount', 'Count', 'Sum'],
    ['metricLatency', 'Latency', 'Average'],
    ['metricIntegrationLatency', 'IntegrationLatency', 'Average'],
    ['metricClientError', '4XXError', 'Sum'],
    ['metricServerError', '5XXError', 'Sum'],
  ] as const)('%s: %s, %s over 5 minutes, by API name and stage', (method, metricName, statistic) => {
    const stack = newStack();
    const api = apiIn(stack);
    const stageId = stack.getLogicalId(api.restApi.deploymentStage.node.defaultChild as any);
    expect(alarmProperties(stack, api[method]())).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: metricName,
      Statistic: statistic,
      Period: 300,
      Dimensions: [{ Name: 'ApiName', Value: 'churn-dev-inference' }, { Name: 'Stage', Value: { Ref: stageId } }],
    });
  });

  test('metric reads any of the stage\'s metrics, summed unless told otherwise', () => {
    const stack = newStack();
    const api = apiIn(stack);
    expect(api.metric('CacheHitCount')).toMatchObject({ namespace: 'AWS/ApiGateway', metricName: 'CacheHitCount', statistic: 'Sum', period: Duration.minutes(5) });
    expect(api.metric('Latency', { statistic: 'p99', period: Duration.minutes(1) })).toMatchObject({ statistic: 'p99', period: Duration.minutes(1) });
  });

  test('the plural names still work, as the singular ones', () => {
    const stack = newStack();
    const api = apiIn(stack);
    expect(stack.resolve(api.metricClientErrors().toMetricConfig())).toEqual(stack.resolve(api.metricClientError().toMetricConfig()));
    expect(stack.resolve(api.metricServerErrors({ statistic: 'Maximum' }).toMetricConfig())).toEqual(stack.resolve(api.metricServerError({ statistic: 'Maximum' }).toMetricConfig()));
  });
});
