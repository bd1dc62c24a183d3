import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDataQualityJobDefinitionCommand,
  DescribeModelQualityJobDefinitionCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
  ListModelQualityJobDefinitionsCommand,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job } from './deploy-fixtures';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import {
  baselineJobName,
  dataQualityDefinitionName,
  dataQualityDefinitionPrefix,
  modelQualityBaselineJobName,
  modelQualityDefinitionName,
  modelQualityDefinitionPrefix,
  modelQualityScheduleName,
  monitoringScheduleName,
} from '../../../src/contract/monitoring-naming';
import { tearDownEnvironment } from '../../../src/runtime/endpoint-teardown';
import { actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { monitoredEndpoint, monitoringCleanup, monitoringDeploy } from '../../aws-contracts/worlds/monitoring-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { motoS3ClientConfig } from '../../harness/moto-server';
import { modelQualitySpec, monitoringSpecFor, motoSageMaker, REGION } from '../../runtime/monitoring/monitoring-fixtures';

/**
 * The Monitor step of an environment that also monitors model quality,
 * through the deploy handler against the suite's shared moto server, and its
 * teardown. moto 5.2.5 completes a processing job the moment it is created,
 * so each baseline takes one more call; it has model-quality job definitions
 * of its own, and the launcher adds monitoring schedules (see its header).
 * Names are unique per run since other files share the server.
 */
const endpoint = process.env.MOTO_ENDPOINT!;
const sagemaker = motoSageMaker(endpoint);
const autoscaling = new ApplicationAutoScalingClient({ endpoint, region: REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const clients = { sagemaker, s3: new S3Client(motoS3ClientConfig(endpoint)), autoscaling };
const runId = Date.now().toString(36);
const BASELINES = 's3://churn-monitoring/prod/baselines';
/** The environments of a pipeline detecting data and model drift (endpoints `churn-<name>`), named per run. */
const ENVIRONMENTS = ['mq-first', 'mq-second', 'mq-teardown'].map((test) => ({ name: `${test}-${runId}`, modelQuality: true }));
// Its deploy function runs the Monitor steps; its clean-up function tears an environment down with the stack.
checkHandlerCallsAs(monitoringDeploy(ENVIRONMENTS));
const tearDown = (env: Parameters<typeof tearDownEnvironment>[0]) =>
  actingAs(monitoringCleanup(ENVIRONMENTS)(), () => tearDownEnvironment(env, { sagemaker, autoscaling }));

/** The environment whose endpoint is `name`, monitoring data and model quality. */
function monitoredSpec(name: string) {
  expect(ENVIRONMENTS.map((env) => monitoredEndpoint(env.name))).toContain(name);
  const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...fields } = monitoringSpecFor(name, { modelQuality: modelQualitySpec() });
  const monitoring: EnvironmentMonitoringSpec = fields;
  return deploySpec({ dev: envSpec({ endpointName: name, monitoring }) });
}

function monitor(spec: ReturnType<typeof monitoredSpec>, executionId: string) {
  const monitorJob = job(executionId);
  return runActionToCompletion((j) => runDeployJob(j, spec, clients), { ...monitorJob, userParameters: { ...monitorJob.userParameters, step: 'monitor' } });
}

const dataQualityDefinitionOf = (prefix: string, executionId: string) => {
  const folder = `${BASELINES}/${baselineJobName(prefix, executionId)}`;
  return dataQualityDefinitionName(prefix, `${folder}/statistics.json`, `${folder}/constraints.json`);
};
const modelQualityDefinitionOf = (prefix: string, executionId: string) =>
  modelQualityDefinitionName(prefix, `${BASELINES}/${modelQualityBaselineJobName(prefix, executionId)}/constraints.json`);

/** The environment's definitions of each kind (filtered here too: moto's data-quality list ignores NameContains). */
async function definitions(prefix: string): Promise<{ dataQuality: string[]; modelQuality: string[] }> {
  const dq = await sagemaker.send(new ListDataQualityJobDefinitionsCommand({ NameContains: dataQualityDefinitionPrefix(prefix), MaxResults: 100 }));
  const mq = await sagemaker.send(new ListModelQualityJobDefinitionsCommand({ NameContains: modelQualityDefinitionPrefix(prefix), MaxResults: 100 }));
  const ours = (names: Array<string | undefined>, definitionPrefix: string) => names.filter((n): n is string => !!n && n.startsWith(`${definitionPrefix}-`)).sort();
  return {
    dataQuality: ours((dq.JobDefinitionSummaries ?? []).map((d) => d.MonitoringJobDefinitionName), dataQualityDefinitionPrefix(prefix)),
    modelQuality: ours((mq.JobDefinitionSummaries ?? []).map((d) => d.MonitoringJobDefinitionName), modelQualityDefinitionPrefix(prefix)),
  };
}

test('the first execution makes the data-quality schedule, then the model-quality baseline, definition and schedule; both schedules are output', async () => {
  const name = `churn-mq-first-${runId}`;
  const spec = monitoredSpec(name);
  const prefix = spec.environments.dev.monitoring!.namePrefix;
  const mqBaseline = modelQualityBaselineJobName(prefix, 'exec-1');

  const { final, steps } = await monitor(spec, 'exec-1');

  expect(steps.map((s) => s.outcome.kind)).toEqual(['in-progress', 'in-progress', 'succeeded']);
  expect(steps[1].outcome).toMatchObject({ message: `Started baseline job ${mqBaseline} on s3://churn-data/model-quality/validation-scored.csv` });
  expect(final).toMatchObject({
    kind: 'succeeded',
    outputVariables: { ScheduleName: monitoringScheduleName(prefix), BaselineJobName: baselineJobName(prefix, 'exec-1'), ModelQualityScheduleName: modelQualityScheduleName(prefix) },
  });
  expect(final.message).toContain(`Monitoring schedule ${monitoringScheduleName(prefix)} created`);
  expect(final.message).toContain(`model-quality baseline ${mqBaseline} computed; Monitoring schedule ${modelQualityScheduleName(prefix)} created`);

  const dq = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: monitoringScheduleName(prefix) }));
  expect(dq).toMatchObject({ EndpointName: name, MonitoringScheduleConfig: { MonitoringType: 'DataQuality', MonitoringJobDefinitionName: dataQualityDefinitionOf(prefix, 'exec-1') } });
  const mq = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: modelQualityScheduleName(prefix) }));
  expect(mq).toMatchObject({ EndpointName: name, MonitoringScheduleConfig: { MonitoringType: 'ModelQuality', MonitoringJobDefinitionName: modelQualityDefinitionOf(prefix, 'exec-1') } });
  const definition = await sagemaker.send(new DescribeModelQualityJobDefinitionCommand({ JobDefinitionName: modelQualityDefinitionOf(prefix, 'exec-1') }));
  expect(definition).toMatchObject({
    ModelQualityBaselineConfig: { ConstraintsResource: { S3Uri: `${BASELINES}/${mqBaseline}/constraints.json` } },
    ModelQualityJobInput: { EndpointInput: { EndpointName: name }, GroundTruthS3Input: { S3Uri: 's3://churn-ground-truth/prod' } },
    RoleArn: spec.environments.dev.monitoring!.roleArn,
  });
  await sagemaker.send(new DescribeDataQualityJobDefinitionCommand({ JobDefinitionName: dataQualityDefinitionOf(prefix, 'exec-1') }));
});

