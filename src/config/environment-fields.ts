/**
 * The parts of an environment: its endpoint's variant (instances, serverless,
 * auto scaling, data capture), drift detection and a batch environment's
 * transform. A request's environment is made of them, and ByomPipeline checks
 * the same props with them.
 */
import * as z from 'zod';
import { concurrencyProblems, overlapProblems, provisionedConcurrencyProblems, RuleProblem } from './environment-rules';
import { processingInstanceType } from './instance-type-fields';
import {
  BATCH_CHECK_MAX_MIN_OBJECTS, BATCH_DEFAULT_PAYLOAD_MB, BATCH_SPEC_JSON_MAX_BYTES, BUCKET_NAME_MAX, BATCH_MAX_CONCURRENT_TRANSFORMS,
  BATCH_MAX_PAYLOAD_MB, BATCH_SPLIT_TYPES, CONFIG_PREFIX,
  MAX_INSTANCE_COUNT, MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES, MONITORING_MAX_VIOLATIONS_THRESHOLD, PROCESSING_MAX_INSTANCE_COUNT,
  SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES,
} from './limits';
import { describe } from './problems';
import { outputPrefix, s3ObjectKey, utf8Length } from './s3-key-fields';
import { always, ifClean, numberAtLeast, oneOf, strictObject, wholeNumber } from './schema-parts';
import { bodyContains, jsonPathExpectations, mimeType } from './test-fields';
import { batchEnvironmentSpec } from '../contract/batch-environment-settings';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';

/** Adds a rule's problems to a zod check's issues. */
export function addRuleProblems(context: z.core.$RefinementCtx<unknown>, problems: readonly RuleProblem[]): void {
  for (const problem of problems) {
    context.addIssue({ code: 'custom', path: [...problem.path], message: problem.message, input: undefined });
  }
}

/** Instances serving an endpoint, or running a transform. */
export const instanceCount = wholeNumber(1, MAX_INSTANCE_COUNT);

/** A serverless variant's memory: one of SageMaker's sizes. */
const memorySizeMb = (() => {
  const error = (issue: { input?: unknown }): string => `must be one of ${SERVERLESS_MEMORY_SIZES.join(', ')}, `
    + `got ${typeof issue.input === 'number' && Number.isFinite(issue.input) ? issue.input : describe(issue.input)}`;
  return z.number({ error }).refine((value) => SERVERLESS_MEMORY_SIZES.includes(value), { error });
})()
  .meta({ title: 'Memory (MB)', description: 'Memory of each worker.', type: 'integer', enum: [...SERVERLESS_MEMORY_SIZES] });

/** A serverless variant instead of instances. */
export const serverless = strictObject({
  memorySizeMb,
  maxConcurrency: wholeNumber(1, SERVERLESS_MAX_CONCURRENCY).meta({ title: 'Max concurrency', description: 'The most concurrent invocations.' }),
  provisionedConcurrency: wholeNumber(1, SERVERLESS_MAX_CONCURRENCY)
    .meta({ title: 'Provisioned concurrency', description: 'Workers kept warm (at most maxConcurrency). Default none.' }).optional(),
}).meta({ title: 'Serverless', description: 'A serverless variant instead of instances.' })
  .superRefine((value, context) => addRuleProblems(context, provisionedConcurrencyProblems(value)), always);

/** Target tracking on invocations per instance; its bounds against the instance count are the environment's rule. */
export const autoScaling = strictObject({
  maxInstances: wholeNumber(1, MAX_INSTANCE_COUNT).meta({ title: 'Max instances', description: 'The most instances.' }),
  minInstances: wholeNumber(1, MAX_INSTANCE_COUNT).meta({ title: 'Min instances', description: 'The fewest instances. Default: instanceCount.' }).optional(),
  targetInvocationsPerInstance: numberAtLeast(1)
    .meta({ title: 'Target invocations per instance', description: 'Invocations per instance per minute to scale around.' }),
}).meta({ title: 'Auto scaling', description: 'Target tracking on invocations per instance; minInstances <= instanceCount <= maxInstances.' });

/** The share of requests data capture keeps. */
export const samplingPercentage = wholeNumber(1, 100).meta({ title: 'Sampling percentage', description: 'The share of requests captured. Default 100.' });

/** Drift detection's numbers, shared with the construct's `MonitoringProps`. */
export const monitoringInstanceCount = wholeNumber(1, PROCESSING_MAX_INSTANCE_COUNT);
export const violationsThreshold = wholeNumber(1, MONITORING_MAX_VIOLATIONS_THRESHOLD);

