import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RollbackAlarmProps } from './environment-props';
import { rollbackAlarmNames } from '../../contract/naming';

/** SageMaker's metrics of one endpoint variant (namespace `AWS/SageMaker`). */
export function endpointMetric(endpointName: string, variantName: string, metricName: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SageMaker',
    metricName,
    dimensionsMap: { EndpointName: endpointName, VariantName: variantName },
    period: Duration.minutes(1),
    ...props,
  });
}

/** The two alarms that roll a release back and keep watching the endpoint. */
export interface RollbackAlarms {
  readonly errors: cloudwatch.Alarm;
  readonly latency: cloudwatch.Alarm;
  /** Their names as literals, for settings that must not depend on the alarms' resources. */
  readonly names: string[];
}

/**
 * Alarms on the model's 5XX errors and its latency, named after the endpoint
 * so the deploy handler can hand them to SageMaker's automatic rollback.
 */
export function createRollbackAlarms(scope: Construct, endpointName: string, variantName: string, props: RollbackAlarmProps = {}): RollbackAlarms {
  const evaluationPeriods = props.evaluationMinutes ?? 2;
  const names = rollbackAlarmNames(endpointName);
  const errors = new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmName: names[0],
    alarmDescription: `Model 5XX errors on endpoint ${endpointName}; rolls a release back while its traffic moves`,
    metric: endpointMetric(endpointName, variantName, 'Invocation5XXErrors', { statistic: 'Sum' }),
    threshold: props.maxErrorsPerMinute ?? 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const maxLatency = props.maxModelLatency ?? Duration.seconds(2);
  const latency = new cloudwatch.Alarm(scope, 'LatencyAlarm', {
    alarmName: names[1],
    alarmDescription: `Average model latency over ${maxLatency.toHumanString()} on endpoint ${endpointName}; rolls a release back while its traffic moves`,
    // SageMaker reports ModelLatency in microseconds.
    metric: endpointMetric(endpointName, variantName, 'ModelLatency', { statistic: 'Average' }),
    threshold: maxLatency.toMilliseconds() * 1000,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { errors, latency, names };
}
