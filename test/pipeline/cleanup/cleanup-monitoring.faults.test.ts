import 'aws-sdk-client-mock-jest';
import {
  DeleteDataQualityJobDefinitionCommand,
  DeleteEndpointCommand,
  DeleteMonitoringScheduleCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
} from '@aws-sdk/client-sagemaker';
import {
  definitionSummaries,
  deletePoll,
  DEV,
  mockedTeardownClients,
  MONITORED_DEV,
  MONITORING_PREFIX,
  PROD,
} from './cleanup-fixtures';
import { scriptMonitoredDev } from './monitored-dev-world';
import { dataQualityDefinitionName, monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { tearDownEnvironment } from '../../../src/runtime/endpoint-teardown';
import { handler, isComplete, readEnvironments } from '../../../src/runtime/handlers/cleanup.lambda';
import { awsError } from '../../fixtures/aws-error';

/**
 * Tearing down a drift-detecting environment when AWS answers what moto
 * cannot: a schedule still there, definitions still in use, throttling,
 * missing permissions; and the properties check of its monitoringPrefix.
 */
const { sagemaker, autoscaling, clients } = mockedTeardownClients();

const SCHEDULE = monitoringScheduleName(MONITORING_PREFIX);
const definition = (n: number) => dataQualityDefinitionName(MONITORING_PREFIX, `s3://m/b${n}/statistics.json`, `s3://m/b${n}/constraints.json`);
/** Another environment's definition: ListDataQualityJobDefinitions' NameContains may still answer it. */
const NEIGHBOUR_DEFINITION = dataQualityDefinitionName('churn-dev-eu-mon', 's3://m/b1/statistics.json', 's3://m/b1/constraints.json');
const noSchedule = () => awsError('ResourceNotFound', `Monitoring schedule "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/${SCHEDULE}" does not exist.`);

function definitionsListed(names: string[]): void {
  sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: definitionSummaries(names) });
}

beforeEach(() => {
  // Default world: the data-quality schedule and the serving endpoint are there (no model-quality
  // schedule: the environment does not monitor model quality), no scaling, no definitions listed.
  scriptMonitoredDev(sagemaker, autoscaling, { schedules: [SCHEDULE] });
});

describe('teardown of a monitored environment', () => {
  test('the schedule is deleted before anything else, and that pass is not done', async () => {
    const progress = await tearDownEnvironment(MONITORED_DEV, clients);

    expect(progress).toEqual({ endpointName: 'churn-dev', done: false, steps: [`deleting monitoring schedule ${SCHEDULE}`], remaining: [SCHEDULE, 'churn-dev'] });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteMonitoringScheduleCommand, { MonitoringScheduleName: SCHEDULE });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
    expect(sagemaker).not.toHaveReceivedCommand(DeleteDataQualityJobDefinitionCommand);
    expect(autoscaling.calls()).toHaveLength(0);
  });

  test('once the schedule is gone, the next pass deletes the environment\'s definitions, and only those, then the endpoint', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(noSchedule());
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(noSchedule());
    definitionsListed([definition(1), NEIGHBOUR_DEFINITION, definition(2)]);
    const order: string[] = [];
    sagemaker.on(DeleteDataQualityJobDefinitionCommand).callsFake(({ JobDefinitionName }) => {
      order.push(JobDefinitionName);
      return {};
    });
    sagemaker.on(DeleteEndpointCommand).callsFake(({ EndpointName }) => {
      order.push(EndpointName);
      return {};
    });

    const progress = await tearDownEnvironment(MONITORED_DEV, clients);

    expect(order).toEqual([definition(1), definition(2), 'churn-dev']);
    expect(progress).toMatchObject({ done: false, remaining: ['churn-dev'] });
    expect(progress.steps).toEqual([
      `deleted data-quality job definition ${definition(1)}`,
      `deleted data-quality job definition ${definition(2)}`,
      'deleting endpoint churn-dev (was InService)',
    ]);
  });

  test('a definition SageMaker will not delete yet is reported and does not hold up the endpoint', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(noSchedule());
    definitionsListed([definition(1)]);
    sagemaker.on(DeleteDataQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', 'Job definition is in use by a monitoring schedule'));

    const progress = await tearDownEnvironment(MONITORED_DEV, clients);

    expect(progress.steps).toContain(`could not delete data-quality job definition ${definition(1)} (Job definition is in use by a monitoring schedule); left in place`);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
  });

  test('a schedule gone between the look and the delete is fine: the pass is not done, and the next goes on', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(noSchedule());
    expect(await tearDownEnvironment(MONITORED_DEV, clients)).toMatchObject({ done: false });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
  });

  test('an environment without a monitoringPrefix makes no monitoring call', async () => {
    await tearDownEnvironment(DEV, clients);
    expect(sagemaker).not.toHaveReceivedCommand(DescribeMonitoringScheduleCommand);
    expect(sagemaker).not.toHaveReceivedCommand(ListDataQualityJobDefinitionsCommand);
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
  });

  test('the other environments of the stack are not held up by a monitored one', async () => {
    expect(await isComplete(deletePoll([MONITORED_DEV, PROD]), clients)).toEqual({ IsComplete: false });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-prod' });
    expect(sagemaker).not.toHaveReceivedCommandWith(DeleteEndpointCommand, { EndpointName: 'churn-dev' });
  });
});

