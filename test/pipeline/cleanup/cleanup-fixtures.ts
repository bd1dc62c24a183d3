import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DescribeMonitoringScheduleCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { CleanupEnvironment } from '../../../src/contract/cleanup-settings';
import { onEvent, type CleanupEvent, type IsCompleteResponse, type OnEventResponse } from '../../../src/runtime/handlers/cleanup.lambda';
import { awsError } from '../../fixtures/aws-error';
import { clientsIn, mockedClients } from '../../harness/mocked-clients';

export const DEV: CleanupEnvironment = { endpointName: 'churn-dev', releasePrefix: 'churn-dev', variantName: 'AllTraffic' };
export const PROD: CleanupEnvironment = { endpointName: 'churn-prod', releasePrefix: 'churn-prod', variantName: 'AllTraffic' };

/** The prefix a drift-detecting dev's monitoring names derive from (its endpoint's name, as the pipeline gives it), and that environment. */
export const MONITORING_PREFIX = 'churn-dev';
export const MONITORED_DEV: CleanupEnvironment = { ...DEV, monitoringPrefix: MONITORING_PREFIX };

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/churn/11111111-2222-3333-4444-555555555555';
const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:churn-CleanupProviderframeworkonEvent';
const PHYSICAL_ID = 'release-cleanup-CleanupD4E4842E';

/** A CloudFormation request as the Provider framework hands it to onEvent. */
export function cfnEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  environments: unknown[] = [DEV, PROD],
  oldEnvironments: unknown[] = [DEV],
): CleanupEvent {
  const common = {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x',
    StackId: STACK_ID,
    RequestId: `request-${requestType}`,
    LogicalResourceId: 'CleanupD4E4842E',
    ResourceType: 'Custom::MlopsReleaseCleanup',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, Environments: environments },
  };
  switch (requestType) {
    case 'Create':
      return { ...common, RequestType: 'Create' } as CleanupEvent;
    case 'Update':
      return {
        ...common,
        RequestType: 'Update',
        PhysicalResourceId: PHYSICAL_ID,
        OldResourceProperties: { ServiceToken: SERVICE_TOKEN, Environments: oldEnvironments },
      } as CleanupEvent;
    default:
      return { ...common, RequestType: 'Delete', PhysicalResourceId: PHYSICAL_ID } as CleanupEvent;
  }
}

/** The event isComplete gets: the request merged with onEvent's answer, as the framework builds it. */
export function isCompleteEvent(request: CleanupEvent, onEventAnswer: OnEventResponse): CleanupEvent {
  return { ...request, ...onEventAnswer } as CleanupEvent;
}

export interface DeletionRun {
  readonly onEvent: OnEventResponse;
  readonly polls: IsCompleteResponse[];
}

/**
 * Drives a Delete the way the Provider framework does: onEvent once, then
 * isComplete until it answers true. Bounded, so a clean-up that never
 * finishes fails the test instead of hanging it.
 */
export async function deleteToCompletion(
  handler: (event: CleanupEvent) => Promise<OnEventResponse | IsCompleteResponse>,
  request: CleanupEvent,
  maxPolls = 20,
): Promise<DeletionRun> {
  const started = await handler(request) as OnEventResponse;
  const polls: IsCompleteResponse[] = [];
  for (let poll = 1; poll <= maxPolls; poll++) {
    const answer = await handler(isCompleteEvent(request, started)) as IsCompleteResponse;
    polls.push(answer);
    if (answer.IsComplete) {
      return { onEvent: started, polls };
    }
  }
  throw new Error(`Release clean-up still incomplete after ${maxPolls} polls`);
}

/** The event of an isComplete call for a Delete of the given environments. */
export function deletePoll(environments: unknown[] = [DEV]): CleanupEvent {
  const request = cfnEvent('Delete', environments);
  return isCompleteEvent(request, onEvent(request));
}

/**
 * Mocked SageMaker and Application Auto Scaling, reset before each test, and
 * the clients a teardown is given. A function, not module state: the moto
 * tests import these fixtures too and must keep the real clients.
 */
export function mockedTeardownClients() {
  const teardown = { sagemaker: SageMakerClient, autoscaling: ApplicationAutoScalingClient };
  return { ...mockedClients(teardown), clients: clientsIn(teardown) };
}

/** Monitoring job definitions of churn-dev, as a List*JobDefinitions page lists them. */
export function definitionSummaries(names: string[]) {
  return names.map((n) => ({ MonitoringJobDefinitionName: n, MonitoringJobDefinitionArn: 'a', CreationTime: new Date(), EndpointName: 'churn-dev' }));
}

/** Which schedules DescribeMonitoringSchedule still finds; any other is ResourceNotFound. */
export function schedulesThere(sagemaker: AwsClientStub<SageMakerClient>, names: string[]): void {
  sagemaker.on(DescribeMonitoringScheduleCommand).callsFake(({ MonitoringScheduleName }) => {
    if (!names.includes(MonitoringScheduleName)) {
      throw awsError('ResourceNotFound', `Monitoring schedule ${MonitoringScheduleName} does not exist.`);
    }
    return { MonitoringScheduleName, MonitoringScheduleStatus: 'Scheduled' };
  });
}
