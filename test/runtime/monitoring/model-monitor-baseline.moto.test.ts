import { DescribeProcessingJobCommand, ListProcessingJobsCommand } from '@aws-sdk/client-sagemaker';
import { monitoringSpecFor, motoSageMaker } from './monitoring-fixtures';
import { baselineJobName } from '../../../src/contract/monitoring-naming';
import { continueBaseline, startBaseline } from '../../../src/runtime/model-monitor-baseline';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { monitoredEndpoint, monitoringDeploy } from '../../aws-contracts/worlds/monitoring-world';

/**
 * The baseline sequence against the suite's shared moto server. moto 5.2.5
 * implements CreateProcessingJob and DescribeProcessingJob, but a job is
 * Completed the moment it is created (no InProgress, no failure), and it keeps
 * neither Environment nor ProcessingResources; the in-progress, failure and
 * request-shape paths are covered by the fault tests. Names are unique per run
 * since other files share the server.
 */
const sm = motoSageMaker(process.env.MOTO_ENDPOINT!);
const runId = Date.now().toString(36);
/** The environments of a pipeline detecting drift, named per run: its deploy function computes their baselines. */
const ENVIRONMENTS = [`prod-${runId}`, `stage-${runId}`].map((name) => ({ name, modelQuality: false }));
checkHandlerCallsAs(monitoringDeploy(ENVIRONMENTS));

const spec = monitoringSpecFor(monitoredEndpoint(ENVIRONMENTS[0].name));

test('a baseline is started, then found completed with its two files under the job folder', async () => {
  const started = await startBaseline(spec, 'exec-a', sm);
  expect(started.kind).toBe('in-progress');
  if (started.kind !== 'in-progress') return;

  const job = await sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: started.state.jobName }));
  expect(job.AppSpecification?.ImageUri).toBe(spec.imageUri);
  expect(job.ProcessingInputs?.[0].S3Input?.S3Uri).toBe(spec.baselineDatasetUri);

  const done = await continueBaseline(started.state, sm);
  const folder = `s3://churn-monitoring/prod/baselines/${baselineJobName(spec.namePrefix, 'exec-a')}`;
  expect(done).toMatchObject({
    kind: 'succeeded',
    baseline: { statisticsUri: `${folder}/statistics.json`, constraintsUri: `${folder}/constraints.json` },
  });
});

test('a retried action of the same execution reuses the job; a new execution starts another', async () => {
  const stage = monitoringSpecFor(monitoredEndpoint(ENVIRONMENTS[1].name));
  await startBaseline(stage, 'exec-b', sm);
  const retried = await startBaseline(stage, 'exec-b', sm);
  // moto ended the first job already: the retry reports it rather than creating a second.
  expect(retried.kind).toBe('succeeded');
  await startBaseline(stage, 'exec-c', sm);

  const jobs = await sm.send(new ListProcessingJobsCommand({ NameContains: `${stage.namePrefix}-baseline`, MaxResults: 100 }));
  const names = (jobs.ProcessingJobSummaries ?? []).map((j) => j.ProcessingJobName).sort();
  expect(names).toEqual([baselineJobName(stage.namePrefix, 'exec-b'), baselineJobName(stage.namePrefix, 'exec-c')].sort());
});
