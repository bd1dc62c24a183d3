import 'aws-sdk-client-mock-jest';
import {
  CreateDataQualityJobDefinitionCommand,
  CreateMonitoringScheduleCommand,
  DeleteDataQualityJobDefinitionCommand,
  DeleteMonitoringScheduleCommand,
  DescribeDataQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
  SageMakerClient,
  UpdateMonitoringScheduleCommand,
} from '@aws-sdk/client-sagemaker';
import { awsError, monitoringSpec } from './monitoring-fixtures';
import { dataQualityDefinitionName, monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { deleteSchedule, ensureSchedule, scheduleExpression } from '../../../src/runtime/monitoring-schedule';
import { mockedClients } from '../../harness/mocked-clients';

const { sagemaker } = mockedClients({ sagemaker: SageMakerClient });
const client = new SageMakerClient({ region: 'us-east-1' });
const spec = monitoringSpec();
const SCHEDULE = monitoringScheduleName(spec.namePrefix);
const BASELINE = { jobName: 'b1', statisticsUri: 's3://m/b1/statistics.json', constraintsUri: 's3://m/b1/constraints.json' };
const DEFINITION = dataQualityDefinitionName(spec.namePrefix, BASELINE.statisticsUri, BASELINE.constraintsUri);
const OLD_DEFINITION = dataQualityDefinitionName(spec.namePrefix, 's3://m/b0/statistics.json', 's3://m/b0/constraints.json');
const notFound = (what: string) => awsError('ResourceNotFound', `${what} not found`);

beforeEach(() => {
  sagemaker.on(DescribeDataQualityJobDefinitionCommand).rejects(notFound('Job definition'));
  sagemaker.on(CreateDataQualityJobDefinitionCommand).resolves({});
  sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({ JobDefinitionSummaries: [] });
});

function existingSchedule(definition: string, expression = 'cron(0 * ? * * *)', status = 'Scheduled') {
  sagemaker.on(DescribeMonitoringScheduleCommand).resolves({
    MonitoringScheduleName: SCHEDULE,
    MonitoringScheduleStatus: status as 'Scheduled',
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: definition, MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: expression } },
  });
}

describe('scheduleExpression', () => {
  test('hourly and daily are the cron expressions SageMaker accepts', () => {
    expect(scheduleExpression('hourly')).toBe('cron(0 * ? * * *)');
    expect(scheduleExpression('daily')).toBe('cron(0 0 ? * * *)');
    expect(() => scheduleExpression('weekly' as 'daily')).toThrow(/Unknown monitoring frequency "weekly"/);
  });
});

