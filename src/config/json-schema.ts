/**
 * The request schema as JSON Schema (draft 2020-12), published as
 * `mlops-config.schema.json` for editor completion and checks. Built from
 * the same limits, patterns and lists as the validator, so the two agree:
 * the schema accepts every request the validator accepts and refuses every
 * structural mistake (unknown key, wrong type, missing key). Rules JSON
 * Schema cannot say (unique names, minInstances <= instanceCount, the size
 * of an environment's tests, a batch output overlapping its input, a batch
 * payload times its parallel requests) are the validator's alone.
 */
import { ENDPOINT_ONLY_KEYS } from './batch-rules';
import { ECR_IMAGE_URI } from './image-rules';
import { hostingInstanceTypes, instanceTypesFor } from '../catalog/instance-types';
import {
  ARTIFACT_SUFFIX, BATCH_CHECK_MAX_MIN_OBJECTS, CONFIG_PREFIX, BATCH_DEFAULT_PAYLOAD_MB, BATCH_MAX_CONCURRENT_TRANSFORMS, BATCH_MAX_PAYLOAD_MB,
  BATCH_SPLIT_TYPES, CONTAINER_SOURCE_SUFFIX, EMAIL_MAX, EMAIL_PATTERN, ENVIRONMENT_NAME_MAX, IMAGE_URI_MAX, JSON_PATH_MAX,
  KEEP_RELEASES_MAX, MAX_CONFIG_PIPELINES, MAX_EMAILS, MAX_EXPECTATIONS, MAX_INSTANCE_COUNT, MAX_LATENCY_MS, MAX_TESTS,
  MIME_TYPE_MAX, MIME_TYPE_PATTERN, MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES, MONITORING_MAX_VIOLATIONS_THRESHOLD,
  NAME_PATTERN_SOURCE, PIPELINE_NAME_MAX, PROCESSING_INSTANCE_TYPE_MAX, PROCESSING_INSTANCE_TYPE_PATTERN,
  PROCESSING_MAX_INSTANCE_COUNT, S3_KEY_MAX_BYTES, SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES, TEST_NAME_MAX,
} from './limits';
import { MAX_ENVIRONMENTS } from './pipeline-request';
import { knownFrameworks, knownFrameworkVersions } from '../catalog/framework-catalog';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';

/** A JSON Schema, as plain JSON data. */
export type JsonSchema = { [keyword: string]: unknown };

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const BASE_URL = 'https://raw.githubusercontent.com/cdk-mlops/cdk-mlops-framework/main';

/**
 * An S3 key (or key prefix) without a leading "/", empty or "."/".."
 * segments (plain or percent-encoded), control, invisible or text-direction
 * characters, backslashes or the `config/` prefix, ending in `suffix` (`''`
 * for any ending). The byte limit is the validator's (JSON Schema counts
 * characters, never more than the bytes).
 */
function s3KeySchema(title: string, description: string, suffix: string): JsonSchema {
  const escapedSuffix = suffix.replace(/\./g, '\\.');
  return {
    title,
    description,
    type: 'string',
    minLength: 1,
    maxLength: S3_KEY_MAX_BYTES,
    pattern: `^(?!/)(?!${CONFIG_PREFIX})(?!.*//)(?!(?:.*/)?(?:\\.|%2[eE]){1,2}(?:/|$))`
      + `[^\\u0000-\\u001f\\u007f-\\u009f\\\\\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff]*${escapedSuffix}$`,
  };
}

function nameSchema(title: string, description: string, max: number): JsonSchema {
  return { title, description, type: 'string', minLength: 1, maxLength: max, pattern: NAME_PATTERN_SOURCE };
}

function integer(title: string, description: string, minimum: number, maximum: number): JsonSchema {
  return { title, description, type: 'integer', minimum, maximum };
}

function object(title: string, description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return {
    title,
    description,
    type: 'object',
    additionalProperties: false,
    ...(required.length > 0 ? { required } : {}),
    properties,
  };
}

function mimeType(title: string, description: string): JsonSchema {
  return { title, description, type: 'string', maxLength: MIME_TYPE_MAX, pattern: MIME_TYPE_PATTERN.source };
}

