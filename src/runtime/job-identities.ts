import { CodePipelineClient, GetJobDetailsCommand, GetJobDetailsCommandOutput } from '@aws-sdk/client-codepipeline';
import { errorMessage, errorName, isTransient } from './aws-errors';
import { CodePipelineJob, JobConfigurationError } from './codepipeline-job';
import type { EnvironmentClients } from './environment-access';
import { HandlerIdentities, readHandlerRole, SessionTag } from './handler-identity';
import { HANDLER_ROLE_PARAMETER, PIPELINE_SESSION_TAG } from '../contract/shared-handler-settings';

/**
 * The identities of a handler CodePipeline invokes (deploy, test, share):
 * what {@link HandlerIdentities} offers, plus the clients of a job, whose
 * session is tagged with the job's pipeline as CodePipeline reports it. Kept
 * apart from {@link HandlerIdentities} so that a handler that runs no
 * CodePipeline jobs (the release clean-up, a custom resource) does not carry
 * the CodePipeline client in its bundle: esbuild keeps every method of a
 * class it keeps.
 */
export class JobIdentities extends HandlerIdentities {
  /**
   * The clients a CodePipeline job's AWS calls use (all but its result): the
   * function's own for a job that names no role; else the role it names,
   * assumed with the tag `mlops:pipeline=<the job's pipeline>`, the pipeline
   * as CodePipeline reports it (see {@link pipelineOf}), so a role of
   * another pipeline refuses the session. See {@link forRole}.
   */
  public async forJob(job: CodePipelineJob): Promise<EnvironmentClients> {
    const roleArn = readHandlerRole(job);
    if (roleArn === undefined) {
      return this.own;
    }
    const tag: SessionTag = { key: PIPELINE_SESSION_TAG, value: await this.pipelineOf(job) };
    return this.forRole(roleArn, tag, `UserParameters.${HANDLER_ROLE_PARAMETER}`);
  }

  /**
   * The name of the pipeline a job belongs to, from CodePipeline's
   * GetJobDetails with the function's own credentials: the event and its
   * user parameters come from whoever configured the action, the job's
   * pipeline only from CodePipeline. A transient error is thrown as it is
   * (the job is called again); any other fails the job.
   */
  public async pipelineOf(job: CodePipelineJob): Promise<string> {
    let details: GetJobDetailsCommandOutput;
    try {
      details = await this.own.get(CodePipelineClient).send(new GetJobDetailsCommand({ jobId: job.id }));
    } catch (err) {
      if (isTransient(err)) {
        throw err;
      }
      const why = `${errorName(err)}: ${errorMessage(err)}`;
      switch (errorName(err)) {
        case 'JobNotFoundException':
          throw new JobConfigurationError(
            `The ${this.handler} handler found no CodePipeline job ${job.id} to learn its pipeline from (${why}). `
            + 'A shared handler acts only for jobs CodePipeline ran in its own account and region',
          );
        case 'AccessDeniedException':
        case 'AccessDenied':
          throw new JobConfigurationError(
            `The ${this.handler} handler may not read CodePipeline job ${job.id} to learn its pipeline (${why}). `
            + 'Check that the function\'s execution role may call codepipeline:GetJobDetails',
          );
        default:
          throw new JobConfigurationError(`The ${this.handler} handler could not read CodePipeline job ${job.id} to learn its pipeline: ${why}`);
      }
    }
    const name = details.jobDetails?.data?.pipelineContext?.pipelineName;
    if (typeof name !== 'string' || name.length === 0) {
      throw new JobConfigurationError(`CodePipeline's details of job ${job.id} name no pipeline (jobDetails.data.pipelineContext.pipelineName)`);
    }
    return name;
  }
}
