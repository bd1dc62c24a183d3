import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from './share-spec';
import { errorMessage, errorName, isTransient } from '../../runtime/aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  encodeContinuation,
  parseJob,
  reportOutcome,
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
    if (err instanceof JobConfigurationError) {
      return { kind: 'failed', message: err.message };
    }
    if (isTransient(err)) {
      return tryAgainLater(job, err);
    }
    return { kind: 'failed', message: `${errorName(err)}: ${errorMessage(err)}` };
  }
}

function tryAgainLater(job: CodePipelineJob, err: unknown): ActionOutcome {
  return {
    kind: 'in-progress',
    message: `Transient ${errorName(err)}; will try again`,
    continuationToken: job.continuationToken ?? encodeContinuation({ phase: 'sharing' }),
  };
}

let clients: ShareClients | undefined;
let codepipeline: CodePipelineClient | undefined;

/** CodePipeline Lambda invoke entry point. */
export async function handler(event: CodePipelineEvent): Promise<void> {
  clients ??= { sagemaker: new SageMakerClient({}), ssm: new SSMClient({}) };
  codepipeline ??= new CodePipelineClient({});
  const jobId = event?.['CodePipeline.job']?.id;
  if (typeof jobId !== 'string') {
    // Nothing to report to: this was not invoked by CodePipeline.
    throw new JobConfigurationError('The event is not a CodePipeline job (no "CodePipeline.job.id")');
  }
  let job: CodePipelineJob | undefined;
  let outcome: ActionOutcome;
  try {
    job = parseJob(event);
    outcome = await runShareJob(job, readShareSettings(), clients);
  } catch (err) {
    outcome = { kind: 'failed', message: errorMessage(err) };
  }
  logger.info('Share step', {
    jobId,
    environment: job?.userParameters.environment,
    outcome: outcome.kind,
    detail: outcome.message,
  });
  await reportOutcome(codepipeline, jobId, outcome);
}
