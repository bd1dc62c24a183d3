import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EnvironmentMonitoringSpec } from '../../contract/deploy-settings';
import { passRole } from './release-permissions';
import {
  baselineJobPrefix,
  dataQualityDefinitionPrefix,
  modelQualityBaselineJobPrefix,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../contract/monitoring-naming';

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

/** The names one kind of monitoring uses: its baseline jobs, its job definitions and its schedule. */
interface MonitoringNames {
  /** `DataQuality` or `ModelQuality`, as SageMaker's action and resource names spell it. */
  readonly kind: 'DataQuality' | 'ModelQuality';
  readonly baselineJobPrefix: string;
  readonly definitionPrefix: string;
  readonly scheduleName: string;
}

function dataQualityStatements(monitoring: EnvironmentMonitoringSpec, arn: SageMakerArn): iam.PolicyStatement[] {
  return kindStatements(arn, {
    kind: 'DataQuality',
    baselineJobPrefix: baselineJobPrefix(monitoring.namePrefix),
    definitionPrefix: dataQualityDefinitionPrefix(monitoring.namePrefix),
    scheduleName: monitoringScheduleName(monitoring.namePrefix),
  });
}

function modelQualityStatements(monitoring: EnvironmentMonitoringSpec, arn: SageMakerArn): iam.PolicyStatement[] {
  return kindStatements(arn, {
    kind: 'ModelQuality',
    baselineJobPrefix: modelQualityBaselineJobPrefix(monitoring.namePrefix),
    definitionPrefix: modelQualityDefinitionPrefix(monitoring.namePrefix),
    scheduleName: modelQualityScheduleName(monitoring.namePrefix),
  });
}

/** One kind's baseline jobs, job definitions and schedule, by name, and listing its definitions. */
function kindStatements(arn: SageMakerArn, names: MonitoringNames): iam.PolicyStatement[] {
  const definition = `${names.kind}JobDefinition`;
  const definitionResource = names.kind === 'DataQuality' ? 'data-quality-job-definition' : 'model-quality-job-definition';
  return [
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:AddTags'],
      resources: [arn('processing-job', `${names.baselineJobPrefix}-*`)],
    }),
    new iam.PolicyStatement({
      actions: [`sagemaker:Create${definition}`, `sagemaker:Describe${definition}`, `sagemaker:Delete${definition}`, 'sagemaker:AddTags'],
      resources: [arn(definitionResource, `${names.definitionPrefix}-*`)],
    }),
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateMonitoringSchedule', 'sagemaker:UpdateMonitoringSchedule', 'sagemaker:DescribeMonitoringSchedule', 'sagemaker:AddTags'],
      resources: [arn('monitoring-schedule', names.scheduleName)],
    }),
    // List actions cannot be scoped to resources; the handler keeps only this environment's definitions.
    new iam.PolicyStatement({ actions: [`sagemaker:List${definition}s`], resources: ['*'] }),
  ];
}
