/**
 * fast-check arbitraries of pipeline requests, shared by the tests of the
 * schema, the provisioning handler and the CLI:
 * - `validPipelineRequest()` / `validConfigFile()`: always accepted by the validator;
 * - `mutatedPipelineRequest()`: a valid request with one field made invalid, and
 *   the path of the problem the validator must report for it;
 * - `arbitraryJson()`: any JSON value, including deep and odd ones.
 */
import * as fc from 'fast-check';
import { hostingInstanceTypes, instanceTypesFor } from '../../src/catalog/instance-types';
import {
  BATCH_CHECK_MAX_MIN_OBJECTS, BATCH_DEFAULT_PAYLOAD_MB, BATCH_MAX_PAYLOAD_MB, BATCH_SPLIT_TYPES, ENVIRONMENT_NAME_MAX, KEEP_RELEASES_MAX,
  MAX_CONFIG_PIPELINES, MAX_EMAILS, MAX_INSTANCE_COUNT, MONITORING_DATASET_FORMATS, MONITORING_FREQUENCIES,
  MONITORING_MAX_VIOLATIONS_THRESHOLD, PIPELINE_NAME_MAX, PROCESSING_MAX_INSTANCE_COUNT, SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES,
} from '../../src/config/limits';
import {
  BatchRequest, EnvironmentRequest, ImageRequest, JsonPathRequest, MAX_ENVIRONMENTS, MlopsConfigFile, PipelineRequest, TestRequestEntry,
} from '../../src/config/pipeline-request';
import { knownFrameworks, knownFrameworkVersions } from '../../src/catalog/framework-catalog';

/** A request with one invalid field, and where the validator must report it. */
export interface MutatedRequest {
  readonly request: unknown;
  readonly path: string;
}

type Mutable = Record<string, any>;

function name(max: number): fc.Arbitrary<string> {
  return fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join('-'))
    .filter((n) => n.length <= max);
}

/** A key segment: mostly ordinary characters, sometimes non-ASCII (S3 keys are UTF-8). */
const keySegment = fc.oneof(
  // "config" could start a key under the config trigger's prefix, which keys may not use.
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.=+-]{0,15}$/).filter((s) => s !== '.' && s !== '..' && s !== 'config') },
  { weight: 1, arbitrary: fc.constantFrom('modèle', 'データ', 'v 1', 'a.b') },
);

function s3Key(suffix: string): fc.Arbitrary<string> {
  return fc.tuple(fc.array(keySegment, { minLength: 0, maxLength: 3 }), fc.stringMatching(/^[a-z0-9-]{1,12}$/))
    .map(([dirs, file]) => [...dirs, `${file}${suffix}`].join('/'));
}

/** A key prefix: one to three segments, ending in "/" or not (a prefix may end mid-name). */
const s3Prefix: fc.Arbitrary<string> = fc.tuple(fc.array(keySegment, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([segments, folder]) => `${segments.join('/')}${folder ? '/' : ''}`);

/** A batch input and an output prefix (a folder) that neither starts with the other. */
const batchPrefixes: fc.Arbitrary<{ input: string; output: string }> = fc.tuple(s3Prefix, fc.array(keySegment, { minLength: 1, maxLength: 3 }))
  .map(([input, segments]) => ({ input, output: `${segments.join('/')}/` }))
  .filter(({ input, output }) => !input.startsWith(output) && !output.startsWith(input));

const frameworkImage: fc.Arbitrary<ImageRequest> = fc.constantFrom(...knownFrameworks())
  .chain((framework) => fc.constantFrom(...knownFrameworkVersions(framework)).map((version) => ({ framework, version })));

const imageUri: fc.Arbitrary<string> = fc.tuple(
  fc.stringMatching(/^\d{12}$/),
  fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'cn-north-1', 'us-gov-west-1'),
  fc.array(fc.stringMatching(/^[a-z0-9]{1,6}([._-][a-z0-9]{1,4})?$/), { minLength: 1, maxLength: 3 }),
  fc.oneof(
    fc.constant(''),
    fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,20}$/).map((tag) => `:${tag}`),
    fc.stringMatching(/^[a-f0-9]{64}$/).map((digest) => `@sha256:${digest}`),
  ),
).map(([account, region, repo, ref]) =>
  `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/${repo.join('/')}${ref}`);

