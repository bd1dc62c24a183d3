/**
 * The v1.0 AWS MLOps Framework requests (`POST /provisionpipeline`,
 * `POST /pipelinestatus`), so users of the old solution can migrate. v1.0
 * only checked that its ten keys were present; here each value is checked
 * by the same rules as a new request, and problems are reported at the v1
 * key that holds the value.
 */
import { prefixesOverlap } from './batch-rules';
import { checkInstanceType } from './environment-rules';
import { checkFramework } from './image-rules';
import { readObject, readOneOf, readString } from './json-reader';
import { ARTIFACT_SUFFIX, CONTAINER_SOURCE_SUFFIX, PIPELINE_NAME_MAX } from './limits';
import { checkName } from './names';
import { BatchRequest, ImageRequest, PipelineRequest, Validated } from './pipeline-request';
import { ProblemList, quote } from './problem-list';
import { checkS3Key } from './s3-keys';

/** The ten keys of a v1.0 provisioning request, all required. */
export const V1_PROVISION_KEYS: readonly string[] = [
  'pipeline_type', 'model_name', 'model_framework', 'model_framework_version', 'model_artifact_location',
  'custom_model_container', 'training_data', 'inference_instance', 'inference_type', 'batch_inference_data',
];

/** The v1.0 framework names that have a counterpart here (the same ids). */
const V1_FRAMEWORKS: readonly string[] = ['xgboost', 'sklearn', 'pytorch', 'tensorflow'];

/** The environment a v1.0 request's single endpoint (or batch transform) becomes. */
export const V1_ENVIRONMENT_NAME = 'default';

/** Where a v1.0 batch pipeline's results go: v1.0 requests named no output, so each model gets its own folder. */
export function v1BatchOutput(modelName: string): string {
  return `batch-output/${modelName}/`;
}

/** A CloudFormation stack ARN, as v1.0 answered in `pipeline_id`. */
const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:stack\/[A-Za-z][A-Za-z0-9-]{0,127}\/[A-Za-z0-9-]{1,64}$/;
/** A CloudFormation stack name. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** Longer than any stack ARN: not read further. */
const PIPELINE_ID_MAX = 512;

/** Reads a key only when present: a missing one is already reported as required. */
type Present = <T>(key: string, check: (value: unknown) => T | undefined) => T | undefined;

function checkV1Image(fields: Record<string, unknown>, present: Present, problems: ProblemList): ImageRequest | undefined {
  const container = present('custom_model_container', (v) => readString(v, 'custom_model_container', problems));
  const framework = present('model_framework', (v) => readString(v, 'model_framework', problems));
  const version = present('model_framework_version', (v) => readString(v, 'model_framework_version', problems));
  if (container === undefined) {
    return undefined;
  }
  if (container !== '') {
    // A custom container replaces the framework; v1.0 requests still carried the (then unused) framework keys.
    const containerSource = checkS3Key(container, 'custom_model_container', problems, CONTAINER_SOURCE_SUFFIX);
    return containerSource === undefined ? undefined : { containerSource };
  }
  if (framework === undefined || version === undefined) {
    return undefined;
  }
  if (!V1_FRAMEWORKS.includes(framework)) {
    problems.add('model_framework', `${quote(framework)} is not a v1.0 framework this version supports (known: ${V1_FRAMEWORKS.join(', ')}); `
      + 'for another image, set custom_model_container');
    return undefined;
  }
  return checkFramework(fields.model_framework, fields.model_framework_version, 'model_framework', 'model_framework_version', problems);
}

/**
 * The batch input of a v1.0 body: required (non-empty) for a batch pipeline,
 * optional and unused for a realtime one, a key in the assets bucket either way.
 */
function checkBatchData(present: Present, batch: boolean, problems: ProblemList): string | undefined {
  const data = present('batch_inference_data', (v) => readString(v, 'batch_inference_data', problems));
  if (data === '' && batch) {
    problems.add('batch_inference_data', 'is required when inference_type is "batch": the key (or key prefix) of the data to transform in the assets bucket');
    return undefined;
  }
  return data === undefined || data === '' ? undefined : checkS3Key(data, 'batch_inference_data', problems);
}

/**
 * Checks a v1.0 provisioning body and maps it onto a request: one
 * environment named `default` on `inference_instance`, the artifact, and a
 * framework image or (when `custom_model_container` is set) a container source.
 * A batch pipeline's environment is a batch environment over
 * `batch_inference_data` (read as a prefix: the key v1.0 named, and any key
 * that starts with it), writing under `batch-output/<model_name>/`.
 */
export function fromV1ProvisionRequest(input: unknown): Validated<PipelineRequest> {
  const problems = new ProblemList();
  const fields = readObject(input, '', problems, { required: V1_PROVISION_KEYS, optional: [] });
  if (!fields) {
    return { ok: false, problems: problems.items };
  }
  const present: Present = (key, check) => (key in fields ? check(fields[key]) : undefined);
  present('pipeline_type', (v) => readOneOf(v, 'pipeline_type', problems, ['byom']));
  const name = present('model_name', (v) => checkName(v, 'model_name', problems, PIPELINE_NAME_MAX));
  const image = checkV1Image(fields, present, problems);
  const artifact = present('model_artifact_location', (v) => checkS3Key(v, 'model_artifact_location', problems, ARTIFACT_SUFFIX));
  // Informational in v1.0 too; still a key in the assets bucket.
  present('training_data', (v) => checkS3Key(v, 'training_data', problems));
  const inferenceType = present('inference_type', (v) => readOneOf(v, 'inference_type', problems, ['realtime', 'batch']));
  // A batch transform runs on fewer instance types than an endpoint.
  const instanceType = present('inference_instance', (v) => checkInstanceType(v, 'inference_instance', problems, inferenceType === 'batch' ? 'transform' : 'hosting'));
  const batchInput = checkBatchData(present, inferenceType === 'batch', problems);
  let batch: BatchRequest | undefined;
  if (inferenceType === 'batch' && batchInput !== undefined && name !== undefined) {
    batch = { input: batchInput, output: v1BatchOutput(name) };
    if (prefixesOverlap(batch.input, batch.output)) {
      problems.add('batch_inference_data', `${quote(batch.input)} and the batch output ${quote(batch.output)} overlap (one starts with the other): `
        + 'the transform reads every object under its input, so its results would be read back as input');
    }
  }
  if (problems.count > 0) {
    return { ok: false, problems: problems.items };
  }
  return {
    ok: true,
    value: {
      name: name!,
      artifact: artifact!,
      image: image!,
      environments: [{ name: V1_ENVIRONMENT_NAME, instanceType: instanceType!, ...(batch ? { batch } : {}) }],
    },
  };
}

/** Checks a v1.0 status body: `{"pipeline_id": "<stack ARN or stack name>"}`. */
export function fromV1StatusRequest(input: unknown): Validated<{ pipelineId: string }> {
  const problems = new ProblemList();
  const fields = readObject(input, '', problems, { required: ['pipeline_id'], optional: [] });
  const id = fields && 'pipeline_id' in fields ? readString(fields.pipeline_id, 'pipeline_id', problems) : undefined;
  if (id !== undefined && (id.length > PIPELINE_ID_MAX || !(STACK_ARN.test(id) || STACK_NAME.test(id)))) {
    problems.add('pipeline_id', `${quote(id)} is neither a CloudFormation stack ARN nor a stack name`);
  }
  return problems.count > 0 || id === undefined ? { ok: false, problems: problems.items } : { ok: true, value: { pipelineId: id } };
}
