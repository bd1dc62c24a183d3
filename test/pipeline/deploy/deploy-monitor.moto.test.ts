import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDataQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  DescribeProcessingJobCommand,
  ListDataQualityJobDefinitionsCommand,
  ListProcessingJobsCommand,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job } from './deploy-fixtures';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import {
  baselineJobName,
  baselineJobPrefix,
  dataQualityDefinitionName,
  dataQualityDefinitionPrefix,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { monitoredEndpoint, monitoringDeploy } from '../../aws-contracts/worlds/monitoring-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { motoS3ClientConfig } from '../../harness/moto-server';
import { monitoringSpecFor, motoSageMaker, REGION } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * The Monitor step through the deploy handler against the suite's shared
 * moto server. moto 5.2.5 completes a processing job the moment it is
 * created (so a baseline takes two calls) and has data-quality job
 * definitions; the launcher adds monitoring schedules (see its header).
 * Nothing else the step calls is missing, but moto's
 * ListDataQualityJobDefinitions ignores NameContains and lists every
 * environment's definitions: the step's own name filter is what keeps a
 * neighbour's, which the second test checks. Names are unique per run since
 * other files share the server.
 */
const endpoint = process.env.MOTO_ENDPOINT!;
const sagemaker = motoSageMaker(endpoint);
const clients = {
  sagemaker,
  s3: new S3Client(motoS3ClientConfig(endpoint)),
  autoscaling: new ApplicationAutoScalingClient({ endpoint, region: REGION }),
};
const runId = Date.now().toString(36);
/** The environments of a pipeline detecting drift (endpoints `churn-<name>`), named per run. */
const ENVIRONMENTS = ['first', 'second', 'neighbour'].map((test) => ({ name: `${test}-${runId}`, modelQuality: false }));
checkHandlerCallsAs(monitoringDeploy(ENVIRONMENTS));

/** The monitored environment whose endpoint is `name`: the monitoring fixture less what the environment's spec says. */
function monitoredSpec(name: string) {
  expect(ENVIRONMENTS.map((env) => monitoredEndpoint(env.name))).toContain(name);
  const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...fields } = monitoringSpecFor(name);
  const monitoring: EnvironmentMonitoringSpec = fields;
  return deploySpec({ dev: envSpec({ endpointName: name, monitoring }) });
}

function monitor(spec: ReturnType<typeof monitoredSpec>, executionId: string) {
  const monitorJob = job(executionId);
  return runActionToCompletion((j) => runDeployJob(j, spec, clients), { ...monitorJob, userParameters: { ...monitorJob.userParameters, step: 'monitor' } });
}

/** The definition a baseline job's files make, as the step names it. */
function definitionOf(prefix: string, baselineJob: string): string {
  const folder = `s3://churn-monitoring/prod/baselines/${baselineJob}`;
  return dataQualityDefinitionName(prefix, `${folder}/statistics.json`, `${folder}/constraints.json`);
}

/** The environment's definitions (filtered here too: moto ignores NameContains). */
async function definitions(prefix: string): Promise<string[]> {
  const page = await sagemaker.send(new ListDataQualityJobDefinitionsCommand({ NameContains: dataQualityDefinitionPrefix(prefix), MaxResults: 100 }));
  return (page.JobDefinitionSummaries ?? []).map((d) => d.MonitoringJobDefinitionName!).filter((n) => n.startsWith(`${dataQualityDefinitionPrefix(prefix)}-`)).sort();
}

async function baselineJobs(prefix: string): Promise<string[]> {
  const page = await sagemaker.send(new ListProcessingJobsCommand({ NameContains: baselineJobPrefix(prefix), MaxResults: 100 }));
  return (page.ProcessingJobSummaries ?? []).map((j) => j.ProcessingJobName!).sort();
}

test('the first execution computes a baseline and creates the job definition on it and the schedule on that', async () => {
  const name = `churn-first-${runId}`;
  const spec = monitoredSpec(name);
  const prefix = spec.environments.dev.monitoring!.namePrefix;
  const baselineJob = baselineJobName(prefix, 'exec-1');

  const { final, steps } = await monitor(spec, 'exec-1');

  expect(steps[0].outcome).toMatchObject({ kind: 'in-progress', message: expect.stringMatching(`^Started baseline job ${baselineJob}`) });
  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { ScheduleName: monitoringScheduleName(prefix), BaselineJobName: baselineJob } });

  const baseline = await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: baselineJob }));
  expect(baseline.ProcessingInputs?.[0].S3Input?.S3Uri).toBe(spec.environments.dev.monitoring!.baselineDatasetUri);
  const definition = await sagemaker.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: definitionOf(prefix, baselineJob) }));
  expect(definition.DataQualityBaselineConfig?.StatisticsResource?.S3Uri).toBe(`s3://churn-monitoring/prod/baselines/${baselineJob}/statistics.json`);
  expect(definition.DataQualityJobInput?.EndpointInput?.EndpointName).toBe(name);
  const schedule = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(prefix) }));
  expect(schedule).toMatchObject({
    EndpointName: name,
    MonitoringScheduleConfig: { MonitoringJobDefinitionName: definitionOf(prefix, baselineJob), MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
  });
});

test('a second execution computes a new baseline, moves the schedule onto its definition and deletes the old definition, and no other environment\'s; a retry changes nothing', async () => {
  const spec = monitoredSpec(`churn-second-${runId}`);
  const prefix = spec.environments.dev.monitoring!.namePrefix;
  const [first, second] = ['exec-1', 'exec-2'].map((e) => baselineJobName(prefix, e));
  const neighbour = monitoredSpec(`churn-neighbour-${runId}`);
  const neighbourPrefix = neighbour.environments.dev.monitoring!.namePrefix;
  await monitor(neighbour, 'exec-1');
  await monitor(spec, 'exec-1');

  const { final } = await monitor(spec, 'exec-2');

  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { BaselineJobName: second } });
  expect(final.message).toContain(`removed old job definitions ${definitionOf(prefix, first)}`);
  const schedule = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(prefix) }));
  expect(schedule.MonitoringScheduleConfig?.MonitoringJobDefinitionName).toBe(definitionOf(prefix, second));
  expect(await definitions(prefix)).toEqual([definitionOf(prefix, second)]);
  expect(await baselineJobs(prefix)).toEqual([first, second].sort());
  expect(await definitions(neighbourPrefix)).toEqual([definitionOf(neighbourPrefix, baselineJobName(neighbourPrefix, 'exec-1'))]);

  // CodePipeline retrying the action of the same execution: the finished baseline is found, the schedule left as it is.
  const retry = await monitor(spec, 'exec-2');
  expect(retry.steps).toHaveLength(1);
  expect(retry.final).toMatchObject({ kind: 'succeeded', message: expect.stringContaining('unchanged') });
  expect(await baselineJobs(prefix)).toEqual([first, second].sort());
  expect(await definitions(prefix)).toEqual([definitionOf(prefix, second)]);
});