/** Every kind of image. */
export function validImage(): fc.Arbitrary<ImageRequest> {
  return fc.oneof(
    frameworkImage,
    s3Key('.zip').map((containerSource) => ({ containerSource })),
    imageUri.map((uri) => ({ uri })),
  );
}

const mimeType = fc.constantFrom('application/json', 'text/csv', 'text/plain; charset=utf-8', 'application/x-npy');

const jsonPathStep = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/).map((key) => `.${key}`),
  fc.nat({ max: 20 }).map((index) => `[${index}]`),
  fc.stringMatching(/^[a-z ]{1,8}$/).map((key) => `['${key}']`),
);

/** A finite number as JSON carries it: `-0` becomes `0` in JSON text, so a request never holds it. */
function jsonNumber(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ noNaN: true, noDefaultInfinity: true, min, max }).map((n) => n + 0);
}

const jsonPathExpectation: fc.Arbitrary<JsonPathRequest> = fc.tuple(
  fc.array(jsonPathStep, { maxLength: 4 }).map((steps) => `$${steps.join('')}`),
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((value) => ({ equalsJson: JSON.stringify(value).slice(0, 80) }))
      .filter((e) => isJson(e.equalsJson)),
    fc.tuple(jsonNumber(-1e6, 1e6), jsonNumber(0, 1e6)).map(([min, span]) => ({ min, max: min + span + 0 })),
    jsonNumber(-1e6, 1e6).map((min) => ({ min })),
    fc.constant({}),
  ),
).map(([path, bounds]) => ({ path, ...bounds }));

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const bodyContains = fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 3 });
const jsonPaths = fc.array(jsonPathExpectation, { maxLength: 3 });

const testExpect = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  bodyContains,
  jsonPath: jsonPaths,
  maxLatencyMs: fc.integer({ min: 1, max: 60_000 }),
}, { requiredKeys: [] });

const testEntry = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9 -]{0,15}$/),
  body: fc.string({ minLength: 1, maxLength: 60 }),
  contentType: mimeType,
  accept: mimeType,
  expect: testExpect,
}, { requiredKeys: ['body'] });

/** 1-3 tests with distinct names (named ones never look like the `#n` defaults). */
const tests: fc.Arbitrary<TestRequestEntry[]> = fc.uniqueArray(testEntry, {
  minLength: 1,
  maxLength: 3,
  selector: (t) => t.name ?? Symbol('unnamed'),
});

const serverlessVariant = fc.tuple(fc.constantFrom(...SERVERLESS_MEMORY_SIZES), fc.integer({ min: 1, max: SERVERLESS_MAX_CONCURRENCY }))
  .chain(([memorySizeMb, maxConcurrency]) => fc.record({
    memorySizeMb: fc.constant(memorySizeMb),
    maxConcurrency: fc.constant(maxConcurrency),
    provisionedConcurrency: fc.integer({ min: 1, max: maxConcurrency }),
  }, { requiredKeys: ['memorySizeMb', 'maxConcurrency'] }))
  .map((serverless) => ({ serverless }));

const monitoring = fc.record({
  baselineDataset: fc.oneof(s3Key('.csv'), s3Key('.jsonl')),
  datasetFormat: fc.constantFrom(...MONITORING_DATASET_FORMATS),
  frequency: fc.constantFrom(...MONITORING_FREQUENCIES),
  instanceType: fc.oneof(fc.constantFrom('ml.m5.xlarge', 'ml.c5.2xlarge', 'ml.r5d.large', 'ml.p6-b200.48xlarge'), fc.constantFrom(...hostingInstanceTypes())),
  instanceCount: fc.integer({ min: 1, max: PROCESSING_MAX_INSTANCE_COUNT }),
  violationsThreshold: fc.integer({ min: 1, max: MONITORING_MAX_VIOLATIONS_THRESHOLD }),
}, { requiredKeys: ['baselineDataset'] });

