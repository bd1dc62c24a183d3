import type { PipelineEnvironmentProps } from './pipeline-environment';

/**
 * Where an environment in another account or region runs, and what its
 * `MlopsEnvironmentAccess` needs to create there. Not exported from the
 * package: the access construct finds it on the pipeline's environment.
 */
export interface RemoteEnvironment {
  readonly account: string;
  readonly region: string;
  readonly pipelineAccount: string;
  readonly pipelineRegion: string;
  readonly props: PipelineEnvironmentProps;
}