describe('teardown of a monitored environment: faults', () => {
  test('throttling on the schedule is "not complete yet", not a failure', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    expect(await isComplete(deletePoll([MONITORED_DEV]), clients)).toEqual({ IsComplete: false });
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
  });

  test('AccessDenied on the schedule fails the deletion, naming the schedule', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:DeleteMonitoringSchedule'));
    await expect(isComplete(deletePoll([MONITORED_DEV]), clients)).rejects.toThrow(
      `Could not delete monitoring schedule ${SCHEDULE}: AccessDeniedException: not authorized to perform: sagemaker:DeleteMonitoringSchedule`,
    );
  });

  test('AccessDenied listing the definitions fails the deletion, naming the prefix, and the endpoint stays', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(noSchedule());
    sagemaker.on(ListDataQualityJobDefinitionsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: sagemaker:ListDataQualityJobDefinitions'));
    await expect(tearDownEnvironment(MONITORED_DEV, clients)).rejects.toThrow(
      `Could not delete the data-quality job definitions of ${MONITORING_PREFIX}: AccessDeniedException: not authorized to perform: sagemaker:ListDataQualityJobDefinitions`,
    );
    expect(sagemaker).not.toHaveReceivedCommand(DeleteEndpointCommand);
  });
});

describe('readEnvironments: monitoringPrefix', () => {
  test('a SageMaker name is kept; an environment without one has none', () => {
    expect(readEnvironments({ Environments: [MONITORED_DEV, DEV] }).map((e) => e.monitoringPrefix)).toEqual([MONITORING_PREFIX, undefined]);
  });

  test.each([
    ['churn dev mon', '"churn dev mon"'],
    ['', '""'],
    ['-churn', '"-churn"'],
    [42, '42'],
    [null, 'null'],
  ])('%p is refused, naming Environments[i].monitoringPrefix', (value, shown) => {
    expect(() => readEnvironments({ Environments: [DEV, { ...DEV, monitoringPrefix: value }] }))
      .toThrow(`Environments[1].monitoringPrefix is not a SageMaker name: ${shown}`);
  });

  test('a Delete with a malformed monitoringPrefix fails before any AWS call', async () => {
    await expect(handler(deletePoll([{ ...MONITORED_DEV, monitoringPrefix: 'churn_dev' }]))).rejects.toThrow('Environments[0].monitoringPrefix is not a SageMaker name: "churn_dev"');
    expect(sagemaker.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
  });
});