const instanceVariant = fc.record({
  instanceType: fc.constantFrom(...hostingInstanceTypes()),
  instanceCount: fc.integer({ min: 1, max: MAX_INSTANCE_COUNT }),
  scaling: fc.boolean(),
  dataCapture: fc.record({ samplingPercentage: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }),
  monitoring,
}, { requiredKeys: ['scaling'] }).chain(({ scaling, ...variant }) => {
  if (!scaling) {
    return fc.constant(variant);
  }
  // The construct's rule: minInstances <= instanceCount <= maxInstances.
  const count = variant.instanceCount ?? 1;
  return fc.record({
    maxInstances: fc.integer({ min: count, max: MAX_INSTANCE_COUNT }),
    minInstances: fc.integer({ min: 1, max: count }),
    targetInvocationsPerInstance: fc.oneof(fc.integer({ min: 1, max: 100_000 }), jsonNumber(1, 1e5)),
  }, { requiredKeys: ['maxInstances', 'targetInvocationsPerInstance'] }).map((autoScaling) => ({ ...variant, autoScaling }));
});

function environment(envName: string): fc.Arbitrary<EnvironmentRequest> {
  return fc.tuple(
    fc.oneof(serverlessVariant, instanceVariant),
    fc.record({ approval: fc.boolean(), tests }, { requiredKeys: [] }),
  ).map(([variant, rest]) => ({ name: envName, ...variant, ...rest }));
}

/** Payload and parallel requests within SageMaker's 100 MB per instance (its 6 MB payload when left out), each present or not. */
type BatchPayload = Pick<BatchRequest, 'maxPayloadMb' | 'maxConcurrentTransforms'>;
const batchPayload: fc.Arbitrary<BatchPayload> = fc.option(fc.integer({ min: 1, max: BATCH_MAX_PAYLOAD_MB }), { nil: undefined })
  .chain((maxPayloadMb) => {
    const most = Math.floor(BATCH_MAX_PAYLOAD_MB / (maxPayloadMb ?? BATCH_DEFAULT_PAYLOAD_MB));
    return fc.option(fc.integer({ min: 1, max: most }), { nil: undefined }).map((maxConcurrentTransforms) => ({
      ...(maxPayloadMb === undefined ? {} : { maxPayloadMb }),
      ...(maxConcurrentTransforms === undefined ? {} : { maxConcurrentTransforms }),
    }));
  });

const batchCheck = fc.record({
  minObjects: fc.integer({ min: 1, max: BATCH_CHECK_MAX_MIN_OBJECTS }),
  bodyContains,
  jsonPath: jsonPaths,
}, { requiredKeys: [] });

/** A batch environment: instances, approval, and a transform with every optional field now and then. */
function batchEnvironment(envName: string): fc.Arbitrary<EnvironmentRequest> {
  const batch = fc.tuple(
    batchPrefixes,
    fc.record({
      contentType: mimeType,
      splitType: fc.constantFrom(...BATCH_SPLIT_TYPES),
      accept: mimeType,
      check: batchCheck,
    }, { requiredKeys: [] }),
    batchPayload,
  ).map(([prefixes, rest, payload]): BatchRequest => ({ ...prefixes, ...rest, ...payload }));
  return fc.record({
    // Transform jobs run on fewer instance types than endpoints.
    instanceType: fc.constantFrom(...instanceTypesFor('transform')),
    instanceCount: fc.integer({ min: 1, max: MAX_INSTANCE_COUNT }),
    approval: fc.boolean(),
  }, { requiredKeys: [] }).chain((rest) => batch.map((b) => ({ name: envName, ...rest, batch: b })));
}

const emails = fc.uniqueArray(
  fc.tuple(fc.stringMatching(/^[a-z0-9._+-]{1,12}$/), fc.stringMatching(/^[a-z0-9-]{1,10}\.[a-z]{2,6}$/)).map(([local, domain]) => `${local}@${domain}`),
  { maxLength: MAX_EMAILS, selector: (e) => e.toLowerCase() },
);

/** A request the validator accepts, covering every image kind, variant and optional field. */
export function validPipelineRequest(): fc.Arbitrary<PipelineRequest> {
  // Only the last environment may be a batch one.
  const environments = fc.uniqueArray(name(ENVIRONMENT_NAME_MAX), { minLength: 1, maxLength: MAX_ENVIRONMENTS })
    .chain((names) => fc.tuple(...names.map((n, i) => (i === names.length - 1
      ? fc.oneof({ weight: 3, arbitrary: environment(n) }, { weight: 1, arbitrary: batchEnvironment(n) })
      : environment(n)))));
  return fc.record({
    name: name(PIPELINE_NAME_MAX),
    artifact: s3Key('.tar.gz'),
    image: validImage(),
    environments,
    notifications: fc.record({ emails }, { requiredKeys: [] }),
    keepReleases: fc.integer({ min: 1, max: KEEP_RELEASES_MAX }),
  }, { requiredKeys: ['name', 'artifact', 'image', 'environments'] });
}

