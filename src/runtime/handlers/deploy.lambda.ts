import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { DEPLOY_SPEC_VARIABLE, DeploySettings, DeploySpec, DeployStep, EnvironmentDeploySpec } from '../../contract/deploy-settings';
import { runBatchRelease, runMonitor, runOutputCheck } from '../deploy-steps';
import { isTransient } from '../aws-errors';
import type { TransformState } from '../batch-transform';
import {
  ActionOutcome,
  CodePipelineJob,
  JobConfigurationError,
  decodeContinuation,
  encodeContinuation,
  handleAction,
  outcomeOfError,
  readJsonVariable,
  requireParameter,
} from '../codepipeline-job';
import { ReleaseClients, ReleaseOutcome, ReleaseState, continueRelease, startRelease } from '../endpoint-release';
import { EnvironmentClients } from '../environment-access';
import { readActionSettings } from '../handler-identity';
import { JobIdentities } from '../job-identities';
import { createLogger } from '../logger';
import type { MonitorState } from '../monitoring-release';
import { removalNotes } from '../removal';
import type { EnvironmentAccessSpec } from '../../contract/access-settings';

const logger = createLogger('mlops-deploy');

/**
 * The continuation token: an endpoint release, a batch transform or a Monitor
 * step in flight, or `starting` when the first call hit a transient error
 * before anything was created.
 */
type DeployContinuation = ReleaseState | TransformState | MonitorState | { readonly phase: 'starting' };

const STEPS: readonly DeployStep[] = ['release', 'check-output', 'monitor'];

/** Reads the pipeline's deploy settings from the handler's environment. */
export function readDeploySettings(env: NodeJS.ProcessEnv = process.env): DeploySettings {
  return readJsonVariable<DeploySettings>(env, DEPLOY_SPEC_VARIABLE, 'deploy');
}

/**
 * Loads the spec of the one environment a job deploys to from its SSM
 * parameter. Read on every call, so a stack update takes effect at once.
 */
export async function loadDeploySpec(settings: DeploySettings, environment: unknown, ssm: SSMClient): Promise<DeploySpec> {
  const known = Object.keys(settings.environmentParameters);
  const parameter = typeof environment === 'string' ? settings.environmentParameters[environment] : undefined;
  if (!parameter) {
    throw new JobConfigurationError(`Environment ${JSON.stringify(environment)} is not one of this pipeline's (${known.join(', ')})`);
  }
  const found = await ssm.send(new GetParameterCommand({ Name: parameter }));
  let envSpec: EnvironmentDeploySpec;
  try {
    envSpec = JSON.parse(found.Parameter?.Value ?? '') as EnvironmentDeploySpec;
  } catch {
    throw new JobConfigurationError(`The deploy spec of environment "${environment}" in SSM parameter ${parameter} is not valid JSON`);
  }
  return { pipelineName: settings.pipelineName, artifact: settings.artifact, environments: { [environment as string]: envSpec } };
}

/**
 * Decides one step of a deploy action: what CodePipeline should hear back.
 * Never throws for AWS errors: transient ones become "call me again", others
 * fail the job with the reason.
 */