function imageSchema(): JsonSchema {
  const frameworks = knownFrameworks();
  return {
    title: 'Image',
    description: 'The inference image: exactly one of a built-in framework (framework + version), a container source zip, or an ECR image URI.',
    oneOf: [
      {
        ...object('Built-in framework image', 'A SageMaker built-in framework image, resolved for the pipeline\'s region.', {
          framework: { title: 'Framework', description: 'The framework id.', type: 'string', enum: frameworks },
          version: {
            title: 'Framework version',
            description: `The framework version as SageMaker publishes it. Known: ${frameworks.map((f) => `${f}: ${knownFrameworkVersions(f).join(', ')}`).join('; ')}.`,
            type: 'string',
          },
        }, ['framework', 'version']),
        allOf: frameworks.map((framework) => ({
          if: { properties: { framework: { const: framework } } },
          then: { properties: { version: { enum: knownFrameworkVersions(framework) } } },
        })),
      },
      object('Container source', 'A zip with a Dockerfile that the pipeline builds and pushes to ECR.', {
        containerSource: s3KeySchema('Container source key', `Key of the zip in the framework's assets bucket, ending in "${CONTAINER_SOURCE_SUFFIX}".`, CONTAINER_SOURCE_SUFFIX),
      }, ['containerSource']),
      object('ECR image', 'A ready image in ECR.', {
        uri: {
          title: 'Image URI',
          description: 'e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:3" (a tag or "@sha256:<digest>").',
          type: 'string',
          maxLength: IMAGE_URI_MAX,
          pattern: ECR_IMAGE_URI.source,
        },
      }, ['uri']),
    ],
  };
}

/** `bodyContains` of a test's expectations and of a batch environment's check. */
function bodyContainsSchema(description: string): JsonSchema {
  return {
    title: 'Body contains',
    description,
    type: 'array',
    maxItems: MAX_EXPECTATIONS,
    items: { title: 'Text', description: 'A non-empty text.', type: 'string', minLength: 1 },
  };
}

/** `jsonPath` of a test's expectations and of a batch environment's check. */
function jsonPathsSchema(description: string): JsonSchema {
  const jsonPath = object('JSON path expectation', 'An expectation on one value of a JSON body: equalsJson, or min/max.', {
    path: { title: 'Path', description: '"$", then ".key", "[\'key\']" or "[index]" steps, e.g. "$.predictions[0].score".', type: 'string', maxLength: JSON_PATH_MAX, pattern: '^\\$' },
    equalsJson: { title: 'Equals (JSON)', description: 'JSON text the value must equal, e.g. "\\"churn\\"", "0.5", "true".', type: 'string' },
    min: { title: 'Minimum', description: 'The smallest number the value may be.', type: 'number' },
    max: { title: 'Maximum', description: 'The largest number the value may be (at least min).', type: 'number' },
  }, ['path']);
  return { title: 'JSON paths', description, type: 'array', maxItems: MAX_EXPECTATIONS, items: jsonPath };
}

function testSchema(): JsonSchema {
  const expect = object('Expectations', 'What the response must satisfy. Default: status 200 only.', {
    status: integer('Status', 'The HTTP status the model must answer with. Default 200.', 100, 599),
    bodyContains: bodyContainsSchema('Texts the response body must contain.'),
    jsonPath: jsonPathsSchema('Expectations on values of a JSON body.'),
    maxLatencyMs: integer('Latency budget (ms)', 'The longest the endpoint may take to answer, in milliseconds.', 1, MAX_LATENCY_MS),
  });
  return object('Test request', 'A sample request sent to the new endpoint before it is shared, with what its answer must be.', {
    name: { title: 'Name', description: 'The name failures are reported under. Default "#<position>".', type: 'string', minLength: 1, maxLength: TEST_NAME_MAX },
    body: { title: 'Body', description: 'The payload, as the model expects it.', type: 'string', minLength: 1 },
    contentType: mimeType('Content type', 'The payload\'s MIME type. Default "application/json".'),
    accept: mimeType('Accept', 'The MIME type asked for in the response. Default: the model\'s.'),
    expect,
  }, ['body']);
}

function batchSchema(): JsonSchema {
  return object('Batch', 'Makes this a batch environment: each release runs a SageMaker batch transform job on instanceType x instanceCount '
    + 'over data in the framework\'s assets bucket instead of updating an endpoint, and the Test stage checks its output. '
    + 'Only on the last environment; not with serverless, autoScaling, dataCapture, tests or monitoring.', {
    input: s3KeySchema('Input prefix', 'Key prefix in the framework\'s assets bucket: every object under it is transformed. At least one object must exist.', ''),
    output: {
      ...s3KeySchema('Output prefix', 'Key prefix in the framework\'s assets bucket, ending in "/": each release writes under "<output><release id>/". '
        + `Neither inside input nor holding it, and not under "${CONFIG_PREFIX}" (the config trigger's prefix).`, '/'),
      not: { pattern: `^${CONFIG_PREFIX}` },
    },
    contentType: mimeType('Content type', 'MIME type of the input records, as the model\'s container expects it. Default "text/csv".'),
    splitType: { title: 'Split type', description: 'How each input object is cut into records. Default "Line".', type: 'string', enum: [...BATCH_SPLIT_TYPES] },
    accept: mimeType('Accept', 'MIME type asked of the model for its output. Default: the container\'s.'),
    maxPayloadMb: integer('Max payload (MB)', `The largest payload of one request. Default: SageMaker's (${BATCH_DEFAULT_PAYLOAD_MB}).`, 1, BATCH_MAX_PAYLOAD_MB),
    maxConcurrentTransforms: integer('Max concurrent transforms',
      `Parallel requests to each instance; times maxPayloadMb (default ${BATCH_DEFAULT_PAYLOAD_MB}) at most ${BATCH_MAX_PAYLOAD_MB}. Default: SageMaker's.`,
      1, BATCH_MAX_CONCURRENT_TRANSFORMS),
    check: object('Output check', 'What the Test stage checks in each release\'s output. Default: at least one output object.', {
      minObjects: integer('Min objects', 'The fewest output objects the transform must write (one per input object). Default 1.', 1, BATCH_CHECK_MAX_MIN_OBJECTS),
      bodyContains: bodyContainsSchema('Texts every sampled output line must contain.'),
      jsonPath: jsonPathsSchema('Expectations on values of every sampled output line, which must then be JSON.'),
    }),
  }, ['input', 'output']);
}

