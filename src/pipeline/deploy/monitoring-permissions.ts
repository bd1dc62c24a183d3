import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EnvironmentMonitoringSpec } from './deploy-spec';
import { passRole } from './release-permissions';
import {
  baselineJobPrefix,
  dataQualityDefinitionPrefix,
  modelQualityBaselineJobPrefix,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../monitoring/monitoring-naming';

/**
 * What the Monitor step of one environment takes: its baseline jobs, its
 * data-quality job definitions and its one schedule (all by name), passing
 * its monitoring role, and nothing else; with model-quality monitoring, the
 * same for its model-quality baseline jobs, definitions and schedule.
 */
export function monitoringPermissions(scope: Construct, monitoring: EnvironmentMonitoringSpec): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  // SageMaker writes names in lower case in its ARNs.
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: resourceName.toLowerCase() });
  return [
    ...dataQualityStatements(monitoring, arn),
    ...(monitoring.modelQuality ? modelQualityStatements(monitoring, arn) : []),
    passRole(monitoring.roleArn),
  ];
}

type SageMakerArn = (resource: string, resourceName: string) => string;

function dataQualityStatements(monitoring: EnvironmentMonitoringSpec, arn: SageMakerArn): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:AddTags'],
      resources: [arn('processing-job', `${baselineJobPrefix(monitoring.namePrefix)}-*`)],
    }),
    new iam.PolicyStatement({
      actions: [
        'sagemaker:CreateDataQualityJobDefinition',
        'sagemaker:DescribeDataQualityJobDefinition',
        'sagemaker:DeleteDataQualityJobDefinition',
        'sagemaker:AddTags',
      ],
      resources: [arn('data-quality-job-definition', `${dataQualityDefinitionPrefix(monitoring.namePrefix)}-*`)],
    }),
    new iam.PolicyStatement({
      actions: [
        'sagemaker:CreateMonitoringSchedule',
        'sagemaker:UpdateMonitoringSchedule',
        'sagemaker:DescribeMonitoringSchedule',
        'sagemaker:AddTags',
      ],
      resources: [arn('monitoring-schedule', monitoringScheduleName(monitoring.namePrefix))],
    }),
    // List actions cannot be scoped to resources; the handler keeps only this environment's definitions.
    new iam.PolicyStatement({ actions: ['sagemaker:ListDataQualityJobDefinitions'], resources: ['*'] }),
  ];
}

function modelQualityStatements(monitoring: EnvironmentMonitoringSpec, arn: SageMakerArn): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:AddTags'],
      resources: [arn('processing-job', `${modelQualityBaselineJobPrefix(monitoring.namePrefix)}-*`)],
    }),
    new iam.PolicyStatement({
      actions: [
        'sagemaker:CreateModelQualityJobDefinition',
        'sagemaker:DescribeModelQualityJobDefinition',
        'sagemaker:DeleteModelQualityJobDefinition',
        'sagemaker:AddTags',
      ],
      resources: [arn('model-quality-job-definition', `${modelQualityDefinitionPrefix(monitoring.namePrefix)}-*`)],
    }),
    new iam.PolicyStatement({
      actions: [
        'sagemaker:CreateMonitoringSchedule',
        'sagemaker:UpdateMonitoringSchedule',
        'sagemaker:DescribeMonitoringSchedule',
        'sagemaker:AddTags',
      ],
      resources: [arn('monitoring-schedule', modelQualityScheduleName(monitoring.namePrefix))],
    }),
    // As for data quality: the handler keeps only this environment's definitions.
    new iam.PolicyStatement({ actions: ['sagemaker:ListModelQualityJobDefinitions'], resources: ['*'] }),
  ];
}