/** A config file the validator accepts: 1-5 pipelines with distinct names. */
export function validConfigFile(): fc.Arbitrary<MlopsConfigFile> {
  return fc.record({
    $schema: fc.constant('./mlops-config.schema.json'),
    version: fc.constant(1 as const),
    pipelines: fc.uniqueArray(validPipelineRequest(), { minLength: 1, maxLength: Math.min(5, MAX_CONFIG_PIPELINES), selector: (p) => p.name }),
  }, { requiredKeys: ['version', 'pipelines'] });
}

/** Any JSON value: deep, wide, odd keys (`__proto__`, `constructor`, empty), odd strings and numbers. */
export function arbitraryJson(): fc.Arbitrary<unknown> {
  const oddKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'name', 'environments', 'image', 'hasOwnProperty');
  const oddString = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('..', '/', 'ml.m5.large', '\u0000', '\ud800', 'a'.repeat(5000)),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant(null),
      fc.boolean(),
      fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 1e308, 5e-324, 2 ** 53 + 1)),
      oddString,
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.oneof(oddKey, fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
    ),
  }));
  const deep = fc.integer({ min: 50, max: 2000 }).map((depth) => {
    let nested: unknown = 0;
    for (let i = 0; i < depth; i++) nested = i % 2 ? [nested] : { environments: nested };
    return nested;
  });
  return fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: deep }, { weight: 1, arbitrary: fc.jsonValue() });
}

// ---------------------------------------------------------------------------
// Mutations: each makes exactly one field invalid and names the problem's path.
// ---------------------------------------------------------------------------

type Mutation = (request: Mutable) => fc.Arbitrary<MutatedRequest>;

function clone(request: PipelineRequest | Mutable): Mutable {
  return JSON.parse(JSON.stringify(request));
}

function at(request: Mutable, path: string): fc.Arbitrary<MutatedRequest> {
  return fc.constant({ request, path });
}

/** Picks one environment's index. */
function anyEnvironment(request: Mutable): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: request.environments.length - 1 });
}

/** Turns an environment into an endpoint, dropping what makes it a batch environment. */
function asEndpointEnvironment(env: Mutable): void {
  delete env.batch;
}

/** Turns an environment into an instance-backed endpoint, dropping what conflicts with instances. */
function asInstanceEnvironment(env: Mutable): void {
  asEndpointEnvironment(env);
  delete env.serverless;
}

/** Turns the last environment into a batch environment (the only place one may be), with `batch` as its transform. */
function withLastBatch(request: Mutable, batch: unknown): { request: Mutable; at: string } {
  const c = clone(request);
  const last = c.environments.length - 1;
  c.environments[last] = { name: c.environments[last].name, batch };
  return { request: c, at: `environments[${last}]` };
}

const BATCH = { input: 'scoring/in/', output: 'scoring/out/' };

