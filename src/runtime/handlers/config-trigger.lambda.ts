import { CodePipelineClient, FailureType } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { failJob } from '../config-trigger/git-trigger';
import type { ConfigTriggerDeps } from '../config-trigger/trigger-deps';
import { handleTriggerEvent, isCodePipelineJob } from '../config-trigger/trigger-handler';
import { createLogger } from '../logger';
import { provisioningRuntime } from '../provisioning/provisioning-runtime';

const logger = createLogger('mlops-config-trigger');

let deps: ConfigTriggerDeps | undefined;

/**
 * Clients and settings (the provisioning function's `MLOPS_PROVISION_SETTINGS`),
 * made on the first event and kept while the instance is warm. Made lazily so
 * a settings fault can still be told to a waiting CodePipeline job.
 */
function triggerDeps(): ConfigTriggerDeps {
  if (!deps) {
    const runtime = provisioningRuntime(logger);
    deps = {
      ...runtime,
      sns: new SNSClient({ region: runtime.region }),
      // The job's credentials expire with the job, so each job gets its own client.
      artifactS3: (credentials) => new S3Client({ region: runtime.region, credentials }),
    };
  }
  return deps;
}

/**
 * Entry point of the config-file trigger: EventBridge "Object Created"
 * events for `config/*.json` in the assets bucket, and the Git trigger
 * pipeline's Lambda invoke jobs. Both are asynchronous invocations: what
 * this throws, Lambda retries.
 */
export async function handler(event: unknown, context?: Pick<Context, 'awsRequestId'>): Promise<void> {
  const requestId = context?.awsRequestId ?? 'unknown';
  let ready: ConfigTriggerDeps;
  try {
    ready = triggerDeps();
  } catch (err) {
    logger.error('Config trigger is misconfigured', { requestId, error: err as Error });
    if (isCodePipelineJob(event)) {
      // The job would otherwise wait for CodePipeline's time-out with no reason given.
      const codepipeline = new CodePipelineClient({ region: process.env.AWS_REGION ?? 'us-east-1' });
      await failJob(codepipeline, event['CodePipeline.job'].id, FailureType.ConfigurationError,
        `The config trigger function is misconfigured (${(err as Error).message}); see its log, request ID ${requestId}`);
      return;
    }
    throw err;
  }
  await handleTriggerEvent(event, ready, requestId);
}

/** Forgets the clients and settings: tests change the environment between cases. */
export function resetForTests(): void {
  deps = undefined;
}
