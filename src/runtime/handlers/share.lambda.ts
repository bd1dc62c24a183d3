import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from '../../contract/share-settings';
import { isTransient } from '../aws-errors';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  handleAction,
  outcomeOfError,
  readJsonVariable,
  requireParameter,
} from '../codepipeline-job';
import { EnvironmentClients } from '../environment-access';
import { readActionSettings } from '../handler-identity';
import { JobIdentities } from '../job-identities';
import { createLogger } from '../logger';
import { ShareClients, shareRelease } from '../release-share';
import type { EnvironmentAccessSpec } from '../../contract/access-settings';

const logger = createLogger('mlops-share');

/** Reads the pipeline's share settings from the handler's environment. */
export function readShareSettings(env: NodeJS.ProcessEnv = process.env): ShareSettings {
  return readJsonVariable<ShareSettings>(env, SHARE_SETTINGS_VARIABLE, 'share');
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

/**
 * The clients a share uses: SageMaker and API Gateway where the endpoint runs
 * (through the environment's access role when that is another account or
 * region), and SSM in the pipeline's account, which keeps every environment's record.
 */
export function shareClientsFor(factory: EnvironmentClients, access?: EnvironmentAccessSpec): ShareClients {
  return { sagemaker: factory.get(SageMakerClient, access), apigateway: factory.get(APIGatewayClient, access), ssm: factory.get(SSMClient) };
}

const identities = new JobIdentities({}, 'share');

/**
 * CodePipeline Lambda invoke entry point. Every call but the job's result is
 * made as the pipeline's role when the job names one (a shared handler).
 */
export async function handler(event: CodePipelineEvent): Promise<void> {
  await handleAction(event, {
    name: 'Share',
    logger,
    codepipeline: () => identities.own.get(CodePipelineClient),
    restartPhase: 'sharing',
    isTransient,
    step: async (job) => {
      const clients = await identities.forJob(job);
      const settings = await readActionSettings<ShareSettings>(job, clients, SHARE_SETTINGS_VARIABLE, 'share');
      const access = settings.environments[String(job.userParameters.environment)]?.access;
      return runShareJob(job, settings, shareClientsFor(clients, access));
    },
  });
}