function monitoringSchema(): JsonSchema {
  const d = MONITORING_DEFAULTS;
  return object('Drift detection', 'Captures the endpoint\'s traffic and checks it against a baseline computed from a dataset on a schedule; '
    + `violations raise an alarm that emails the pipeline's topic. Each job gets a ${d.volumeSizeGb} GB volume and runs at most ${d.maxRuntimeSeconds} s. `
    + 'Not with serverless or batch.', {
    baselineDataset: s3KeySchema('Baseline dataset', 'Key of the dataset the baseline is computed from (a CSV or JSON Lines file) in the framework\'s assets bucket.', ''),
    datasetFormat: {
      title: 'Dataset format',
      description: '"csv" (the first row names the columns), "csvNoHeader" or "jsonLines". Default "csv".',
      type: 'string',
      enum: [...MONITORING_DATASET_FORMATS],
    },
    frequency: { title: 'Frequency', description: 'How often the captured traffic is checked. Default "hourly".', type: 'string', enum: [...MONITORING_FREQUENCIES] },
    instanceType: {
      title: 'Instance type',
      description: `The processing instance type of the baseline and monitoring jobs (ml.<family>.<size>). Default "${d.instanceType}".`,
      type: 'string',
      maxLength: PROCESSING_INSTANCE_TYPE_MAX,
      pattern: PROCESSING_INSTANCE_TYPE_PATTERN.source,
    },
    instanceCount: integer('Instance count', `Instances per baseline or monitoring job. Default ${d.instanceCount}.`, 1, PROCESSING_MAX_INSTANCE_COUNT),
    violationsThreshold: integer('Violations threshold', `Constraint violations in one check that raise the drift alarm. Default ${d.violationsThreshold}.`,
      1, MONITORING_MAX_VIOLATIONS_THRESHOLD),
  }, ['baselineDataset']);
}

/** Nothing may be set at these keys. */
function forbidden(keys: readonly string[]): JsonSchema {
  return { properties: Object.fromEntries(keys.map((key) => [key, false])) };
}

function environmentSchema(): JsonSchema {
  const serverless = object('Serverless', 'A serverless variant instead of instances.', {
    memorySizeMb: { title: 'Memory (MB)', description: 'Memory of each worker.', type: 'integer', enum: [...SERVERLESS_MEMORY_SIZES] },
    maxConcurrency: integer('Max concurrency', 'The most concurrent invocations.', 1, SERVERLESS_MAX_CONCURRENCY),
    provisionedConcurrency: integer('Provisioned concurrency', 'Workers kept warm (at most maxConcurrency). Default none.', 1, SERVERLESS_MAX_CONCURRENCY),
  }, ['memorySizeMb', 'maxConcurrency']);
  const autoScaling = object('Auto scaling', 'Target tracking on invocations per instance; minInstances <= instanceCount <= maxInstances.', {
    maxInstances: integer('Max instances', 'The most instances.', 1, MAX_INSTANCE_COUNT),
    minInstances: integer('Min instances', 'The fewest instances. Default: instanceCount.', 1, MAX_INSTANCE_COUNT),
    targetInvocationsPerInstance: { title: 'Target invocations per instance', description: 'Invocations per instance per minute to scale around.', type: 'number', minimum: 1 },
  }, ['maxInstances', 'targetInvocationsPerInstance']);
  return {
    ...object('Environment', 'One environment, in release order: an endpoint, tested before it is shared, or (the last environment only) a batch transform.', {
      name: nameSchema('Name', 'Lower-case letters, digits and single hyphens; unique in the pipeline.', ENVIRONMENT_NAME_MAX),
      instanceType: { title: 'Instance type', description: 'A SageMaker real-time hosting instance type. Default "ml.m5.large".', type: 'string', enum: hostingInstanceTypes() },
      instanceCount: integer('Instance count', 'Instances serving the endpoint. Default 1.', 1, MAX_INSTANCE_COUNT),
      serverless,
      autoScaling,
      dataCapture: object('Data capture', 'Captures requests and responses to S3.', {
        samplingPercentage: integer('Sampling percentage', 'The share of requests captured. Default 100.', 1, 100),
      }),
      approval: { title: 'Approval', description: 'A manual approval before this environment. Default false.', type: 'boolean' },
      tests: { title: 'Tests', description: 'Sample requests run against the endpoint before it is shared. Default none.', type: 'array', minItems: 1, maxItems: MAX_TESTS, items: testSchema() },
      monitoring: monitoringSchema(),
      batch: batchSchema(),
    }, ['name']),
    dependentSchemas: {
      // A serverless variant has no instances to type, count, scale or capture from (and so nothing to monitor).
      serverless: forbidden(['instanceType', 'instanceCount', 'autoScaling', 'dataCapture', 'monitoring']),
      // A batch environment has no endpoint, and its transform jobs run on fewer instance types.
      batch: {
        properties: {
          ...forbidden(ENDPOINT_ONLY_KEYS).properties as JsonSchema,
          instanceType: { description: 'A SageMaker batch transform instance type. Default "ml.m5.large".', enum: instanceTypesFor('transform') },
        },
      },
    },
  };
}