/** Mutations a JSON Schema catches as well: the document's structure (unknown key, wrong type, missing key). */
const structuralMutations: Mutation[] = [
  // The document itself is not an object.
  (r) => fc.constantFrom([r], 'request', 42, null, true).map((request) => ({ request, path: '' })),
  // Wrong types at the top.
  (r) => fc.constantFrom(['name', 7], ['artifact', ['a.tar.gz']], ['image', 'xgboost'], ['environments', {}], ['keepReleases', '2'], ['notifications', []])
    .map(([key, value]) => ({ request: { ...r, [key as string]: value }, path: key as string })),
  // A required key missing.
  (r) => fc.constantFrom('name', 'artifact', 'image', 'environments').map((key) => {
    const request = { ...r };
    delete request[key];
    return { request, path: key };
  }),
  // An unknown key (including ones that look like prototype pollution).
  (r) => fc.constantFrom('__proto__', 'constructor', 'Name', 'modelName', 'environment', 'tags').map((key) => {
    const request = { ...r };
    Object.defineProperty(request, key, { value: 1, enumerable: true, writable: true, configurable: true });
    return { request, path: key };
  }),
  // A batch environment's structure broken.
  (r) => fc.constantFrom(
    ['scoring/in/', 'batch'],
    [{ ...BATCH, instanceType: 'ml.m5.large' }, 'batch.instanceType'],
    [{ input: BATCH.input }, 'batch.output'],
    [{ output: BATCH.output }, 'batch.input'],
    [{ ...BATCH, maxPayloadMb: '5' }, 'batch.maxPayloadMb'],
    [{ ...BATCH, splitType: 1 }, 'batch.splitType'],
    [{ ...BATCH, check: [] }, 'batch.check'],
    [{ ...BATCH, check: { status: 200 } }, 'batch.check.status'],
    [{ ...BATCH, check: { bodyContains: 'ok' } }, 'batch.check.bodyContains'],
  ).map(([batch, field]) => {
    const { request, at: env } = withLastBatch(r, batch);
    return { request, path: `${env}.${field}` };
  }),
  // A monitoring's structure broken.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(
    ['daily', 'monitoring'],
    [{}, 'monitoring.baselineDataset'],
    [{ baselineDataset: 'train.csv', schedule: 'hourly' }, 'monitoring.schedule'],
    [{ baselineDataset: 3 }, 'monitoring.baselineDataset'],
    [{ baselineDataset: 'train.csv', instanceCount: '2' }, 'monitoring.instanceCount'],
  )).chain(([i, [value, field]]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    c.environments[i].monitoring = value;
    return at(c, `environments[${i}].${field}`);
  }),
];

