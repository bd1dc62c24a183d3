import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ViolationsSettings } from '../../contract/violations-settings';
import { createLogger } from '../logger';
import {
  ProcessingJobStateChange,
  ViolationsClients,
  ViolationsOutcome,
  handleProcessingJobEvent,
  readViolationsSettings,
} from '../monitoring-violations';

const logger = createLogger('mlops-monitoring-violations');

let ready: { settings: ViolationsSettings; clients: ViolationsClients } | undefined;

/** Settings and clients, made on the first event and kept while the instance is warm. */
function runtime(): { settings: ViolationsSettings; clients: ViolationsClients } {
  if (!ready) {
    const region = process.env.AWS_REGION;
    ready = {
      settings: readViolationsSettings(),
      clients: { sagemaker: new SageMakerClient({ region }), cloudwatch: new CloudWatchClient({ region }) },
    };
  }
  return ready;
}

/**
 * EventBridge target for SageMaker processing job state changes (an
 * asynchronous invocation: what this throws, Lambda retries). Publishes the
 * metrics of each finished Model Monitor run of a reported schedule.
 */
export async function handler(event: ProcessingJobStateChange): Promise<ViolationsOutcome> {
  let current: ReturnType<typeof runtime>;
  try {
    current = runtime();
  } catch (err) {
    // Retrying cannot fix the function's own settings: said once, clearly, and dropped.
    const message = `The monitoring-violations function is misconfigured: ${(err as Error).message}`;
    logger.error(message);
    return { kind: 'failed', message };
  }
  return handleProcessingJobEvent(event, current.settings, current.clients, logger);
}

/** Forgets the settings and clients: tests change the environment between cases. */
export function resetForTests(): void {
  ready = undefined;
}