test('a second execution moves both schedules onto its baselines and deletes the old definitions; a retry changes nothing', async () => {
  const spec = monitoredSpec(`churn-mq-second-${runId}`);
  const prefix = spec.environments.dev.monitoring!.namePrefix;
  await monitor(spec, 'exec-1');

  const { final } = await monitor(spec, 'exec-2');

  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { ModelQualityScheduleName: modelQualityScheduleName(prefix) } });
  expect(final.message).toContain(`Monitoring schedule ${modelQualityScheduleName(prefix)} updated on ${modelQualityDefinitionOf(prefix, 'exec-2')}`);
  expect(final.message).toContain(`removed old model-quality job definitions ${modelQualityDefinitionOf(prefix, 'exec-1')}`);
  expect(final.message).toContain(`removed old job definitions ${dataQualityDefinitionOf(prefix, 'exec-1')}`);
  const mq = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: modelQualityScheduleName(prefix) }));
  expect(mq.MonitoringScheduleConfig?.MonitoringJobDefinitionName).toBe(modelQualityDefinitionOf(prefix, 'exec-2'));
  expect(await definitions(prefix)).toEqual({ dataQuality: [dataQualityDefinitionOf(prefix, 'exec-2')], modelQuality: [modelQualityDefinitionOf(prefix, 'exec-2')] });

  // CodePipeline retrying the action of the same execution: both baselines are found done, both schedules left as they are.
  const retry = await monitor(spec, 'exec-2');
  expect(retry.steps).toHaveLength(1);
  expect(retry.final.message).toContain(`Monitoring schedule ${modelQualityScheduleName(prefix)} unchanged`);
  expect(await definitions(prefix)).toEqual({ dataQuality: [dataQualityDefinitionOf(prefix, 'exec-2')], modelQuality: [modelQualityDefinitionOf(prefix, 'exec-2')] });
});

test('tearing the environment down deletes both schedules first, then both kinds of definitions', async () => {
  const name = `churn-mq-teardown-${runId}`;
  const spec = monitoredSpec(name);
  const prefix = spec.environments.dev.monitoring!.namePrefix;
  await monitor(spec, 'exec-1');
  const env = { endpointName: name, releasePrefix: name, variantName: 'AllTraffic', monitoringPrefix: prefix };

  const first = await tearDown(env);

  expect(first).toEqual({
    endpointName: name,
    done: false,
    steps: [`deleting monitoring schedule ${monitoringScheduleName(prefix)}`, `deleting monitoring schedule ${modelQualityScheduleName(prefix)}`],
    remaining: [monitoringScheduleName(prefix), modelQualityScheduleName(prefix), name],
  });
  for (const schedule of [monitoringScheduleName(prefix), modelQualityScheduleName(prefix)]) {
    await expect(sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: schedule }))).rejects.toMatchObject({ name: 'ResourceNotFound' });
  }

  // No endpoint was released here, so once the definitions are gone the environment is.
  const second = await tearDown(env);
  expect(second).toMatchObject({ done: true, remaining: [] });
  expect(second.steps).toEqual([
    `deleted data-quality job definition ${dataQualityDefinitionOf(prefix, 'exec-1')}`,
    `deleted model-quality job definition ${modelQualityDefinitionOf(prefix, 'exec-1')}`,
  ]);
  expect(await definitions(prefix)).toEqual({ dataQuality: [], modelQuality: [] });
});