/**
 * Only the last environment may be a batch one. Per array length, every
 * environment before the last has no batch (the tuple is spelled out in
 * full, the last entry unconstrained, as strict tuple checking asks).
 */
function batchLastOnly(): JsonSchema[] {
  const lengths = Array.from({ length: MAX_ENVIRONMENTS - 1 }, (_, i) => i + 2);
  return lengths.map((n) => ({
    if: { minItems: n, maxItems: n },
    then: { minItems: n, maxItems: n, prefixItems: [...Array.from({ length: n - 1 }, () => forbidden(['batch'])), true] },
  }));
}

function pipelineRequestSchema(): JsonSchema {
  return object('Pipeline request', 'One pipeline: a model released to each environment in order.', {
    name: nameSchema('Name', 'The pipeline\'s and model\'s name: lower-case letters, digits and single hyphens.', PIPELINE_NAME_MAX),
    artifact: s3KeySchema('Model artifact', `Key of the model artifact in the framework's assets bucket, ending in "${ARTIFACT_SUFFIX}".`, ARTIFACT_SUFFIX),
    image: imageSchema(),
    environments: {
      title: 'Environments',
      description: `The environments to release to, in order (1 to ${MAX_ENVIRONMENTS}).`,
      type: 'array',
      minItems: 1,
      maxItems: MAX_ENVIRONMENTS,
      items: environmentSchema(),
      allOf: batchLastOnly(),
    },
    notifications: object('Notifications', 'Who hears about releases.', {
      emails: {
        title: 'Emails',
        description: 'Addresses subscribed to the pipeline\'s topic.',
        type: 'array',
        maxItems: MAX_EMAILS,
        uniqueItems: true,
        items: { title: 'Email', description: 'An email address.', type: 'string', maxLength: EMAIL_MAX, pattern: EMAIL_PATTERN.source },
      },
    }),
    keepReleases: integer('Releases kept', 'Releases kept per environment besides the serving one. Default 2.', 1, KEEP_RELEASES_MAX),
  }, ['name', 'artifact', 'image', 'environments']);
}

/** The JSON Schema of one pipeline request (`POST /pipelines`). */
export function pipelineRequestJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `${BASE_URL}/pipeline-request.schema.json`,
    ...pipelineRequestSchema(),
  };
}

/** The JSON Schema of `mlops-config.json`, published as `mlops-config.schema.json`. */
export function mlopsConfigJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `${BASE_URL}/mlops-config.schema.json`,
    ...object('MLOps config', 'The pipelines a repository or the assets bucket\'s config/ asks the MLOps framework for.', {
      $schema: { title: 'Schema', description: 'This schema\'s URL or path, for editors.', type: 'string' },
      version: { title: 'Version', description: 'The file format\'s version: 1.', const: 1 },
      pipelines: {
        title: 'Pipelines',
        description: `The pipelines, each with a unique name (1 to ${MAX_CONFIG_PIPELINES}).`,
        type: 'array',
        minItems: 1,
        maxItems: MAX_CONFIG_PIPELINES,
        items: { $ref: '#/$defs/pipelineRequest' },
      },
    }, ['version', 'pipelines']),
    $defs: { pipelineRequest: pipelineRequestSchema() },
  };
}
