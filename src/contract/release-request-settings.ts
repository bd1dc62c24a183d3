/**
 * What a registry pipeline's release-request construct tells its handler,
 * and the release request they and the Deploy actions agree on. Types and
 * constants only, so the handler bundle carries no construct code.
 */
import type { ModelPackageGroupSpec } from './deploy-settings';

/** Name of the handler environment variable holding the {@link ReleaseRequestSettings} as JSON. */
export const RELEASE_REQUEST_SETTINGS_VARIABLE = 'MLOPS_RELEASE_REQUEST_SETTINGS';

export interface ReleaseRequestSettings {
  /** The group whose Approved versions are released. */
  readonly group: ModelPackageGroupSpec;
  /** The bucket the pipeline's source action watches. */
  readonly bucket: string;
  /** The key of the release request in it: each new object version starts a release. */
  readonly key: string;
}

/** The object written at the release request's key: which package version the execution releases. */
export interface ReleaseRequest {
  readonly modelPackageArn: string;
}

/** The EventBridge detail type of the events the handler takes (source `aws.sagemaker`). */
export const MODEL_PACKAGE_STATE_CHANGE = 'SageMaker Model Package State Change';
