import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from './share-spec';
import { isTransient } from '../../runtime/aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  handleAction,
  outcomeOfError,
  requireParameter,
} from '../../runtime/codepipeline-job';
import { createLogger } from '../../runtime/logger';
import { ShareClients, shareRelease } from '../../runtime/release-share';

const logger = createLogger('mlops-share');

/** Reads the pipeline's share settings from the handler's environment. */
export function readShareSettings(env: NodeJS.ProcessEnv = process.env): ShareSettings {
  const raw = env[SHARE_SETTINGS_VARIABLE];
  if (!raw) {
    throw new JobConfigurationError(`The share handler has no ${SHARE_SETTINGS_VARIABLE} environment variable`);
  }
  try {
    return JSON.parse(raw) as ShareSettings;
  } catch {
    throw new JobConfigurationError(`${SHARE_SETTINGS_VARIABLE} is not valid JSON`);
  }
}

/**
 * Decides a share action: what CodePipeline should hear back. Sharing is one
 * short step, so the only continuation is "try the whole step again" after a
 * transient error; the step is idempotent, so that is safe.
 */
export async function runShareJob(job: CodePipelineJob, settings: ShareSettings, clients: ShareClients, now?: Date): Promise<ActionOutcome> {
  try {
    const environment = requireParameter(job, 'environment');
    const spec = settings.environments[environment];
    if (!spec) {
      throw new JobConfigurationError(`Environment "${environment}" is not one of this pipeline's (${Object.keys(settings.environments).join(', ')})`);
    }
    const named = job.userParameters.endpointName;
    if (named !== undefined && named !== spec.endpointName) {
      throw new JobConfigurationError(`UserParameters.endpointName ${JSON.stringify(named)} is not environment ${environment}'s endpoint ${spec.endpointName}`);
    }
    const image = job.userParameters.imageUri;
    const outcome = await shareRelease({
      environment,
      spec,
      endpointConfigName: requireParameter(job, 'endpointConfigName'),
      modelName: requireParameter(job, 'modelName'),
      executionId: requireParameter(job, 'executionId'),
      image: typeof image === 'string' && image.length > 0 ? image : undefined,
      now,
    }, clients);
    if (outcome.kind === 'refused') {
      return { kind: 'failed', message: `Share to ${environment} failed: ${outcome.message}` };
    }
    return {
      kind: 'succeeded',
      message: outcome.message,
      outputVariables: { SharedAt: outcome.record.sharedAt ?? '', ReleaseParameter: spec.parameterName },
    };
  } catch (err) {
    return outcomeOfError(job, err, 'sharing', isTransient);
  }
}

let clients: ShareClients | undefined;
let codepipeline: CodePipelineClient | undefined;

/** CodePipeline Lambda invoke entry point. */
export async function handler(event: CodePipelineEvent): Promise<void> {
  clients ??= { sagemaker: new SageMakerClient({}), ssm: new SSMClient({}) };
  await handleAction(event, {
    name: 'Share',
    logger,
    codepipeline: () => (codepipeline ??= new CodePipelineClient({})),
    restartPhase: 'sharing',
    isTransient,
    step: (job) => runShareJob(job, readShareSettings(), clients!),
  });
}
