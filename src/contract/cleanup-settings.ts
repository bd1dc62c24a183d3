/**
 * What the release clean-up custom resource is told about each environment
 * whose SageMaker resources it removes when the stack is deleted, and the
 * names the construct and the handler agree on. No aws-cdk-lib import, so the
 * handler bundle carries no construct code.
 */

import type { EnvironmentAccessSpec } from './access-settings';

/** One environment of a pipeline, as far as tearing it down goes. */
export interface CleanupEnvironment {
  /** The environment's endpoint: deleted, after its scaling registration. */
  readonly endpointName: string;
  /** Every model and endpoint config named `<releasePrefix>-r<release id>` is deleted. */
  readonly releasePrefix: string;
  /** The endpoint's production variant, whose scalable target is deregistered. */
  readonly variantName: string;
  /**
   * Set when the environment detects drift: its monitoring schedule and job
   * definitions (named from this prefix) are deleted before the endpoint.
   */
  readonly monitoringPrefix?: string;
  /** Set when the environment is in another account or region. */
  readonly access?: EnvironmentAccessSpec;
}

/** The custom resource property that lists the {@link CleanupEnvironment}s. */
export const ENVIRONMENTS_PROPERTY = 'Environments';

/**
 * A field the handler adds to its onEvent answer. The Provider framework
 * passes onEvent's answer on to isComplete, so the one function can tell the
 * two calls apart.
 */
export const CLEANUP_PHASE_FIELD = 'MlopsCleanupPhase';

/** The value of {@link CLEANUP_PHASE_FIELD} in every isComplete call. */
export const IS_COMPLETE_PHASE = 'is-complete';
