import 'aws-sdk-client-mock-jest';
import {
  DeleteDataQualityJobDefinitionCommand,
  DeleteEndpointCommand,
  DeleteModelQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeMonitoringScheduleCommand,
  ListModelQualityJobDefinitionsCommand,
} from '@aws-sdk/client-sagemaker';
import {
  deletePoll,
  mockedTeardownClients,
  MONITORED_DEV,
  MONITORING_PREFIX,
  schedulesThere,
} from './cleanup-fixtures';
import { scriptMonitoredDev } from './monitored-dev-world';
import {
  dataQualityDefinitionName,
  modelQualityDefinitionName,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';
import { tearDownEnvironment } from '../../../src/runtime/endpoint-teardown';
import { isComplete } from '../../../src/runtime/handlers/cleanup.lambda';
import { awsError } from '../../fixtures/aws-error';

/**
 * Tearing down an environment that monitors model quality too, when AWS
 * answers what moto cannot: schedules whose deletion settles at different
 * times, definitions still in use, throttling, missing permissions. The
 * clean-up is told only the monitoring prefix, so it looks for both schedules.
 */
const { sagemaker, autoscaling, clients } = mockedTeardownClients();

const DQ_SCHEDULE = monitoringScheduleName(MONITORING_PREFIX);
const MQ_SCHEDULE = modelQualityScheduleName(MONITORING_PREFIX);
const DQ_DEFINITION = dataQualityDefinitionName(MONITORING_PREFIX, 's3://m/b1/statistics.json', 's3://m/b1/constraints.json');
const MQ_DEFINITION = modelQualityDefinitionName(MONITORING_PREFIX, 's3://m/mq1/constraints.json');

beforeEach(() => {
  // Default world: both schedules, one definition of each kind and the serving endpoint are there.
  scriptMonitoredDev(sagemaker, autoscaling, {
    schedules: [DQ_SCHEDULE, MQ_SCHEDULE],
    dataQualityDefinitions: [DQ_DEFINITION],
    modelQualityDefinitions: [MQ_DEFINITION],
  });
});

test('both schedules are deleted in the first pass, which is not done and touches neither definitions nor the endpoint', async () => {
  const progress = await tearDownEnvironment(MONITORED_DEV, clients);

  expect(progress).toEqual({
    endpointName: 'churn-dev',
    done: false,
    steps: [`deleting monitoring schedule ${DQ_SCHEDULE}`, `deleting monitoring schedule ${MQ_SCHEDULE}`],
    remaining: [DQ_SCHEDULE, MQ_SCHEDULE, 'churn-dev'],
  });
  expect(sagemaker).toHaveReceivedCommandWith(DeleteMonitoringScheduleCommand, { MonitoringScheduleName: MQ_SCHEDULE });
  expect(sagemaker).not.toHaveReceivedCommand(DeleteModelQualityJobDefinitionCommand);
  expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
});

test('a model-quality schedule still being deleted holds the endpoint back, though the data-quality one is gone', async () => {
  schedulesThere(sagemaker, [MQ_SCHEDULE]);
  const progress = await tearDownEnvironment(MONITORED_DEV, clients);
  expect(progress).toMatchObject({ done: false, remaining: [MQ_SCHEDULE, 'churn-dev'] });
  expect(sagemaker).not.toHaveReceivedCommand(DeleteDataQualityJobDefinitionCommand);
  expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
});

test('once both schedules are gone, the definitions of both kinds go, then the endpoint', async () => {
  schedulesThere(sagemaker, []);
  const order: string[] = [];
  const deleted = (name: string) => {
    order.push(name);
    return {};
  };
  sagemaker.on(DeleteDataQualityJobDefinitionCommand).callsFake(({ JobDefinitionName }) => deleted(JobDefinitionName));
  sagemaker.on(DeleteModelQualityJobDefinitionCommand).callsFake(({ JobDefinitionName }) => deleted(JobDefinitionName));
  sagemaker.on(DeleteEndpointCommand).callsFake(({ EndpointName }) => deleted(EndpointName));

  const progress = await tearDownEnvironment(MONITORED_DEV, clients);

  expect(order).toEqual([DQ_DEFINITION, MQ_DEFINITION, 'churn-dev']);
  expect(progress.steps).toEqual([
    `deleted data-quality job definition ${DQ_DEFINITION}`,
    `deleted model-quality job definition ${MQ_DEFINITION}`,
    'deleting endpoint churn-dev (was InService)',
  ]);
});

test('an environment that never monitored model quality finds no model-quality schedule or definition, and goes on', async () => {
  schedulesThere(sagemaker, []);
  sagemaker.on(ListModelQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
  sagemaker.on(DeleteMonitoringScheduleCommand).rejects(awsError('ResourceNotFound', 'Monitoring schedule does not exist.'));
  const progress = await tearDownEnvironment(MONITORED_DEV, clients);
  expect(progress.steps).not.toContainEqual(expect.stringContaining('model-quality'));
  expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
});

test('a model-quality definition SageMaker will not delete yet is reported and does not hold up the endpoint', async () => {
  schedulesThere(sagemaker, []);
  sagemaker.on(DeleteModelQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', 'Job definition is in use by a monitoring schedule'));
  const progress = await tearDownEnvironment(MONITORED_DEV, clients);
  expect(progress.steps).toContain(`could not delete model-quality job definition ${MQ_DEFINITION} (Job definition is in use by a monitoring schedule); left in place`);
  expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
});

test('throttling on the model-quality schedule is "not complete yet", not a failure', async () => {
  sagemaker.on(DescribeMonitoringScheduleCommand, { MonitoringScheduleName: MQ_SCHEDULE }).rejects(awsError('ThrottlingException', 'Rate exceeded'));
  expect(await isComplete(deletePoll([MONITORED_DEV]), clients)).toEqual({ IsComplete: false });
  expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
});

test('AccessDenied on the model-quality schedule fails the deletion, naming it', async () => {
  sagemaker.on(DeleteMonitoringScheduleCommand, { MonitoringScheduleName: MQ_SCHEDULE })
    .rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DeleteMonitoringSchedule'));
  await expect(isComplete(deletePoll([MONITORED_DEV]), clients)).rejects.toThrow(
    `Could not delete monitoring schedule ${MQ_SCHEDULE}: AccessDeniedException: not authorized to perform: sagemaker:DeleteMonitoringSchedule`,
  );
});

test('AccessDenied listing the model-quality definitions fails the deletion, naming the prefix, and the endpoint stays', async () => {
  schedulesThere(sagemaker, []);
  sagemaker.on(ListModelQualityJobDefinitionsCommand)
    .rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:ListModelQualityJobDefinitions'));
  await expect(tearDownEnvironment(MONITORED_DEV, clients)).rejects.toThrow(
    `Could not delete the model-quality job definitions of ${MONITORING_PREFIX}: AccessDeniedException: not authorized to perform: sagemaker:ListModelQualityJobDefinitions`,
  );
  expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
});
