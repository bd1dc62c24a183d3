import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ReleaseRequestSettings } from '../../contract/release-request-settings';
import { createLogger } from '../logger';
import {
  ModelPackageStateChange,
  ReleaseRequestClients,
  ReleaseRequestOutcome,
  handleApprovalEvent,
  readReleaseRequestSettings,
} from '../release-request';

const logger = createLogger('mlops-release-request');

let ready: { settings: ReleaseRequestSettings; clients: ReleaseRequestClients } | undefined;

/** Settings and clients, made on the first event and kept while the instance is warm. */
function runtime(): { settings: ReleaseRequestSettings; clients: ReleaseRequestClients } {
  if (!ready) {
    const settings = readReleaseRequestSettings();
    // The group may be in another region: its packages are described there.
    ready = {
      settings,
      clients: { sagemaker: new SageMakerClient({ region: settings.group.region }), s3: new S3Client({ region: process.env.AWS_REGION }) },
    };
  }
  return ready;
}

/**
 * EventBridge target for SageMaker model package state changes of the
 * pipeline's group (an asynchronous invocation: what this throws, Lambda
 * retries). Writes the release request that starts the pipeline.
 */
export async function handler(event: ModelPackageStateChange): Promise<ReleaseRequestOutcome> {
  let current: ReturnType<typeof runtime>;
  try {
    current = runtime();
  } catch (err) {
    // Retrying cannot fix the function's own settings: said once, clearly, and dropped.
    const message = `The release-request function is misconfigured: ${(err as Error).message}`;
    logger.error(message);
    return { kind: 'failed', message };
  }
  return handleApprovalEvent(event, current.settings, current.clients, logger);
}

/** Forgets the settings and clients: tests change the environment between cases. */
export function resetForTests(): void {
  ready = undefined;
}