describe('ensureSchedule', () => {
  test('first baseline: creates the job definition on the baseline and the schedule on it', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(awsError('ResourceNotFound', `Schedule ${SCHEDULE} not found`));
    sagemaker.on(CreateMonitoringScheduleCommand).resolves({});

    const outcome = await ensureSchedule(spec, BASELINE, client);

    expect(outcome).toMatchObject({ kind: 'created', scheduleName: SCHEDULE });
    expect(sagemaker).toHaveReceivedCommandWith(CreateDataQualityJobDefinitionCommand, {
      JobDefinitionName: DEFINITION,
      DataQualityBaselineConfig: { StatisticsResource: { S3Uri: BASELINE.statisticsUri }, ConstraintsResource: { S3Uri: BASELINE.constraintsUri } },
      DataQualityAppSpecification: { ImageUri: spec.imageUri },
      // An hourly job may not outrun its hour: the 7200 s of the spec is capped.
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
    const definition = sagemaker.commandCalls(CreateDataQualityJobDefinitionCommand)[0].args[0].input;
    expect(definition.DataQualityJobInput!.EndpointInput).toMatchObject({ EndpointName: 'churn-prod' });
    expect(definition.DataQualityJobOutputConfig!.MonitoringOutputs![0].S3Output!.S3Uri).toBe('s3://churn-monitoring/prod/reports');
    expect(sagemaker).toHaveReceivedCommandWith(CreateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: { ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' }, MonitoringJobDefinitionName: DEFINITION, MonitoringType: 'DataQuality' },
    });
  });

  test('a daily schedule keeps the full job runtime', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(notFound('Schedule'));
    await ensureSchedule(monitoringSpec({ schedule: 'daily' }), BASELINE, client);
    expect(sagemaker).toHaveReceivedCommandWith(CreateDataQualityJobDefinitionCommand, { StoppingCondition: { MaxRuntimeInSeconds: 7200 } });
  });

  test('a new baseline: the schedule is updated to the new definition and the old definition deleted', async () => {
    existingSchedule(OLD_DEFINITION);
    sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({
      JobDefinitionSummaries: [OLD_DEFINITION, DEFINITION, 'churn-prod-mon2-dq-b0123456789'].map((n) => ({
        MonitoringJobDefinitionName: n, MonitoringJobDefinitionArn: 'arn', CreationTime: new Date(), EndpointName: 'churn-prod',
      })),
    });

    const outcome = await ensureSchedule(spec, BASELINE, client);

    expect(outcome).toMatchObject({ kind: 'updated', cleanup: { removed: [OLD_DEFINITION], failed: [] } });
    expect(sagemaker).toHaveReceivedCommandWith(UpdateMonitoringScheduleCommand, {
      MonitoringScheduleName: SCHEDULE,
      MonitoringScheduleConfig: expect.objectContaining({ MonitoringJobDefinitionName: DEFINITION }),
    });
    // Neither the new definition nor another environment's is touched.
    expect(sagemaker).toHaveReceivedCommandTimes(DeleteDataQualityJobDefinitionCommand, 1);
  });

  test('a changed frequency updates the schedule even on the same baseline', async () => {
    existingSchedule(DEFINITION, 'cron(0 * ? * * *)');
    await ensureSchedule(monitoringSpec({ schedule: 'daily' }), BASELINE, client);
    expect(sagemaker).toHaveReceivedCommandWith(UpdateMonitoringScheduleCommand, {
      MonitoringScheduleConfig: expect.objectContaining({ ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } }),
    });
  });

  test('a retried call finds everything in place and changes nothing', async () => {
    sagemaker.on(DescribeDataQualityJobDefinitionCommand).resolves({ JobDefinitionName: DEFINITION });
    existingSchedule(DEFINITION);
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({ kind: 'unchanged' });
    expect(sagemaker).not.toHaveReceivedCommand(CreateDataQualityJobDefinitionCommand);
    expect(sagemaker).not.toHaveReceivedCommand(CreateMonitoringScheduleCommand);
    expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);
  });

  test('schedule already exists on create (a concurrent attempt): it is updated instead', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand)
      .rejectsOnce(notFound('Schedule'))
      .resolves({ MonitoringScheduleStatus: 'Scheduled', MonitoringScheduleConfig: { MonitoringJobDefinitionName: OLD_DEFINITION } });
    sagemaker.on(CreateMonitoringScheduleCommand).rejects(awsError('ResourceInUse', `Monitoring schedule ${SCHEDULE} already exists`));
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({ kind: 'updated' });
    expect(sagemaker).toHaveReceivedCommand(UpdateMonitoringScheduleCommand);
  });

  test('job definition already exists on create (a concurrent attempt) is fine', async () => {
    sagemaker.on(CreateDataQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', `Job definition ${DEFINITION} already exists`));
    existingSchedule(DEFINITION);
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({ kind: 'unchanged' });
  });

  test('a Pending schedule is not updated yet: busy, call again', async () => {
    existingSchedule(OLD_DEFINITION, 'cron(0 * ? * * *)', 'Pending');
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({ kind: 'busy' });
    expect(sagemaker).not.toHaveReceivedCommand(UpdateMonitoringScheduleCommand);
  });

  test('throttling is thrown for the handler to retry', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    await expect(ensureSchedule(spec, BASELINE, client)).rejects.toThrow('Rate exceeded');
  });

  test('a refused job definition (bad role, bad image) is thrown, not taken for an existing one', async () => {
    sagemaker.on(CreateDataQualityJobDefinitionCommand).rejects(awsError('ValidationException', 'Role cannot be assumed'));
    await expect(ensureSchedule(spec, BASELINE, client)).rejects.toThrow('Role cannot be assumed');
    expect(sagemaker).not.toHaveReceivedCommand(DescribeMonitoringScheduleCommand);
  });

  test('access denied looking up the job definition is thrown', async () => {
    sagemaker.on(DescribeDataQualityJobDefinitionCommand).rejects(awsError('AccessDeniedException', 'not allowed'));
    await expect(ensureSchedule(spec, BASELINE, client)).rejects.toThrow('not allowed');
  });

  test('a refused schedule create is thrown', async () => {
    sagemaker.on(DescribeMonitoringScheduleCommand).rejects(notFound('Schedule'));
    sagemaker.on(CreateMonitoringScheduleCommand).rejects(awsError('ResourceLimitExceeded', 'too many schedules'));
    await expect(ensureSchedule(spec, BASELINE, client)).rejects.toThrow('too many schedules');
  });

  test('an old definition deleted meanwhile by someone else counts as removed', async () => {
    existingSchedule(OLD_DEFINITION);
    sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({
      JobDefinitionSummaries: [{ MonitoringJobDefinitionName: OLD_DEFINITION, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'e' }],
    });
    sagemaker.on(DeleteDataQualityJobDefinitionCommand).rejects(notFound('Job definition'));
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({ cleanup: { removed: [OLD_DEFINITION], failed: [] } });
  });

  test('an old definition that cannot be deleted yet is reported, not fatal', async () => {
    existingSchedule(OLD_DEFINITION);
    sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({
      JobDefinitionSummaries: [{ MonitoringJobDefinitionName: OLD_DEFINITION, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'e' }],
    });
    sagemaker.on(DeleteDataQualityJobDefinitionCommand).rejects(awsError('ResourceInUse', 'in use by a running job'));
    expect(await ensureSchedule(spec, BASELINE, client)).toMatchObject({
      kind: 'updated',
      cleanup: { removed: [], failed: [{ name: OLD_DEFINITION, reason: 'in use by a running job' }] },
    });
  });
});

describe('deleteSchedule', () => {
  test('deletes the schedule and every definition of the environment', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).resolves({});
    sagemaker.on(ListDataQualityJobDefinitionsCommand).resolves({
      JobDefinitionSummaries: [{ MonitoringJobDefinitionName: DEFINITION, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'e' }],
    });
    sagemaker.on(DeleteDataQualityJobDefinitionCommand).resolves({});
    expect(await deleteSchedule(spec, client)).toEqual({ scheduleDeleted: true, cleanup: { removed: [DEFINITION], failed: [] } });
    expect(sagemaker).toHaveReceivedCommandWith(DeleteMonitoringScheduleCommand, { MonitoringScheduleName: SCHEDULE });
  });

  test('a schedule already gone is tolerated', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(awsError('ResourceNotFound', `Monitoring schedule ${SCHEDULE} not found`));
    expect(await deleteSchedule(spec, client)).toEqual({ scheduleDeleted: false, cleanup: { removed: [], failed: [] } });
  });

  test('another error deleting the schedule is thrown', async () => {
    sagemaker.on(DeleteMonitoringScheduleCommand).rejects(awsError('AccessDeniedException', 'not allowed'));
    await expect(deleteSchedule(spec, client)).rejects.toThrow('not allowed');
  });
});
