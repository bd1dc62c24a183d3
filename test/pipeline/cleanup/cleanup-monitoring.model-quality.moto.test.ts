import { S3Client } from '@aws-sdk/client-s3';
import {
  DescribeEndpointCommand,
  DescribeMonitoringScheduleCommand,
  ListDataQualityJobDefinitionsCommand,
  ListEndpointsCommand,
  ListModelQualityJobDefinitionsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { cfnEvent, DEV, isCompleteEvent, MONITORED_DEV, MONITORING_PREFIX } from './cleanup-fixtures';
import { releaseMonitoredDev } from './monitored-release';
import { modelQualityScheduleName, monitoringScheduleName } from '../../../src/contract/monitoring-naming';
import { handler, IsCompleteResponse, OnEventResponse } from '../../../src/runtime/handlers/cleanup.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { cleanupRole, cleanupWorldDeploy } from '../../aws-contracts/worlds/cleanup-world';
import { ownMotoServer } from '../../harness/own-moto-server';
import { modelQualitySpec } from '../../runtime/monitoring/monitoring-fixtures';

checkHandlerCallsAs(cleanupRole('model-quality'));

/**
 * Deleting the stack of an environment that monitors data and model
 * quality, against moto, after a real release and Monitor step through the
 * deploy handler. moto (with the launcher's schedules) would delete an
 * endpoint a schedule still watches: the order is checked by what is left
 * after each pass. This file resets the emulator, so it runs its own server.
 */
ownMotoServer();
let sagemaker: SageMakerClient;

const SCHEDULES = [monitoringScheduleName(MONITORING_PREFIX), modelQualityScheduleName(MONITORING_PREFIX)];

beforeAll(() => {
  sagemaker = new SageMakerClient({});
});

/** The dev environment released once and monitored for data and model quality, as its pipeline leaves it. */
beforeEach(async () => {
  await releaseMonitoredDev(sagemaker, new S3Client({}), cleanupWorldDeploy('model-quality'), { modelQuality: modelQualitySpec() });
});

async function schedulesLeft(): Promise<string[]> {
  const describe1 = (name: string) => sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }));
  const found = await Promise.all(SCHEDULES.map((name) => describe1(name).then(() => name, () => undefined)));
  return found.filter((name): name is string => name !== undefined);
}

async function definitionsLeft(): Promise<string[]> {
  const dq = await sagemaker.send(new ListDataQualityJobDefinitionsCommand({}));
  const mq = await sagemaker.send(new ListModelQualityJobDefinitionsCommand({}));
  return [...dq.JobDefinitionSummaries ?? [], ...mq.JobDefinitionSummaries ?? []].map((d) => d.MonitoringJobDefinitionName!);
}

test('both schedules go first, the definitions of both kinds and the endpoint next, the releases last', async () => {
  expect(await schedulesLeft()).toEqual(SCHEDULES);
  expect(await definitionsLeft()).toHaveLength(2);
  const request = cfnEvent('Delete', [MONITORED_DEV]);
  const started = await handler(request) as OnEventResponse;
  const pass = async () => await handler(isCompleteEvent(request, started)) as IsCompleteResponse;

  expect(await pass()).toEqual({ IsComplete: false });
  expect(await schedulesLeft()).toEqual([]);
  expect(await definitionsLeft()).toHaveLength(2);
  expect(await sagemaker.send(new DescribeEndpointCommand({ EndpointName: DEV.endpointName }))).toMatchObject({ EndpointStatus: 'InService' });

  expect(await pass()).toEqual({ IsComplete: false });
  expect(await definitionsLeft()).toEqual([]);
  expect((await sagemaker.send(new ListEndpointsCommand({}))).Endpoints ?? []).toEqual([]);

  expect(await pass()).toEqual({ IsComplete: true });
});
