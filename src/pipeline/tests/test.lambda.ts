import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { handleAction } from '../../runtime/codepipeline-job';
import { IntegrationTestClients, isTestTransient, runTestJob } from '../../runtime/integration-tests';
import { createLogger } from '../../runtime/logger';

const logger = createLogger('mlops-test');

let clients: IntegrationTestClients | undefined;
let codepipeline: CodePipelineClient | undefined;

/** CodePipeline Lambda invoke entry point. */
export async function handler(event: CodePipelineEvent): Promise<void> {
  clients ??= {
    runtime: new SageMakerRuntimeClient({}),
    sagemaker: new SageMakerClient({}),
    ssm: new SSMClient({}),
    codebuild: new CodeBuildClient({}),
    autoscaling: new ApplicationAutoScalingClient({}),
  };
  await handleAction(event, {
    name: 'Test',
    logger,
    codepipeline: () => (codepipeline ??= new CodePipelineClient({})),
    restartPhase: 'testing',
    isTransient: isTestTransient,
    step: (job) => runTestJob(job, clients!),
  });
}
