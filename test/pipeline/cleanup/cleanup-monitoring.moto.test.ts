import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { cfnEvent, DEV, isCompleteEvent, MONITORED_DEV, MONITORING_PREFIX } from './cleanup-fixtures';
import { releaseMonitoredDev } from './monitored-release';
import { monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { CleanupEvent, handler, IsCompleteResponse, OnEventResponse } from '../../../src/runtime/handlers/cleanup.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { cleanupRole, cleanupWorldDeploy } from '../../aws-contracts/worlds/cleanup-world';
import { ownMotoServer } from '../../harness/own-moto-server';

checkHandlerCallsAs(cleanupRole('data-quality'));

/**
 * Deleting the stack of a drift-detecting environment against moto, after a
 * real release and Monitor step through the deploy handler. moto (with the
 * launcher's monitoring schedules) deletes a schedule and an endpoint at
 * once and, unlike SageMaker, would delete an endpoint a schedule still
 * watches: the order is checked by what is left after each pass. This file
 * resets the emulator between tests, so it runs its own server rather than
 * the suite's shared one.
 */
ownMotoServer();
let sagemaker: SageMakerClient;
let s3: S3Client;

const SCHEDULE = monitoringScheduleName(MONITORING_PREFIX);

beforeAll(() => {
  sagemaker = new SageMakerClient({});
  s3 = new S3Client({});
});

/** The dev environment of the deploy fixtures, released once and monitored, as its pipeline leaves it. */
beforeEach(async () => {
  await releaseMonitoredDev(sagemaker, s3, cleanupWorldDeploy('data-quality'));
});

/** One isComplete call of the Provider framework for the stack's Delete. */
async function deletionPass(request: CleanupEvent, onEvent: OnEventResponse): Promise<IsCompleteResponse> {
  return await handler(isCompleteEvent(request, onEvent)) as IsCompleteResponse;
}

async function scheduleExists(): Promise<boolean> {
  return sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: SCHEDULE })).then(() => true, () => false);
}
async function definitionNames(): Promise<string[]> {
  const page = await sagemaker.send(new ListDataQualityJobDefinitionsCommand({}));
  return (page.JobDefinitionSummaries ?? []).map((d) => d.MonitoringJobDefinitionName!);
}
async function endpointNames(): Promise<string[]> {
  return ((await sagemaker.send(new ListEndpointsCommand({}))).Endpoints ?? []).map((e) => e.EndpointName!);
}

test('the schedule is deleted first: the pass that deletes it is not done and leaves the endpoint serving', async () => {
  expect(await scheduleExists()).toBe(true);
  const request = cfnEvent('Delete', [MONITORED_DEV]);
  const onEvent = await handler(request) as OnEventResponse;

  expect(await deletionPass(request, onEvent)).toEqual({ IsComplete: false });

  expect(await scheduleExists()).toBe(false);
  expect(await sagemaker.send(new DescribeEndpointCommand({ EndpointName: DEV.endpointName }))).toMatchObject({ EndpointStatus: 'InService' });
  expect(await definitionNames()).toHaveLength(1);
});

test('the next pass deletes the job definitions and the endpoint, and the one after the releases', async () => {
  const request = cfnEvent('Delete', [MONITORED_DEV]);
  const onEvent = await handler(request) as OnEventResponse;
  await deletionPass(request, onEvent);

  expect(await deletionPass(request, onEvent)).toEqual({ IsComplete: false });
  expect(await definitionNames()).toEqual([]);
  expect(await endpointNames()).toEqual([]);

  expect(await deletionPass(request, onEvent)).toEqual({ IsComplete: true });
  expect((await sagemaker.send(new ListEndpointConfigsCommand({}))).EndpointConfigs ?? []).toEqual([]);
  expect((await sagemaker.send(new ListModelsCommand({}))).Models ?? []).toEqual([]);
});
