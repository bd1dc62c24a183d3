/**
 * What the share handler is told at synth time and what it writes, shared by
 * the construct and the handler. Plain types: no aws-cdk-lib, so handlers can import it.
 */

import type { EnvironmentAccessSpec } from './access-settings';

/** The share handler's environment variable that holds its {@link ShareSettings} as JSON. */
export const SHARE_SETTINGS_VARIABLE = 'MLOPS_SHARE_SETTINGS';

/** One environment the share handler may share to. */
export interface EnvironmentShareSpec {
  /** The environment's SageMaker endpoint (the one its inference API calls). */
  readonly endpointName: string;
  /** The SSM parameter the release record is written to. */
  readonly parameterName: string;
  /** Set when the endpoint is in another account or region. */
  readonly access?: EnvironmentAccessSpec;
  /** The inference API a share makes live. */
  readonly api: ShareApiSpec;
}

/**
 * Where the inference API's stage is. An API in another account is found by
 * its name, which both sides derive from the endpoint's name.
 */
export interface ShareApiSpec {
  /** Set for an API in the pipeline's own stack. */
  readonly restApiId?: string;
  readonly restApiName: string;
  readonly stageName: string;
}

/** Everything the share handler knows about its pipeline. */
export interface ShareSettings {
  readonly pipelineName: string;
  readonly environments: { readonly [name: string]: EnvironmentShareSpec };
}

/**
 * The value of an environment's release parameter. CloudFormation creates the
 * parameter as `{"shared": false}`; each share replaces it with the release now
 * behind the environment's inference API.
 */
export interface ShareRecord {
  readonly shared: boolean;
  readonly environment?: string;
  readonly endpointName?: string;
  readonly endpointConfigName?: string;
  readonly modelName?: string;
  /** The inference image URI, when the pipeline passed it. */
  readonly image?: string;
  readonly pipelineExecutionId?: string;
  /** ISO 8601 time of the share. */
  readonly sharedAt?: string;
  /** The config shared before this one, for an audit trail and a manual rollback. */
  readonly previousEndpointConfigName?: string;
}

/** The record CloudFormation writes when it creates the parameter: nothing shared yet. */
export const NOT_SHARED: ShareRecord = { shared: false };

/** What an inference API answers until a release is shared to it. */
export const NOT_SHARED_MESSAGE = 'The model has not been shared to this environment yet';

/** The stage variable that names the endpoint an inference API calls. */
export const ENDPOINT_STAGE_VARIABLE = 'endpoint';

/**
 * The endpoint a pipeline's inference API names until the first share. The
 * API's role may not invoke it, so SageMaker refuses the call without looking
 * for it, and the API turns that refusal into its 503.
 */
export const NOT_SHARED_ENDPOINT = 'mlops-not-shared';
