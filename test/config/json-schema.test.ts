import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv2020 from 'ajv/dist/2020';
import * as fc from 'fast-check';
import { validConfigFile, validPipelineRequest, structurallyMutatedPipelineRequest } from './request-arbitraries';
import { hostingInstanceTypes } from '../../src/catalog/instance-types';
import { mlopsConfigJsonSchema, pipelineRequestJsonSchema } from '../../src/config/json-schema';
import { CONFIG_SCHEMA_FILE, configSchemaText } from '../../src/config/json-schema-text';
import { validatePipelineRequest } from '../../src/config/validate';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
const validateRequest = ajv.compile(pipelineRequestJsonSchema());
const validateConfig = ajv.compile(mlopsConfigJsonSchema());

test('the committed mlops-config.schema.json is the generated one', () => {
  const committed = readFileSync(join(__dirname, '..', '..', CONFIG_SCHEMA_FILE), 'utf8');
  if (committed !== configSchemaText()) {
    throw new Error(`${CONFIG_SCHEMA_FILE} is out of date: run "npx projen config-schema" (the build does) and commit the result`);
  }
});

test('every property has a title and a description, for editor completion', () => {
  const missing: string[] = [];
  const visit = (schema: unknown, path: string): void => {
    if (typeof schema !== 'object' || schema === null) return;
    const node = schema as Record<string, unknown>;
    for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      // `false` forbids a property in a branch; it needs no documentation.
      if (typeof property === 'object' && !(property.title && property.description) && !/\.(if|then|dependentSchemas)\b/.test(path)) {
        missing.push(`${path}.${name}`);
      }
      visit(property, `${path}.${name}`);
    }
    for (const key of ['items', 'then', 'if']) visit(node[key], `${path}.${key}`);
    for (const [name, dependent] of Object.entries((node.dependentSchemas ?? {}) as Record<string, unknown>)) visit(dependent, `${path}.dependentSchemas.${name}`);
    for (const key of ['oneOf', 'allOf']) ((node[key] ?? []) as unknown[]).forEach((s, i) => visit(s, `${path}.${key}[${i}]`));
    for (const [name, def] of Object.entries((node.$defs ?? {}) as Record<string, unknown>)) visit(def, `${path}.$defs.${name}`);
  };
  visit(mlopsConfigJsonSchema(), '');
  expect(missing).toEqual([]);
});

test('the schema offers the known instance types and frameworks as enums', () => {
  const text = configSchemaText();
  expect(text).toContain('"ml.g5.xlarge"');
  expect(JSON.parse(text).$defs.pipelineRequest.properties.environments.items.properties.instanceType.enum).toEqual(hostingInstanceTypes());
});

test('the schema accepts every valid request', () => {
  fc.assert(fc.property(validPipelineRequest(), (request) => {
    if (!validateRequest(request)) {
      throw new Error(`schema refused a valid request: ${ajv.errorsText(validateRequest.errors)}`);
    }
  }), { numRuns: 1000 });
});

test('the schema accepts every valid config file', () => {
  fc.assert(fc.property(validConfigFile(), (file) => {
    if (!validateConfig(file)) {
      throw new Error(`schema refused a valid config file: ${ajv.errorsText(validateConfig.errors)}`);
    }
  }), { numRuns: 200 });
});

test('the schema refuses every structural mutation (unknown key, wrong type, missing key)', () => {
  fc.assert(fc.property(structurallyMutatedPipelineRequest(), ({ request }) => {
    expect(validateRequest(request)).toBe(false);
  }), { numRuns: 1000 });
});

test('the schema refuses values the validator refuses for a rule it can express', () => {
  const base = { name: 'churn', artifact: 'm.tar.gz', image: { framework: 'xgboost', version: '1.7-1' }, environments: [{ name: 'dev' }] };
  expect(validateRequest(base)).toBe(true);
  for (const bad of [
    { ...base, name: 'Churn' },
    { ...base, artifact: 'a/../m.tar.gz' },
    { ...base, artifact: '/m.tar.gz' },
    { ...base, image: { framework: 'xgboost', version: '0.90-1' } },
    { ...base, image: { framework: 'xgboost', version: '1.7-1', uri: 'x' } },
    { ...base, environments: [{ name: 'dev', instanceType: 'ml.m5.huge' }] },
    { ...base, environments: [{ name: 'dev', serverless: { memorySizeMb: 2048, maxConcurrency: 1 }, instanceCount: 1 }] },
  ]) {
    expect(validateRequest(bad)).toBe(false);
  }
});

