/**
 * The real deploy, test and share handlers behind the pipeline's Lambda
 * invoke actions, pointed at the emulator. Each Lambda entry point builds its
 * clients from the default chain and reports to CodePipeline; the demo calls
 * the step each entry point runs instead (runDeployJob, runTestJob,
 * runShareJob), with the settings read from the function's synthesized
 * environment as the entry point reads them from its own.
 */
import { EmulatorClients } from './emulator';
import { HandlerKind } from './pipeline-stages';
import { loadDeploySpec, readDeploySettings, runDeployJob } from '../src/runtime/handlers/deploy.lambda';
import { readShareSettings, runShareJob } from '../src/runtime/handlers/share.lambda';
import { ActionOutcome, CodePipelineJob } from '../src/runtime/codepipeline-job';
import { runTestJob } from '../src/runtime/integration-tests';

/** One call of a handler, as CodePipeline makes it. */
export type HandlerStep = (job: CodePipelineJob) => Promise<ActionOutcome>;

/**
 * The step of the function's handler.
 * @param environment the function's environment variables, resolved
 */
export function handlerStep(kind: HandlerKind, environment: Record<string, string>, clients: EmulatorClients): HandlerStep {
  switch (kind) {
    case 'deploy': {
      const settings = readDeploySettings(environment);
      // As deploy.lambda.ts's handler: the environment's spec is read from SSM on every call.
      return async (job) => runDeployJob(job, await loadDeploySpec(settings, job.userParameters.environment, clients.ssm), clients);
    }
    case 'test':
      return (job) => runTestJob(job, clients);
    case 'share': {
      const settings = readShareSettings(environment);
      return (job) => runShareJob(job, settings, clients);
    }
  }
}
