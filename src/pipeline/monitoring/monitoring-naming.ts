import { createHash } from 'crypto';
import { SAGEMAKER_NAME_MAX, releaseId, sageMakerName } from '../naming';

/**
 * Deterministic names of the drift-detection resources of one environment,
 * all under the environment's monitoring prefix and within SageMaker's
 * 63-character `[a-zA-Z0-9-]` rule. Plain functions: handlers import them.
 */

/** Characters a suffix adds: `-` plus 11 characters. */
const SUFFIX_LENGTH = 12;

/** Prefix of every suggest-baseline job of the environment. */
export function baselineJobPrefix(namePrefix: string): string {
  return sageMakerName([namePrefix, 'baseline'], SAGEMAKER_NAME_MAX - SUFFIX_LENGTH);
}

/** The suggest-baseline job of one pipeline execution: a retried job finds the same job. */
export function baselineJobName(namePrefix: string, executionId: string): string {
  return `${baselineJobPrefix(namePrefix)}-${releaseId(executionId)}`;
}

/** Prefix of every data-quality job definition of the environment. */
export function dataQualityDefinitionPrefix(namePrefix: string): string {
  return sageMakerName([namePrefix, 'dq'], SAGEMAKER_NAME_MAX - SUFFIX_LENGTH);
}

/**
 * The data-quality job definition for one baseline. SageMaker has no update
 * for a job definition, so each baseline gets its own, named after the
 * baseline's files: the same baseline always maps to the same definition.
 */
export function dataQualityDefinitionName(namePrefix: string, statisticsUri: string, constraintsUri: string): string {
  const hash = createHash('sha256').update(`${statisticsUri}\n${constraintsUri}`).digest('hex').slice(0, SUFFIX_LENGTH - 2);
  return `${dataQualityDefinitionPrefix(namePrefix)}-b${hash}`;
}

/** True for a definition name made by {@link dataQualityDefinitionName} under this prefix. */
export function isDataQualityDefinitionName(namePrefix: string, name: string): boolean {
  const prefix = dataQualityDefinitionPrefix(namePrefix).replace(/-/g, '\\-');
  return new RegExp(`^${prefix}-b[0-9a-f]{${SUFFIX_LENGTH - 2}}$`).test(name);
}

/** The environment's one data-quality monitoring schedule: it follows the endpoint across releases. */
export function monitoringScheduleName(namePrefix: string): string {
  return sageMakerName([namePrefix, 'data-quality']);
}
