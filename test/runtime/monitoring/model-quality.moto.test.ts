import {
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  ListDataQualityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
} from '@aws-sdk/client-sagemaker';
import { modelQualitySpec, monitoringSpecFor, motoSageMaker } from './monitoring-fixtures';
import {
  modelQualityBaselineJobName,
  modelQualityDefinitionName,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';
import { continueBaseline, startBaseline } from '../../../src/runtime/model-monitor-baseline';
import { deleteSchedule, ensureSchedule } from '../../../src/runtime/monitoring-schedule';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { monitoredEndpoint, monitoringCleanup, monitoringDeploy } from '../../aws-contracts/worlds/monitoring-world';

/**
 * The model-quality baseline and schedule against the suite's shared moto
 * server. moto 5.2.5 has model-quality job definitions of its own (Create,
 * Describe, List with NameContains, Delete; ResourceInUse for a taken name);
 * the launcher adds the monitoring schedules and, for one on a model-quality
 * definition, the definition's endpoint (see its header). A processing job
 * is Completed the moment it is created. Names are unique per run since
 * other files share the server.
 */
const sm = motoSageMaker(process.env.MOTO_ENDPOINT!);
const runId = Date.now().toString(36);
/** A pipeline environment monitoring model quality, named per run. */
const ENVIRONMENTS = [{ name: `prod-${runId}`, modelQuality: true }];
// The deploy function computes the baselines and keeps the schedules; the clean-up function deletes them with the stack.
checkHandlerCallsAs(monitoringDeploy(ENVIRONMENTS));
const tearDown = () => actingAs(monitoringCleanup(ENVIRONMENTS)(), () => deleteSchedule(spec, sm, 'model-quality'));

const spec = monitoringSpecFor(monitoredEndpoint(ENVIRONMENTS[0].name), { modelQuality: modelQualitySpec() });
const SCHEDULE = modelQualityScheduleName(spec.namePrefix);
const baseline = (n: number) => ({ jobName: `mq${n}`, statisticsUri: `s3://m/mq${n}/statistics.json`, constraintsUri: `s3://m/mq${n}/constraints.json` });
const definitionOf = (n: number) => modelQualityDefinitionName(spec.namePrefix, baseline(n).constraintsUri);

async function ourDefinitions(): Promise<string[]> {
  const nameContains = modelQualityDefinitionPrefix(spec.namePrefix);
  const page = await sm.send(new ListModelQualityJobDefinitionsCommand({ NameContains: nameContains, MaxResults: 100 }));
  return (page.JobDefinitionSummaries ?? []).map((d) => d.MonitoringJobDefinitionName!).sort();
}

test('a model-quality baseline is started on the labelled dataset, then found completed under its own folder', async () => {
  const started = await startBaseline(spec, 'exec-a', sm, 'model-quality');
  const jobName = modelQualityBaselineJobName(spec.namePrefix, 'exec-a');
  expect(started).toMatchObject({ kind: 'in-progress', state: { jobName } });
  if (started.kind !== 'in-progress') return;

  const job = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: jobName }));
  expect(job.ProcessingInputs?.[0].S3Input?.S3Uri).toBe('s3://churn-data/model-quality/validation-scored.csv');

  const folder = `s3://churn-monitoring/prod/baselines/${jobName}`;
  expect(await continueBaseline(started.state, sm)).toMatchObject({
    kind: 'succeeded',
    baseline: { jobName, statisticsUri: `${folder}/statistics.json`, constraintsUri: `${folder}/constraints.json` },
  });
  // A retried action of the same execution finds that job rather than starting another.
  expect(await startBaseline(spec, 'exec-a', sm, 'model-quality')).toMatchObject({ kind: 'succeeded', baseline: { jobName } });
});

test('a model-quality schedule follows each new baseline, survives retries, and goes with the pipeline, leaving data quality alone', async () => {
  expect(await ensureSchedule(spec, baseline(1), sm, 'model-quality')).toMatchObject({ kind: 'created', scheduleName: SCHEDULE });
  expect(await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }))).toMatchObject({
    EndpointName: spec.endpointName,
    MonitoringType: 'ModelQuality',
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: definitionOf(1), MonitoringType: 'ModelQuality' },
  });
  const stored = await sm.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: definitionOf(1) }));
  expect(stored).toMatchObject({
    ModelQualityBaselineConfig: { ConstraintsResource: { S3Uri: baseline(1).constraintsUri } },
    ModelQualityAppSpecification: { ProblemType: 'BinaryClassification' },
    ModelQualityJobInput: {
      EndpointInput: { EndpointName: spec.endpointName, ProbabilityAttribute: '0', StartTimeOffset: '-P2D', EndTimeOffset: '-P1D' },
      GroundTruthS3Input: { S3Uri: 's3://churn-ground-truth/prod' },
    },
    StoppingCondition: { MaxRuntimeInSeconds: 1800 },
  });

  expect(await ensureSchedule(spec, baseline(1), sm, 'model-quality')).toMatchObject({ kind: 'unchanged' });

  expect(await ensureSchedule(spec, baseline(2), sm, 'model-quality')).toMatchObject({ kind: 'updated', cleanup: { removed: [definitionOf(1)], failed: [] } });
  const moved = await sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE }));
  expect(moved.MonitoringScheduleConfig?.MonitoringJobDefinitionName).toBe(definitionOf(2));
  expect(await ourDefinitions()).toEqual([definitionOf(2)]);
  // No data-quality schedule or definition was made along the way.
  await expect(sm.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(spec.namePrefix) }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  const dataQuality = await sm.send(new ListDataQualityJobDefinitionsCommand({ MaxResults: 100 }));
  expect((dataQuality.JobDefinitionSummaries ?? []).filter((d) => d.MonitoringJobDefinitionName!.startsWith(spec.namePrefix))).toEqual([]);

  expect(await tearDown()).toEqual({ scheduleDeleted: true, cleanup: { removed: [definitionOf(2)], failed: [] } });
  expect(await ourDefinitions()).toEqual([]);
  expect(await tearDown()).toEqual({ scheduleDeleted: false, cleanup: { removed: [], failed: [] } });
});
