import { createHash } from 'crypto';
import { SAGEMAKER_NAME_MAX, releaseId, sageMakerName } from './naming';

/**
 * Deterministic names of the drift-detection resources of one environment,
 * all under the environment's monitoring prefix and within SageMaker's
 * 63-character `[a-zA-Z0-9-]` rule. Plain functions: handlers import them.
 *
 * Data quality and model quality never share a name: their job definitions
 * end in `-dq-b<hash>` and `-mq-b<hash>`, their schedules in `-data-quality`
 * and `-model-quality`, and their baseline jobs in `-baseline-r<id>` and
 * `-mq-baselining-r<id>` (not `-mq-baseline-`: that would be the
 * data-quality job of an environment whose prefix ends in `-mq`).
 */

/** Characters a suffix adds: `-` plus 11 characters. */
const SUFFIX_LENGTH = 12;
/** Characters of a definition's baseline hash (after its `b`). */
const DEFINITION_HASH_LENGTH = SUFFIX_LENGTH - 2;

/** A name part for `sageMakerName` that leaves room for a suffix. */
function prefixed(namePrefix: string, part: string): string {
  return sageMakerName([namePrefix, part], SAGEMAKER_NAME_MAX - SUFFIX_LENGTH);
}

/** `<definition prefix>-b<hash>`: the same baseline files always give the same name. */
function definitionName(definitionPrefix: string, baselineFiles: string[]): string {
  const hash = createHash('sha256').update(baselineFiles.join('\n')).digest('hex').slice(0, DEFINITION_HASH_LENGTH);
  return `${definitionPrefix}-b${hash}`;
}

/** True for a name {@link definitionName} made under this definition prefix (and not a longer one). */
function isDefinitionName(definitionPrefix: string, name: string): boolean {
  const prefix = definitionPrefix.replace(/-/g, '\\-');
  return new RegExp(`^${prefix}-b[0-9a-f]{${DEFINITION_HASH_LENGTH}}$`).test(name);
}

/** Prefix of every data-quality suggest-baseline job of the environment. */
export function baselineJobPrefix(namePrefix: string): string {
  return prefixed(namePrefix, 'baseline');
}

/** The data-quality suggest-baseline job of one pipeline execution: a retried job finds the same job. */
export function baselineJobName(namePrefix: string, executionId: string): string {
  return `${baselineJobPrefix(namePrefix)}-${releaseId(executionId)}`;
}

/** Prefix of every data-quality job definition of the environment. */
export function dataQualityDefinitionPrefix(namePrefix: string): string {
  return prefixed(namePrefix, 'dq');
}

/**
 * The data-quality job definition for one baseline. SageMaker has no update
 * for a job definition, so each baseline gets its own, named after the
 * baseline's files: the same baseline always maps to the same definition.
 */
export function dataQualityDefinitionName(namePrefix: string, statisticsUri: string, constraintsUri: string): string {
  return definitionName(dataQualityDefinitionPrefix(namePrefix), [statisticsUri, constraintsUri]);
}

/** True for a definition name made by {@link dataQualityDefinitionName} under this prefix. */
export function isDataQualityDefinitionName(namePrefix: string, name: string): boolean {
  return isDefinitionName(dataQualityDefinitionPrefix(namePrefix), name);
}

/** The environment's one data-quality monitoring schedule: it follows the endpoint across releases. */
export function monitoringScheduleName(namePrefix: string): string {
  return sageMakerName([namePrefix, 'data-quality']);
}

/** Prefix of every model-quality suggest-baseline job of the environment. */
export function modelQualityBaselineJobPrefix(namePrefix: string): string {
  return prefixed(namePrefix, 'mq-baselining');
}

/** The model-quality suggest-baseline job of one pipeline execution. */
export function modelQualityBaselineJobName(namePrefix: string, executionId: string): string {
  return `${modelQualityBaselineJobPrefix(namePrefix)}-${releaseId(executionId)}`;
}

/** Prefix of every model-quality job definition of the environment. */
export function modelQualityDefinitionPrefix(namePrefix: string): string {
  return prefixed(namePrefix, 'mq');
}

/**
 * The model-quality job definition for one baseline, named after the
 * baseline's constraints (the one file a model-quality definition takes).
 */
export function modelQualityDefinitionName(namePrefix: string, constraintsUri: string): string {
  return definitionName(modelQualityDefinitionPrefix(namePrefix), [constraintsUri]);
}

/** True for a definition name made by {@link modelQualityDefinitionName} under this prefix. */
export function isModelQualityDefinitionName(namePrefix: string, name: string): boolean {
  return isDefinitionName(modelQualityDefinitionPrefix(namePrefix), name);
}

/** The environment's one model-quality monitoring schedule. */
export function modelQualityScheduleName(namePrefix: string): string {
  return sageMakerName([namePrefix, 'model-quality']);
}