const d = MONITORING_DEFAULTS;
/** Drift detection on an environment's endpoint. */
export const monitoring = strictObject({
  baselineDataset: s3ObjectKey.meta({
    title: 'Baseline dataset',
    description: 'Key of the dataset the baseline is computed from (a CSV or JSON Lines file) in the framework\'s assets bucket.',
  }),
  datasetFormat: oneOf(MONITORING_DATASET_FORMATS)
    .meta({ title: 'Dataset format', description: '"csv" (the first row names the columns), "csvNoHeader" or "jsonLines". Default "csv".' }).optional(),
  frequency: oneOf(MONITORING_FREQUENCIES).meta({ title: 'Frequency', description: 'How often the captured traffic is checked. Default "hourly".' }).optional(),
  instanceType: processingInstanceType.meta({
    title: 'Instance type',
    description: `The processing instance type of the baseline and monitoring jobs (ml.<family>.<size>). Default "${d.instanceType}".`,
  }).optional(),
  instanceCount: monitoringInstanceCount.meta({ title: 'Instance count', description: `Instances per baseline or monitoring job. Default ${d.instanceCount}.` }).optional(),
  violationsThreshold: violationsThreshold
    .meta({ title: 'Violations threshold', description: `Constraint violations in one check that raise the drift alarm. Default ${d.violationsThreshold}.` }).optional(),
}).meta({
  title: 'Drift detection',
  description: 'Captures the endpoint\'s traffic and checks it against a baseline computed from a dataset on a schedule; '
    + `violations raise an alarm that emails the pipeline's topic. Each job gets a ${d.volumeSizeGb} GB volume and runs at most ${d.maxRuntimeSeconds} s. `
    + 'Not with serverless or batch.',
});

/** What the Test stage of a batch environment checks in a release's output. */
export const batchCheck = strictObject({
  minObjects: wholeNumber(1, BATCH_CHECK_MAX_MIN_OBJECTS)
    .meta({ title: 'Min objects', description: 'The fewest output objects the transform must write (one per input object). Default 1.' }).optional(),
  bodyContains: bodyContains.meta({ title: 'Body contains', description: 'Texts every sampled output line must contain.' }).optional(),
  jsonPath: jsonPathExpectations.meta({ title: 'JSON paths', description: 'Expectations on values of every sampled output line, which must then be JSON.' }).optional(),
}).meta({ title: 'Output check', description: 'What the Test stage checks in each release\'s output. Default: at least one output object.' });

/** A transform's payload and parallel requests, shared with the construct's `BatchProps`. */
export const maxPayloadMb = wholeNumber(1, BATCH_MAX_PAYLOAD_MB);
export const maxConcurrentTransforms = wholeNumber(1, BATCH_MAX_CONCURRENT_TRANSFORMS);

const batchObject = strictObject({
  input: s3ObjectKey.meta({
    title: 'Input prefix',
    description: 'Key prefix in the framework\'s assets bucket: every object under it is transformed. At least one object must exist.',
  }),
  output: outputPrefix.meta({
    title: 'Output prefix',
    description: 'Key prefix in the framework\'s assets bucket, ending in "/": each release writes under "<output><release id>/". '
      + `Neither inside input nor holding it, and not under "${CONFIG_PREFIX}" (the config trigger's prefix).`,
  }),
  contentType: mimeType('text/csv').meta({ title: 'Content type', description: 'MIME type of the input records, as the model\'s container expects it. Default "text/csv".' }).optional(),
  splitType: oneOf(BATCH_SPLIT_TYPES).meta({ title: 'Split type', description: 'How each input object is cut into records. Default "Line".' }).optional(),
  accept: mimeType('application/json').meta({ title: 'Accept', description: 'MIME type asked of the model for its output. Default: the container\'s.' }).optional(),
  maxPayloadMb: maxPayloadMb.meta({ title: 'Max payload (MB)', description: `The largest payload of one request. Default: SageMaker's (${BATCH_DEFAULT_PAYLOAD_MB}).` }).optional(),
  maxConcurrentTransforms: maxConcurrentTransforms.meta({
    title: 'Max concurrent transforms',
    description: `Parallel requests to each instance; times maxPayloadMb (default ${BATCH_DEFAULT_PAYLOAD_MB}) at most ${BATCH_MAX_PAYLOAD_MB}. Default: SageMaker's.`,
  }).optional(),
  check: batchCheck.optional(),
});

/**
 * The size of a batch environment's settings as the blueprint passes them to
 * its stack (one CloudFormation parameter of 4096 bytes), measured with the
 * longest name the assets bucket can have.
 */
function batchSpecBytes(batch: z.output<typeof batchObject>): number {
  const bucket = 'b'.repeat(BUCKET_NAME_MAX);
  return utf8Length(JSON.stringify(batchEnvironmentSpec({ ...batch, inputS3Uri: `s3://${bucket}/${batch.input}`, outputS3Uri: `s3://${bucket}/${batch.output}` })));
}

/** A batch transform over data in the assets bucket instead of an endpoint. */
export const batch = batchObject
  .meta({
    title: 'Batch',
    description: 'Makes this a batch environment: each release runs a SageMaker batch transform job on instanceType x instanceCount '
      + 'over data in the framework\'s assets bucket instead of updating an endpoint, and the Test stage checks its output. '
      + 'Only on the last environment; not with serverless, autoScaling, dataCapture, tests or monitoring.',
  })
  .superRefine((value, context) => {
    const { input, output } = value as { input?: unknown; output?: unknown };
    if (s3ObjectKey.safeParse(input).success && outputPrefix.safeParse(output).success) {
      addRuleProblems(context, overlapProblems(input as string, output as string));
    }
    addRuleProblems(context, concurrencyProblems(value));
  }, always)
  .superRefine((value, context) => {
    const bytes = batchSpecBytes(value);
    if (bytes > BATCH_SPEC_JSON_MAX_BYTES) {
      context.addIssue({
        code: 'custom',
        message: `takes ${bytes} bytes as JSON, more than the ${BATCH_SPEC_JSON_MAX_BYTES} one CloudFormation parameter holds: use fewer or shorter check texts and paths`,
        input: value,
      });
    }
  }, ifClean);
