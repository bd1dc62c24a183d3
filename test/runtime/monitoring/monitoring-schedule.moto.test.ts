import {
  DescribeDataQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
} from '@aws-sdk/client-sagemaker';
import { monitoringSpecFor, motoSageMaker } from './monitoring-fixtures';
import { dataQualityDefinitionName, monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import type { MonitoringSpec } from '../../../src/contract/monitoring-settings';
import { deleteSchedule, ensureSchedule } from '../../../src/runtime/monitoring-schedule';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { monitoredEndpoint, monitoringCleanup, monitoringDeploy } from '../../aws-contracts/worlds/monitoring-world';

/**
 * The schedule's life against the suite's shared moto server. moto 5.2.5 has
 * data-quality job definitions but no monitoring schedules; the launcher adds
 * them (and ResourceInUse for a taken definition name), see its header.
 * Names are unique per run since other files share the server.
 */
const sm = motoSageMaker(process.env.MOTO_ENDPOINT!);
const runId = Date.now().toString(36);
/** The environments of a pipeline detecting drift, named per run. */
const ENVIRONMENTS = [`prod-${runId}`, `stage-${runId}`].map((name) => ({ name, modelQuality: false }));
// The deploy function keeps the schedules; the clean-up function deletes them with the stack.
checkHandlerCallsAs(monitoringDeploy(ENVIRONMENTS));
const tearDown = (env: MonitoringSpec) => actingAs(monitoringCleanup(ENVIRONMENTS)(), () => deleteSchedule(env, sm));

const spec = monitoringSpecFor(monitoredEndpoint(ENVIRONMENTS[0].name));
const SCHEDULE = monitoringScheduleName(spec.namePrefix);
const baseline = (n: number) => ({ jobName: `b${n}`, statisticsUri: `s3://m/b${n}/statistics.json`, constraintsUri: `s3://m/b${n}/constraints.json` });
const definitionOf = (n: number) => dataQualityDefinitionName(spec.namePrefix, baseline(n).statisticsUri, baseline(n).constraintsUri);

async function ourDefinitions(): Promise<string[]> {
  const page = await sm.send(new ListDataQualityJobDefinitionsCommand({ MaxResults: 100 }));
  return (page.JobDefinitionSummaries ?? [])
    .map((d) => d.MonitoringJobDefinitionName!)
    .filter((n) => n.startsWith(spec.namePrefix))
    .sort();
}

test('a schedule follows each new baseline, survives retries, and goes with the pipeline', async () => {
  expect(await ensureSchedule(spec, baseline(1), sm)).toMatchObject({ kind: 'created', scheduleName: SCHEDULE });
  const first = await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }));
  expect(first).toMatchObject({
    EndpointName: spec.endpointName,
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: definitionOf(1), MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
  });
  const stored = await sm.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: definitionOf(1) }));
  expect(stored.DataQualityBaselineConfig?.ConstraintsResource?.S3Uri).toBe(baseline(1).constraintsUri);

  // A retried action changes nothing.
  expect(await ensureSchedule(spec, baseline(1), sm)).toMatchObject({ kind: 'unchanged' });

  // A new baseline: new definition, schedule moved onto it, the old definition deleted.
  expect(await ensureSchedule(spec, baseline(2), sm)).toMatchObject({ kind: 'updated', cleanup: { removed: [definitionOf(1)], failed: [] } });
  const second = await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }));
  expect(second.MonitoringScheduleConfig?.MonitoringJobDefinitionName).toBe(definitionOf(2));
  expect(await ourDefinitions()).toEqual([definitionOf(2)]);

  // Clean-up, then clean-up again (a retried stack delete).
  expect(await tearDown(spec)).toEqual({ scheduleDeleted: true, cleanup: { removed: [definitionOf(2)], failed: [] } });
  await expect(sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  expect(await ourDefinitions()).toEqual([]);
  expect(await tearDown(spec)).toEqual({ scheduleDeleted: false, cleanup: { removed: [], failed: [] } });
});

test('changing the frequency to daily updates the schedule on the same baseline', async () => {
  const env = monitoringSpecFor(monitoredEndpoint(ENVIRONMENTS[1].name));
  await ensureSchedule(env, baseline(1), sm);
  expect(await ensureSchedule({ ...env, schedule: 'daily' }, baseline(1), sm)).toMatchObject({ kind: 'updated' });
  const schedule = await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(env.namePrefix) }));
  expect(schedule.MonitoringScheduleConfig?.ScheduleConfig?.ScheduleExpression).toBe('cron(0 0 ? * * *)');
  await tearDown(env);
});