/** Mutations of the values' rules: some a JSON Schema can express, some (overlaps, uniqueness, sums) only the validator. */
const ruleMutations: Mutation[] = [
  // Bad pipeline names.
  (r) => fc.constantFrom('Churn', 'churn--model', '-churn', 'churn-', 'churn_model', '', 'c'.repeat(PIPELINE_NAME_MAX + 1), 'churn model')
    .map((n) => ({ request: { ...r, name: n }, path: 'name' })),
  // Bad artifact keys.
  (r) => fc.constantFrom('../model.tar.gz', 'a/../model.tar.gz', './model.tar.gz', '/model.tar.gz', 'a/\u0000/model.tar.gz', 'model\n.tar.gz',
    'a\\model.tar.gz', 'model.zip', '', `${'k'.repeat(1020)}.tar.gz`, 'é'.repeat(510) + '.tar.gz', 'a/\u007f.tar.gz')
    .map((artifact) => ({ request: { ...r, artifact }, path: 'artifact' })),
  // Too many or no environments.
  (r) => fc.constantFrom(0, MAX_ENVIRONMENTS + 1).map((count) => {
    const environments = Array.from({ length: count }, (_, i) => ({ ...r.environments[0], name: `env${i}` }));
    return { request: { ...r, environments }, path: 'environments' };
  }),
  // A duplicate environment name.
  (r) => fc.constant(null).map(() => {
    const environments = [...r.environments, { ...r.environments[0] }];
    if (environments.length > MAX_ENVIRONMENTS) environments.splice(1, 1);
    return { request: { ...r, environments }, path: `environments[${environments.length - 1}].name` };
  }),
  // A bad environment name.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom('Dev', 'dev--1', 'd'.repeat(ENVIRONMENT_NAME_MAX + 1), '', 'dev.1', 3))
    .map(([i, n]) => {
      const c = clone(r);
      c.environments[i].name = n;
      return { request: c, path: `environments[${i}].name` };
    }),
  // An unknown environment key.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom('instance_type', 'vpc', '__proto__', 'region')).map(([i, key]) => {
    const c = clone(r);
    Object.defineProperty(c.environments[i], key, { value: 'x', enumerable: true, writable: true, configurable: true });
    return { request: c, path: `environments[${i}].${key}` };
  }),
  // An unknown instance type.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom('ml.m5.huge', 'm5.large', 'ml.t3.medium', 'ml.foo.bar', 'ML.M5.LARGE', '', 'ml.m5.large ')).chain(([i, type]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    c.environments[i].instanceType = type;
    return at(c, `environments[${i}].instanceType`);
  }),
  // Instance counts out of range.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(0, -1, MAX_INSTANCE_COUNT + 1, 1.5, '2')).chain(([i, count]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    delete c.environments[i].autoScaling;
    c.environments[i].instanceCount = count;
    return at(c, `environments[${i}].instanceCount`);
  }),
  // Serverless with an instance setting.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(['instanceType', 'ml.m5.large'], ['instanceCount', 2], ['autoScaling', { maxInstances: 2, targetInvocationsPerInstance: 5 }],
    ['dataCapture', { samplingPercentage: 5 }])).chain(([i, [key, value]]) => {
    const c = clone(r);
    c.environments[i] = { name: c.environments[i].name, serverless: { memorySizeMb: 2048, maxConcurrency: 5 }, [key as string]: value };
    return at(c, `environments[${i}].${key}`);
  }),
  // Bad serverless settings.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(
    [{ memorySizeMb: 1000, maxConcurrency: 5 }, 'memorySizeMb'],
    [{ memorySizeMb: 2048, maxConcurrency: 0 }, 'maxConcurrency'],
    [{ memorySizeMb: 2048, maxConcurrency: 201 }, 'maxConcurrency'],
    [{ memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: 6 }, 'provisionedConcurrency'],
    [{ memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: 0 }, 'provisionedConcurrency'],
    [{ maxConcurrency: 5 }, 'memorySizeMb'],
    [{ memorySizeMb: 2048, maxConcurrency: 5, burst: true }, 'burst'],
  )).chain(([i, [serverless, field]]) => {
    const c = clone(r);
    c.environments[i] = { name: c.environments[i].name, serverless };
    return at(c, `environments[${i}].serverless.${field}`);
  }),
  // Bad auto scaling.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(
    [3, { maxInstances: 2, targetInvocationsPerInstance: 10 }, 'maxInstances'],
    [3, { maxInstances: 5, minInstances: 4, targetInvocationsPerInstance: 10 }, 'minInstances'],
    [1, { maxInstances: 101, targetInvocationsPerInstance: 10 }, 'maxInstances'],
    [1, { maxInstances: 2, minInstances: 0, targetInvocationsPerInstance: 10 }, 'minInstances'],
    [1, { maxInstances: 2, targetInvocationsPerInstance: 0 }, 'targetInvocationsPerInstance'],
    [1, { targetInvocationsPerInstance: 10 }, 'maxInstances'],
  )).chain(([i, [count, autoScaling, field]]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    Object.assign(c.environments[i], { instanceCount: count, autoScaling });
    return at(c, `environments[${i}].autoScaling.${field}`);
  }),
  // Bad data capture.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(0, 101, 50.5, '20')).chain(([i, samplingPercentage]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    c.environments[i].dataCapture = { samplingPercentage };
    return at(c, `environments[${i}].dataCapture.samplingPercentage`);
  }),
  // A non-boolean approval.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom('true', 1, null)).chain(([i, approval]) => {
    const c = clone(r);
    c.environments[i].approval = approval;
    return at(c, `environments[${i}].approval`);
  }),
  // Bad images.
  (r) => fc.constantFrom(...knownFrameworks()).chain((framework) => fc.constantFrom(
    [{ framework, version: '0.0-0' }, 'image.version'],
    [{ framework: 'mxnet', version: '1.9.0' }, 'image.framework'],
    [{ framework }, 'image.version'],
    [{ framework, version: knownFrameworkVersions(framework)[0], uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1' }, 'image'],
    [{}, 'image'],
    [{ containerSource: 'container.tar.gz' }, 'image.containerSource'],
    [{ containerSource: 'a/../container.zip' }, 'image.containerSource'],
    [{ containerSource: 'a/\u0001.zip' }, 'image.containerSource'],
    [{ uri: 'docker.io/library/python:3' }, 'image.uri'],
    [{ uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/Repo:1' }, 'image.uri'],
    [{ uri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:abc' }, 'image.uri'],
    [{ uri: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1' }, 'image.uri'],
    [{ containerSource: 'c.zip', tag: 'v1' }, 'image.tag'],
  )).map(([image, path]) => ({ request: { ...r, image }, path: path as string })),
  // keepReleases out of range.
  (r) => fc.constantFrom(0, KEEP_RELEASES_MAX + 1, 2.5, -3).map((keepReleases) => ({ request: { ...r, keepReleases }, path: 'keepReleases' })),
  // Bad notifications.
  (r) => fc.constantFrom(
    [{ emails: ['not-an-address'] }, 'notifications.emails[0]'],
    [{ emails: ['a@example.com', 'A@example.com'] }, 'notifications.emails[1]'],
    [{ emails: Array.from({ length: MAX_EMAILS + 1 }, (_, i) => `u${i}@example.com`) }, 'notifications.emails'],
    [{ emails: 'a@example.com' }, 'notifications.emails'],
    [{ email: ['a@example.com'] }, 'notifications.email'],
  ).map(([notifications, path]) => ({ request: { ...r, notifications }, path: path as string })),
  // Bad tests.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(
    [{ body: '' }, 'tests[0].body'],
    [{ body: 'x', expect: { status: 99 } }, 'tests[0].expect.status'],
    [{ body: 'x', expect: { status: 600 } }, 'tests[0].expect.status'],
    [{ body: 'x', contentType: 'json' }, 'tests[0].contentType'],
    [{ body: 'x', accept: 'nope' }, 'tests[0].accept'],
    [{ body: 'x', expect: { bodyContains: [''] } }, 'tests[0].expect.bodyContains[0]'],
    [{ body: 'x', expect: { jsonPath: [{ path: 'score' }] } }, 'tests[0].expect.jsonPath[0].path'],
    [{ body: 'x', expect: { jsonPath: [{ path: '$.a', equalsJson: 'churn' }] } }, 'tests[0].expect.jsonPath[0].equalsJson'],
    [{ body: 'x', expect: { jsonPath: [{ path: '$.a', min: 2, max: 1 }] } }, 'tests[0].expect.jsonPath[0].min'],
    [{ body: 'x', expect: { maxLatencyMs: 0 } }, 'tests[0].expect.maxLatencyMs'],
    [{ body: 'x', expect: { maxLatencyMs: 60_001 } }, 'tests[0].expect.maxLatencyMs'],
    [{ body: 'x', expect: { statusCode: 200 } }, 'tests[0].expect.statusCode'],
    [{ body: 3 }, 'tests[0].body'],
    [{ body: 'x'.repeat(5000) }, 'tests'],
  )).chain(([i, [test, path]]) => {
    const c = clone(r);
    asEndpointEnvironment(c.environments[i]);
    c.environments[i].tests = [test];
    return at(c, `environments[${i}].${path}`);
  }),
  // Too many tests.
  (r) => anyEnvironment(r).chain((i) => {
    const c = clone(r);
    asEndpointEnvironment(c.environments[i]);
    c.environments[i].tests = Array.from({ length: 21 }, (_, k) => ({ name: `t${k}`, body: '1' }));
    return at(c, `environments[${i}].tests`);
  }),
  // A batch environment before the last one.
  (r) => fc.integer({ min: 0, max: Math.max(0, r.environments.length - 2) }).chain((i) => {
    const c = clone(r);
    if (c.environments.length === 1) {
      c.environments.push({ name: `${c.environments[0].name}-next` });
    }
    c.environments[i] = { name: c.environments[i].name, batch: BATCH };
    return at(c, `environments[${i}].batch`);
  }),
  // A batch environment with an endpoint's setting.
  (r) => fc.constantFrom<[string, unknown]>(
    ['serverless', { memorySizeMb: 2048, maxConcurrency: 5 }],
    ['autoScaling', { maxInstances: 2, targetInvocationsPerInstance: 5 }],
    ['dataCapture', {}],
    ['tests', [{ body: '1' }]],
    ['monitoring', { baselineDataset: 'train.csv' }],
  ).map(([key, value]) => {
    const { request, at: env } = withLastBatch(r, BATCH);
    request.environments[request.environments.length - 1][key] = value;
    return { request, path: `${env}.${key}` };
  }),
  // Bad batch settings.
  (r) => fc.constantFrom(
    [{ ...BATCH, input: '/scoring/in/' }, 'input'],
    [{ ...BATCH, input: 'scoring/../in/' }, 'input'],
    [{ ...BATCH, output: 'scoring/out' }, 'output'],
    [{ input: 'scoring/', output: 'scoring/out/' }, 'output'],
    [{ input: 'scoring/out/in/', output: 'scoring/out/' }, 'output'],
    [{ input: 'scoring/data', output: 'scoring/data-out/' }, 'output'],
    [{ ...BATCH, contentType: 'csv' }, 'contentType'],
    [{ ...BATCH, accept: 'json' }, 'accept'],
    [{ ...BATCH, splitType: 'line' }, 'splitType'],
    [{ ...BATCH, maxPayloadMb: 0 }, 'maxPayloadMb'],
    [{ ...BATCH, maxPayloadMb: 101 }, 'maxPayloadMb'],
    [{ ...BATCH, maxPayloadMb: 1, maxConcurrentTransforms: 0 }, 'maxConcurrentTransforms'],
    [{ ...BATCH, maxPayloadMb: 1, maxConcurrentTransforms: 101 }, 'maxConcurrentTransforms'],
    [{ ...BATCH, maxPayloadMb: 20, maxConcurrentTransforms: 6 }, 'maxConcurrentTransforms'],
    [{ ...BATCH, maxConcurrentTransforms: 17 }, 'maxConcurrentTransforms'],
    [{ ...BATCH, check: { minObjects: -1 } }, 'check.minObjects'],
    [{ ...BATCH, check: { minObjects: 10_001 } }, 'check.minObjects'],
    [{ ...BATCH, check: { bodyContains: [''] } }, 'check.bodyContains[0]'],
    [{ ...BATCH, check: { jsonPath: [{ path: 'score' }] } }, 'check.jsonPath[0].path'],
    [{ ...BATCH, check: { jsonPath: [{ path: '$.s', min: 2, max: 1 }] } }, 'check.jsonPath[0].min'],
  ).map(([batch, field]) => {
    const { request, at: env } = withLastBatch(r, batch);
    return { request, path: `${env}.batch.${field}` };
  }),
  // Bad monitoring settings.
  (r) => fc.tuple(anyEnvironment(r), fc.constantFrom(
    [{ baselineDataset: '../train.csv' }, 'baselineDataset'],
    [{ baselineDataset: '' }, 'baselineDataset'],
    [{ baselineDataset: 'train.csv', datasetFormat: 'parquet' }, 'datasetFormat'],
    [{ baselineDataset: 'train.csv', frequency: 'weekly' }, 'frequency'],
    [{ baselineDataset: 'train.csv', instanceType: 'm5.xlarge' }, 'instanceType'],
    [{ baselineDataset: 'train.csv', instanceType: 'ML.M5.XLARGE' }, 'instanceType'],
    [{ baselineDataset: 'train.csv', instanceCount: 0 }, 'instanceCount'],
    [{ baselineDataset: 'train.csv', instanceCount: 101 }, 'instanceCount'],
    [{ baselineDataset: 'train.csv', violationsThreshold: 0 }, 'violationsThreshold'],
    [{ baselineDataset: 'train.csv', violationsThreshold: 1_000_001 }, 'violationsThreshold'],
  )).chain(([i, [monitoringValue, field]]) => {
    const c = clone(r);
    asInstanceEnvironment(c.environments[i]);
    c.environments[i].monitoring = monitoringValue;
    return at(c, `environments[${i}].monitoring.${field}`);
  }),
  // Monitoring a serverless endpoint.
  (r) => anyEnvironment(r).chain((i) => {
    const c = clone(r);
    c.environments[i] = { name: c.environments[i].name, serverless: { memorySizeMb: 2048, maxConcurrency: 5 }, monitoring: { baselineDataset: 'train.csv' } };
    return at(c, `environments[${i}].monitoring`);
  }),
];

const mutations: Mutation[] = [...structuralMutations, ...ruleMutations];

/** A valid request with exactly one field made invalid, and the path of the problem it must produce. */
export function mutatedPipelineRequest(): fc.Arbitrary<MutatedRequest> {
  return fc.tuple(validPipelineRequest(), fc.integer({ min: 0, max: mutations.length - 1 }))
    .chain(([request, which]) => mutations[which](clone(request)));
}

/** The mutations that only break the document's structure (unknown key, wrong type, missing key): a JSON Schema catches these too. */
export function structurallyMutatedPipelineRequest(): fc.Arbitrary<MutatedRequest> {
  return fc.tuple(validPipelineRequest(), fc.integer({ min: 0, max: structuralMutations.length - 1 }))
    .chain(([request, which]) => structuralMutations[which](clone(request)));
}
