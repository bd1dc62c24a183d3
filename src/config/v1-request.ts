/**
 * The v1.0 AWS MLOps Framework requests (`POST /provisionpipeline`,
 * `POST /pipelinestatus`), so users of the old solution can migrate. v1.0
 * only checked that its ten keys were present; here each value is checked
 * by the fields of a new request, and problems are reported at the v1 key
 * that holds the value.
 */
import * as z from 'zod';
import { prefixesOverlap } from './environment-rules';
import { frameworkId, unknownVersionMessage } from './image-fields';
import { INSTANCE_TYPES } from './instance-type-fields';
import { pipelineName } from './name-fields';
import type { BatchRequest, ImageRequest, PipelineRequest } from './pipeline-request';
import { problemsOf, quote } from './problems';
import { artifactKey, containerSourceKey, s3ObjectKey } from './s3-key-fields';
import { always, expected, oneOf, strictObject, text } from './schema-parts';

/** The v1.0 framework names that have a counterpart here (the same ids). */
const V1_FRAMEWORKS: readonly string[] = ['xgboost', 'sklearn', 'pytorch', 'tensorflow'];

/** The environment a v1.0 request's single endpoint (or batch transform) becomes. */
export const V1_ENVIRONMENT_NAME = 'default';

/** Where a v1.0 batch pipeline's results go: v1.0 requests named no output, so each model gets its own folder. */
export function v1BatchOutput(modelName: string): string {
  return `batch-output/${modelName}/`;
}

/** The ten keys of a v1.0 provisioning request, all required. */
const v1ProvisionObject = strictObject({
  pipeline_type: oneOf(['byom']),
  model_name: pipelineName,
  model_framework: text(),
  model_framework_version: text(),
  model_artifact_location: artifactKey,
  // A key, or empty for a built-in framework (checked below).
  custom_model_container: text(),
  // Informational in v1.0 too; still a key in the assets bucket.
  training_data: s3ObjectKey,
  // Checked below, against the types of the inference type.
  inference_instance: z.string({ error: expected('a SageMaker instance type (a string like "ml.m5.large")') }),
  inference_type: oneOf(['realtime', 'batch']),
  // A key (prefix), required for a batch pipeline (checked below).
  batch_inference_data: text(),
});

/** The ten keys, in order. */
export const V1_PROVISION_KEYS: readonly string[] = Object.keys(v1ProvisionObject.shape);

type V1Fields = Partial<Record<keyof z.output<typeof v1ProvisionObject>, unknown>>;
type Issue = { path: [string]; message: string };

/** A field's issues under the v1 key. */
function issuesOf(schema: z.ZodType, value: unknown, key: string): Issue[] {
  const result = schema.safeParse(value);
  return result.success ? [] : problemsOf(result.error.issues).map((problem) => ({ path: [key], message: problem.message }));
}

/** The image: a custom container (which replaces the framework: v1.0 requests still carried the unused framework keys), or a v1.0 framework. */
function imageIssues(body: V1Fields): Issue[] {
  const { custom_model_container: container, model_framework: framework, model_framework_version: version } = body;
  if (typeof container !== 'string') return [];
  if (container !== '') return issuesOf(containerSourceKey, container, 'custom_model_container');
  if (typeof framework !== 'string' || typeof version !== 'string') return [];
  if (!V1_FRAMEWORKS.includes(framework)) {
    return [{
      path: ['model_framework'],
      message: `${quote(framework)} is not a v1.0 framework this version supports (known: ${V1_FRAMEWORKS.join(', ')}); for another image, set custom_model_container`,
    }];
  }
  const frameworkIssues = issuesOf(frameworkId, framework, 'model_framework');
  const message = frameworkIssues.length === 0 ? unknownVersionMessage(framework, version) : undefined;
  return message ? [...frameworkIssues, { path: ['model_framework_version'], message }] : frameworkIssues;
}

/**
 * The instance type (a batch transform runs on fewer types than an endpoint)
 * and the batch input: required (non-empty) for a batch pipeline, optional
 * and unused for a realtime one, a key in the assets bucket either way.
 */
function inferenceIssues(body: V1Fields): Issue[] {
  const batch = body.inference_type === 'batch';
  const issues = typeof body.inference_instance === 'string' ? issuesOf(INSTANCE_TYPES[batch ? 'transform' : 'hosting'], body.inference_instance, 'inference_instance') : [];
  const data = body.batch_inference_data;
  if (data === '' && batch) {
    issues.push({ path: ['batch_inference_data'], message: 'is required when inference_type is "batch": the key (or key prefix) of the data to transform in the assets bucket' });
  } else if (typeof data === 'string' && data !== '') {
    const dataIssues = issuesOf(s3ObjectKey, data, 'batch_inference_data');
    issues.push(...dataIssues);
    const output = pipelineName.safeParse(body.model_name).success ? v1BatchOutput(body.model_name as string) : undefined;
    if (batch && dataIssues.length === 0 && output !== undefined && prefixesOverlap(data, output)) {
      issues.push({
        path: ['batch_inference_data'],
        message: `${quote(data)} and the batch output ${quote(output)} overlap (one starts with the other): `
          + 'the transform reads every object under its input, so its results would be read back as input',
      });
    }
  }
  return issues;
}

/** The request a checked v1.0 body becomes. */
function toPipelineRequest(body: z.output<typeof v1ProvisionObject>): PipelineRequest {
  const image: ImageRequest = body.custom_model_container !== ''
    ? { containerSource: body.custom_model_container }
    : { framework: body.model_framework, version: body.model_framework_version };
  const batch: BatchRequest | undefined = body.inference_type === 'batch'
    ? { input: body.batch_inference_data, output: v1BatchOutput(body.model_name) }
    : undefined;
  return {
    name: body.model_name,
    artifact: body.model_artifact_location,
    image,
    environments: [{ name: V1_ENVIRONMENT_NAME, instanceType: body.inference_instance, ...(batch ? { batch } : {}) }],
  };
}

/**
 * A v1.0 provisioning body, mapped onto a request: one environment named
 * `default` on `inference_instance`, the artifact, and a framework image or
 * (when `custom_model_container` is set) a container source. A batch
 * pipeline's environment is a batch environment over `batch_inference_data`
 * (read as a prefix: the key v1.0 named, and any key that starts with it),
 * writing under `batch-output/<model_name>/`.
 */
export const v1ProvisionSchema = v1ProvisionObject
  .superRefine((body, context) => {
    for (const issue of [...imageIssues(body), ...inferenceIssues(body)]) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: undefined });
    }
  }, always)
  .transform(toPipelineRequest);

/** A CloudFormation stack ARN, as v1.0 answered in `pipeline_id`. */
const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:stack\/[A-Za-z][A-Za-z0-9-]{0,127}\/[A-Za-z0-9-]{1,64}$/;
/** A CloudFormation stack name. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** Longer than any stack ARN: not read further. */
const PIPELINE_ID_MAX = 512;

/** A v1.0 status body: `{"pipeline_id": "<stack ARN or stack name>"}`. */
export const v1StatusSchema = strictObject({
  pipeline_id: text().refine((id) => id.length <= PIPELINE_ID_MAX && (STACK_ARN.test(id) || STACK_NAME.test(id)), {
    error: (issue) => `${quote(issue.input as string)} is neither a CloudFormation stack ARN nor a stack name`,
  }),
}).transform((body) => ({ pipelineId: body.pipeline_id }));

