import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CodePipelineEvent } from 'aws-lambda';
import { errorMessage, isTransient } from '../../runtime/aws-errors';
import { ActionOutcome, CodePipelineJob, JobConfigurationError, encodeContinuation, parseJob, reportOutcome } from '../../runtime/codepipeline-job';
import { IntegrationTestClients, runTestJob } from '../../runtime/integration-tests';
import { createLogger } from '../../runtime/logger';

const logger = createLogger('mlops-test');

let clients: IntegrationTestClients | undefined;
let codepipeline: CodePipelineClient | undefined;

/** CodePipeline Lambda invoke entry point. */
export async function handler(event: CodePipelineEvent): Promise<void> {
  clients ??= { runtime: new SageMakerRuntimeClient({}), sagemaker: new SageMakerClient({}), ssm: new SSMClient({}) };
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
    outcome = await runTestJob(job, clients);
  } catch (err) {
    outcome = job && isTransient(err)
      ? { kind: 'in-progress', message: 'Transient error; will try again', continuationToken: job.continuationToken ?? encodeContinuation({ phase: 'testing' }) }
      : { kind: 'failed', message: errorMessage(err) };
  }
  logger.info('Test step', {
    jobId,
    environment: job?.userParameters.environment,
    outcome: outcome.kind,
    detail: outcome.message,
  });
  await reportOutcome(codepipeline, jobId, outcome);
}
