import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { handleAction } from '../codepipeline-job';
import { EnvironmentClients } from '../environment-access';
import { IntegrationTestClients, isTestTransient, readAccess, runTestJob } from '../integration-tests';
import { JobIdentities } from '../job-identities';
import { createLogger } from '../logger';
import type { EnvironmentAccessSpec } from '../../contract/access-settings';

const logger = createLogger('mlops-test');

/**
 * The clients a test step uses: the runtime, SageMaker and scaling where the
 * endpoint runs (through the environment's access role when that is another
 * account or region), SSM and CodeBuild in the pipeline's account.
 */
export function testClientsFor(factory: EnvironmentClients, access?: EnvironmentAccessSpec): IntegrationTestClients {
  return {
    runtime: factory.get(SageMakerRuntimeClient, access),
    sagemaker: factory.get(SageMakerClient, access),
    autoscaling: factory.get(ApplicationAutoScalingClient, access),
    ssm: factory.get(SSMClient),
    codebuild: factory.get(CodeBuildClient),
  };
}

const identities = new JobIdentities({}, 'test');

/**
 * CodePipeline Lambda invoke entry point. Every call but the job's result is
 * made as the pipeline's role when the job names one (a shared handler).
 */
export async function handler(event: CodePipelineEvent): Promise<void> {
  await handleAction(event, {
    name: 'Test',
    logger,
    codepipeline: () => identities.own.get(CodePipelineClient),
    restartPhase: 'testing',
    isTransient: isTestTransient,
    step: async (job) => runTestJob(job, testClientsFor(await identities.forJob(job), readAccess(job))),
  });
}