export async function runDeployJob(job: CodePipelineJob, spec: DeploySpec, clients: ReleaseClients): Promise<ActionOutcome> {
  const continuation = job.continuationToken ? decodeContinuation<DeployContinuation>(job.continuationToken) : undefined;
  // `starting` means nothing was accepted yet: begin the step again.
  const resumed = continuation && continuation.phase !== 'starting' ? continuation : undefined;
  try {
    const environment = requireParameter(job, 'environment');
    const envSpec = spec.environments[environment];
    if (!envSpec) {
      throw new JobConfigurationError(`Environment "${environment}" is not one of this pipeline's (${Object.keys(spec.environments).join(', ')})`);
    }
    const step = job.userParameters.step ?? 'release';
    switch (step) {
      case 'check-output':
        return await runOutputCheck(job, environment, envSpec, clients.s3);
      case 'monitor':
        return await runMonitor(environment, envSpec, requireParameter(job, 'executionId'), resumed as MonitorState | undefined, clients.sagemaker);
      case 'release':
        break;
      default:
        throw new JobConfigurationError(`UserParameters.step ${JSON.stringify(step)} is not one of ${STEPS.join(', ')}`);
    }
    // A built container arrives as a pipeline variable: the image by digest.
    const imageUri = job.userParameters.imageUri;
    const modelPackageArn = job.userParameters.modelPackageArn;
    if (modelPackageArn !== undefined && !envSpec.modelPackageGroup) {
      throw new JobConfigurationError(`UserParameters.modelPackageArn is set, but environment "${environment}" does not release from a model package group`);
    }
    const request = {
      environment,
      spec: typeof imageUri === 'string' && imageUri.length > 0 ? { ...envSpec, imageUri } : envSpec,
      executionId: requireParameter(job, 'executionId'),
      artifact: spec.artifact,
      artifactVersion: typeof job.userParameters.artifactVersion === 'string' ? job.userParameters.artifactVersion : '',
      modelPackageArn: typeof modelPackageArn === 'string' && modelPackageArn.length > 0 ? modelPackageArn : undefined,
    };
    if (envSpec.batch) {
      return await runBatchRelease(request, resumed as TransformState | undefined, clients);
    }
    const outcome = resumed
      ? await continueRelease(envSpec, resumed as ReleaseState, clients)
      : await startRelease(request, clients);
    return toActionOutcome(environment, envSpec.endpointName, outcome);
  } catch (err) {
    // Before anything was started, "starting" restarts the step.
    return outcomeOfError(job, err, 'starting', isTransient);
  }
}

function toActionOutcome(environment: string, endpointName: string, outcome: ReleaseOutcome): ActionOutcome {
  switch (outcome.kind) {
    case 'succeeded':
      return {
        kind: 'succeeded',
        message: [
          outcome.message,
          ...removalNotes(outcome.cleanup, 'old releases'),
        ].filter(Boolean).join('; '),
        outputVariables: {
          EndpointName: endpointName,
          EndpointConfigName: outcome.release,
          ModelName: outcome.release,
          // CodePipeline output variables cannot be empty: "none" when nothing served before.
          PreviousEndpointConfigName: outcome.previousConfig ?? 'none',
        },
      };
    case 'in-progress':
      return { kind: 'in-progress', message: outcome.message, continuationToken: encodeContinuation(outcome.state) };
    default:
      return { kind: 'failed', message: `Deploy to ${environment} failed: ${outcome.message}` };
  }
}

/**
 * The clients a release uses: SageMaker and scaling where the endpoint runs
 * (through the environment's access role when that is another account or
 * region), S3 in the pipeline's account for the first copy, and S3 in the
 * environment's for the second.
 */
export function releaseClientsFor(factory: EnvironmentClients, access?: EnvironmentAccessSpec): ReleaseClients {
  return {
    sagemaker: factory.get(SageMakerClient, access),
    autoscaling: factory.get(ApplicationAutoScalingClient, access),
    s3: factory.get(S3Client),
    environmentS3: access && factory.get(S3Client, access),
  };
}

const identities = new JobIdentities({}, 'deploy');

/**
 * CodePipeline Lambda invoke entry point. Every call but the job's result is
 * made as the pipeline's role when the job names one (a shared handler).
 */
export async function handler(event: CodePipelineEvent): Promise<void> {
  await handleAction(event, {
    name: 'Deploy',
    logger,
    codepipeline: () => identities.own.get(CodePipelineClient),
    restartPhase: 'starting',
    isTransient,
    step: async (job) => {
      const clients = await identities.forJob(job);
      const settings = await readActionSettings<DeploySettings>(job, clients, DEPLOY_SPEC_VARIABLE, 'deploy');
      const spec = await loadDeploySpec(settings, job.userParameters.environment, clients.get(SSMClient));
      const access = spec.environments[String(job.userParameters.environment)]?.access;
      return runDeployJob(job, spec, releaseClientsFor(clients, access));
    },
  });
}