describe('batch environments and monitoring in the schema', () => {
  const base = { name: 'churn', artifact: 'm.tar.gz', image: { framework: 'xgboost', version: '1.7-1' } };
  const batch = { input: 'scoring/in/', output: 'scoring/out/' };
  const monitoring = { baselineDataset: 'churn/train.csv' };
  const dev = { name: 'dev' };
  const withBatch = (extra: Record<string, unknown>, env: Record<string, unknown> = {}) =>
    ({ ...base, environments: [dev, { name: 'scoring', ...env, batch: { ...batch, ...extra } }] });
  const withMonitoring = (extra: Record<string, unknown>, env: Record<string, unknown> = {}) =>
    ({ ...base, environments: [{ name: 'prod', ...env, monitoring: { ...monitoring, ...extra } }] });

  test('accepts them where the validator does', () => {
    for (const good of [
      withBatch({}),
      withBatch({ splitType: 'RecordIO', maxPayloadMb: 100, maxConcurrentTransforms: 1, check: { minObjects: 1, bodyContains: ['x'], jsonPath: [{ path: '$.a' }] } }),
      withMonitoring({ datasetFormat: 'csvNoHeader', frequency: 'daily', instanceType: 'ml.p6-b200.48xlarge', instanceCount: 100, violationsThreshold: 1_000_000 }),
      { ...base, environments: [{ name: 'scoring', batch }] },
    ]) {
      expect(validatePipelineRequest(good).ok).toBe(true);
      if (!validateRequest(good)) throw new Error(ajv.errorsText(validateRequest.errors));
    }
  });

  test.each([
    ['batch with serverless', withBatch({}, { serverless: { memorySizeMb: 2048, maxConcurrency: 1 } })],
    ['batch with autoScaling', withBatch({}, { autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 1 } })],
    ['batch with dataCapture', withBatch({}, { dataCapture: {} })],
    ['batch with tests', withBatch({}, { tests: [{ body: '1' }] })],
    ['batch with monitoring', withBatch({}, { monitoring })],
    ['a batch environment before the last', { ...base, environments: [{ name: 'scoring', batch }, dev] }],
    ['two batch environments', { ...base, environments: [{ name: 'a', batch }, dev, { name: 'b', batch }] }],
    ['a batch output without a trailing "/"', withBatch({ output: 'scoring/out' })],
    ['a batch input with a ".." segment', withBatch({ input: 'a/../in/' })],
    ['an unknown split type', withBatch({ splitType: 'line' })],
    ['a payload over 100 MB', withBatch({ maxPayloadMb: 101 })],
    ['too many parallel requests', withBatch({ maxConcurrentTransforms: 101 })],
    ['a negative minObjects', withBatch({ check: { minObjects: -1 } })],
    ['a minObjects of 0', withBatch({ check: { minObjects: 0 } })],
    ['an output under config/', withBatch({ output: 'config/out/' })],
    ['an empty bodyContains text', withBatch({ check: { bodyContains: [''] } })],
    ['a batch content type that is no MIME type', withBatch({ contentType: 'csv' })],
    ['monitoring with serverless', withMonitoring({}, { serverless: { memorySizeMb: 2048, maxConcurrency: 1 } })],
    ['an unknown dataset format', withMonitoring({ datasetFormat: 'parquet' })],
    ['an unknown frequency', withMonitoring({ frequency: 'weekly' })],
    ['a processing instance type without "ml."', withMonitoring({ instanceType: 'm5.xlarge' })],
    ['a monitoring instance count over 100', withMonitoring({ instanceCount: 101 })],
    ['a violations threshold of 0', withMonitoring({ violationsThreshold: 0 })],
  ])('refuses %s, as the validator does', (_what, bad) => {
    expect(validatePipelineRequest(bad).ok).toBe(false);
    expect(validateRequest(bad)).toBe(false);
  });

  test.each([
    ['a batch output inside its input', withBatch({ input: 'scoring/', output: 'scoring/out/' })],
    ['parallel requests times the payload over 100 MB', withBatch({ maxPayloadMb: 20, maxConcurrentTransforms: 6 })],
  ])('leaves %s to the validator (JSON Schema cannot compare two values)', (_what, bad) => {
    expect(validatePipelineRequest(bad).ok).toBe(false);
    expect(validateRequest(bad)).toBe(true);
  });
});
