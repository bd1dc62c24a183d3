import type { CodePipelineEvent } from 'aws-lambda';
import { handleGitJob } from './git-trigger';
import { configObjectOf, handleConfigUpload, isObjectCreatedEvent } from './s3-trigger';
import type { ConfigTriggerDeps } from './trigger-deps';
import { TriggerEventError } from './trigger-event-error';

/** True for a CodePipeline job event (one that has a job ID to answer). */
export function isCodePipelineJob(event: unknown): event is CodePipelineEvent {
  const job = (event as Partial<CodePipelineEvent> | undefined)?.['CodePipeline.job'];
  return typeof job?.id === 'string' && job.id !== '';
}

/**
 * Runs one event of the config-file trigger: an S3 upload under `config/`
 * (through EventBridge) or a CodePipeline job of the Git trigger's pipeline.
 * @throws TriggerEventError for an event that is neither
 */
export async function handleTriggerEvent(event: unknown, deps: ConfigTriggerDeps, requestId: string): Promise<void> {
  if (isCodePipelineJob(event)) {
    return handleGitJob(event, deps, requestId);
  }
  if (isObjectCreatedEvent(event)) {
    return handleConfigUpload(configObjectOf(event), deps, requestId);
  }
  throw new TriggerEventError('The event is neither an S3 "Object Created" event from EventBridge nor a CodePipeline job');
}
