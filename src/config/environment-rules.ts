/**
 * The rules of an environment that join several of its fields. Written once,
 * as plain functions of the values, and applied by the request schema (to a
 * request's JSON) and by the ByomPipeline construct (to its props, tokens
 * left out): each judges only values that are otherwise valid.
 */
import { BATCH_DEFAULT_PAYLOAD_MB, BATCH_MAX_CONCURRENT_TRANSFORMS, BATCH_MAX_PAYLOAD_MB, MAX_INSTANCE_COUNT, SERVERLESS_MAX_CONCURRENCY } from './limits';
import { quote } from './problems';
import { isWholeNumber } from './schema-parts';

/** A problem a rule found, at a path relative to what it judged. */
export interface RuleProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What a serverless variant cannot have: it applies to instance-backed environments only. */
export const INSTANCE_ONLY_KEYS = ['instanceType', 'instanceCount', 'autoScaling', 'dataCapture'] as const;
/** What a batch environment cannot have: everything about an endpoint. */
export const ENDPOINT_ONLY_KEYS = ['serverless', 'autoScaling', 'dataCapture', 'tests', 'monitoring'] as const;

/** The message of a key set together with `serverless` that needs instances. */
export const NOT_WITH_SERVERLESS = 'cannot be set together with serverless (it applies to instance-backed environments only)';
/** The message of `monitoring` set together with `serverless`. */
export const NO_MONITORING_WHEN_SERVERLESS = 'cannot be set together with serverless (SageMaker cannot capture a serverless endpoint\'s traffic)';
/** The message of an endpoint's key set together with `batch`. */
export const NOT_WITH_BATCH = 'cannot be set together with batch (a batch environment runs a transform job and has no endpoint)';

/**
 * Auto scaling against the instance count: minInstances <= instanceCount <=
 * maxInstances. An invalid instanceCount (reported by itself) counts as the default, 1.
 */
export function scalingProblems(
  instanceCount: unknown, scaling: { readonly minInstances?: unknown; readonly maxInstances?: unknown },
): RuleProblem[] {
  const count = isWholeNumber(instanceCount, 1, MAX_INSTANCE_COUNT) ? instanceCount : 1;
  const problems: RuleProblem[] = [];
  const min = isWholeNumber(scaling.minInstances, 1, MAX_INSTANCE_COUNT) ? scaling.minInstances : undefined;
  if (min !== undefined && min > count) {
    problems.push({ path: ['minInstances'], message: `must be at most instanceCount (${count}): the endpoint starts with instanceCount instances, got ${min}` });
  }
  const floor = Math.max(count, min ?? count);
  if (isWholeNumber(scaling.maxInstances, 1, MAX_INSTANCE_COUNT) && scaling.maxInstances < floor) {
    problems.push({ path: ['maxInstances'], message: `must be at least instanceCount and minInstances (${floor}), got ${scaling.maxInstances}` });
  }
  return problems;
}

/** Warm workers are some of the concurrent ones: provisionedConcurrency <= maxConcurrency. */
export function provisionedConcurrencyProblems(
  serverless: { readonly maxConcurrency?: unknown; readonly provisionedConcurrency?: unknown },
): RuleProblem[] {
  const { maxConcurrency, provisionedConcurrency } = serverless;
  if (isWholeNumber(maxConcurrency, 1, SERVERLESS_MAX_CONCURRENCY) && isWholeNumber(provisionedConcurrency, 1, SERVERLESS_MAX_CONCURRENCY)
    && provisionedConcurrency > maxConcurrency) {
    return [{ path: ['provisionedConcurrency'], message: `must be a whole number from 1 to ${maxConcurrency}, got ${provisionedConcurrency}` }];
  }
  return [];
}

/**
 * SageMaker refuses parallel requests whose payloads add up to more than
 * 100 MB per instance. Judged against a valid payload only: an invalid one is
 * reported by itself.
 */
export function concurrencyProblems(batch: { readonly maxConcurrentTransforms?: unknown; readonly maxPayloadMb?: unknown }): RuleProblem[] {
  const { maxConcurrentTransforms: concurrency, maxPayloadMb } = batch;
  const payloadValid = isWholeNumber(maxPayloadMb, 1, BATCH_MAX_PAYLOAD_MB);
  if (!isWholeNumber(concurrency, 1, BATCH_MAX_CONCURRENT_TRANSFORMS) || (maxPayloadMb !== undefined && !payloadValid)) {
    return [];
  }
  const payload = payloadValid ? maxPayloadMb : BATCH_DEFAULT_PAYLOAD_MB;
  if (concurrency * payload <= BATCH_MAX_PAYLOAD_MB) {
    return [];
  }
  const source = payloadValid ? '' : ' (SageMaker\'s default when maxPayloadMb is left out)';
  return [{
    path: ['maxConcurrentTransforms'],
    message: `${concurrency} parallel requests of up to ${payload} MB${source} exceed the ${BATCH_MAX_PAYLOAD_MB} MB `
      + 'SageMaker allows per instance: lower maxConcurrentTransforms or maxPayloadMb',
  }];
}

/**
 * Whether one of two key prefixes holds the other. A transform reads every
 * object whose key starts with its input prefix, so an output inside the
 * input, or an input inside the output, mixes results into later input.
 */
export function prefixesOverlap(input: string, output: string): boolean {
  return output.startsWith(input) || input.startsWith(output);
}

/** A batch output that overlaps its input (in one bucket), reported at the output. */
export function overlapProblems(input: string, output: string): RuleProblem[] {
  return prefixesOverlap(input, output)
    ? [{
      path: ['output'],
      message: `${quote(output)} and input ${quote(input)} overlap (one starts with the other): `
        + 'the transform reads every object under input, so its results would be read back as input',
    }]
    : [];
}
