import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  DeleteDataQualityJobDefinitionCommand,
  DeleteEndpointCommand,
  DeleteModelQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeEndpointCommand,
  ListDataQualityJobDefinitionsCommand,
  ListEndpointConfigsCommand,
  ListModelQualityJobDefinitionsCommand,
  ListModelsCommand,
} from '@aws-sdk/client-sagemaker';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { definitionSummaries, schedulesThere } from './cleanup-fixtures';

/** What is left of a monitored dev environment when its stack is deleted. */
export interface MonitoredDevLeft {
  /** The monitoring schedules DescribeMonitoringSchedule still finds. */
  readonly schedules: string[];
  /**
   * The data-quality job definitions ListDataQualityJobDefinitions answers.
   * @default none
   */
  readonly dataQualityDefinitions?: string[];
  /**
   * The model-quality job definitions ListModelQualityJobDefinitions answers.
   * @default none
   */
  readonly modelQualityDefinitions?: string[];
}

/**
 * AWS as the clean-up of a monitored dev environment finds it, for fault
 * tests whose clients are stubbed: the given schedules and definitions, the
 * serving endpoint InService, no scaling registered, no release configs or
 * models listed, and every deletion accepted. A case scripts what differs on
 * top.
 */
export function scriptMonitoredDev(
  sagemaker: AwsClientStub<SageMakerClient>,
  autoscaling: AwsClientStub<ApplicationAutoScalingClient>,
  left: MonitoredDevLeft,
): void {
  autoscaling.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [] });
  schedulesThere(sagemaker, left.schedules);
  sagemaker.on(DeleteMonitoringScheduleCommand).resolves({});
  sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: definitionSummaries(left.dataQualityDefinitions ?? []) });
  sagemaker.on(ListModelQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: definitionSummaries(left.modelQualityDefinitions ?? []) });
  sagemaker.on(DeleteDataQualityJobDefinitionCommand).resolves({});
  sagemaker.on(DeleteModelQualityJobDefinitionCommand).resolves({});
  sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: 'churn-dev', EndpointStatus: 'InService' });
  sagemaker.on(DeleteEndpointCommand).resolves({});
  sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
  sagemaker.on(ListModelsCommand).resolves({ Models: [] });
}
