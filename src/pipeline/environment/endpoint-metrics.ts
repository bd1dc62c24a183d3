import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RollbackAlarmProps } from './environment-props';
import { rollbackAlarmNames } from '../../contract/naming';

/** The namespace of SageMaker's invocation metrics of an endpoint variant. */
export const INVOCATION_METRICS = 'AWS/SageMaker';
/** The namespace of an endpoint's instance utilization metrics (CPU, memory, disk, GPU). */
export const UTILIZATION_METRICS = '/aws/sagemaker/Endpoints';

/**
 * A metric of one endpoint variant, by the same dimensions in either
 * namespace. Its period is CloudWatch's default, 5 minutes, and its
 * statistic a sum, as in `@aws-cdk/aws-sagemaker-alpha`, unless `props` say otherwise.
 */
export function endpointMetric(
  endpointName: string, variantName: string, namespace: string, metricName: string, props: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { EndpointName: endpointName, VariantName: variantName },
    statistic: 'Sum',
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
 * The rollback alarms look at each minute, whatever the metric helpers'
 * default: their props are errors per minute (`maxErrorsPerMinute`) and
 * minutes to evaluate (`evaluationMinutes`).
 */
const ALARM_PERIOD = Duration.minutes(1);

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
    metric: endpointMetric(endpointName, variantName, INVOCATION_METRICS, 'Invocation5XXErrors', { statistic: 'Sum', period: ALARM_PERIOD }),
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
    metric: endpointMetric(endpointName, variantName, INVOCATION_METRICS, 'ModelLatency', { statistic: 'Average', period: ALARM_PERIOD }),
    threshold: maxLatency.toMilliseconds() * 1000,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { errors, latency, names };
}
