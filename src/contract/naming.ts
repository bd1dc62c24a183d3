import { createHash } from 'crypto';
import { MlopsValidationError } from '../errors/validation-error';

/**
 * Deterministic SageMaker resource names, shared by the constructs (which fix
 * the endpoint name at synth time) and the deploy handler (which names each
 * release). Plain functions: no aws-cdk-lib, so handlers can import them.
 */

/** SageMaker's limit for model, endpoint config and endpoint names. */
export const SAGEMAKER_NAME_MAX = 63;
/** Characters a release suffix adds: `-` plus {@link releaseId}. */
const RELEASE_SUFFIX_LENGTH = 12;

function shortHash(value: string, length: number): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

/**
 * Joins parts into a name within SageMaker's `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`
 * rule. A name that would be too long is cut and ends in a hash of the whole,
 * so distinct inputs stay distinct and the same input always gives the same name.
 */
export function sageMakerName(parts: string[], maxLength: number = SAGEMAKER_NAME_MAX): string {
  const full = parts
    .join('-')
    .replace(/[^a-zA-Z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (full.length === 0) {
    throw new MlopsValidationError(`Cannot make a SageMaker name from ${JSON.stringify(parts)}`);
  }
  if (full.length <= maxLength) {
    return full;
  }
  const hash = shortHash(full, 8);
  const head = full.slice(0, maxLength - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}

/** The stable endpoint name of one pipeline environment. */
export function endpointNameFor(modelName: string, environmentName: string): string {
  return sageMakerName([modelName, environmentName]);
}

/** The prefix every release's model and endpoint config of an environment starts with. */
export function releasePrefixFor(modelName: string, environmentName: string): string {
  return sageMakerName([modelName, environmentName], SAGEMAKER_NAME_MAX - RELEASE_SUFFIX_LENGTH);
}

/**
 * A release's identifier, derived from the pipeline execution: a retried job
 * of the same execution gets the same names, a new execution gets new ones.
 */
export function releaseId(executionId: string): string {
  return `r${shortHash(executionId, RELEASE_SUFFIX_LENGTH - 2)}`;
}

/** The model and endpoint config name of one release. */
export function releaseName(releasePrefix: string, id: string): string {
  return `${releasePrefix}-${id}`;
}

/** True when a name belongs to a release under the prefix (and not to a longer prefix). */
export function isReleaseName(releasePrefix: string, name: string): boolean {
  return new RegExp(`^${releasePrefix.replace(/[-]/g, '\\-')}-r[0-9a-f]{${RELEASE_SUFFIX_LENGTH - 2}}$`).test(name);
}

/** The rollback alarms' names, which the deploy settings list before (or without) creating the alarms. */
export function rollbackAlarmNames(endpointName: string): string[] {
  return [`${endpointName}-model-5xx-errors`, `${endpointName}-model-latency`];
}

/** IAM's limit for role names. */
const IAM_ROLE_NAME_MAX = 64;
/** S3's limit for bucket names. */
const BUCKET_NAME_MAX = 63;

/**
 * The role an environment in another account or region lets the pipeline's
 * handlers assume. Both sides derive it from the endpoint name, so neither
 * stack refers to the other's resources.
 */
export function environmentAccessRoleName(endpointName: string): string {
  return sageMakerName([endpointName, 'mlops-access'], IAM_ROLE_NAME_MAX);
}

/** The role SageMaker assumes to run the model of an environment in another account or region. */
export function remoteExecutionRoleName(endpointName: string): string {
  return sageMakerName([endpointName, 'mlops-sagemaker'], IAM_ROLE_NAME_MAX);
}

/**
 * The bucket that holds the release copies of an environment in another
 * account or region (SageMaker reads model artifacts from its own region).
 * Bucket names are global and lower case, so the account and region are part of it.
 */
export function remoteReleaseBucketName(endpointName: string, account: string, region: string): string {
  return sageMakerName([endpointName.toLowerCase(), account, region, 'releases'], BUCKET_NAME_MAX);
}
