import { readFileSync } from 'fs';
import { join } from 'path';
import Ajv2020 from 'ajv/dist/2020';
import * as fc from 'fast-check';
import { validConfigFile, validPipelineRequest, structurallyMutatedPipelineRequest } from './request-arbitraries';
import { hostingInstanceTypes } from '../../src/config/instance-types';
import { mlopsConfigJsonSchema, pipelineRequestJsonSchema } from '../../src/config/json-schema';
import { CONFIG_SCHEMA_FILE, configSchemaText } from '../../src/config/json-schema-text';

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
const validateRequest = ajv.compile(pipelineRequestJsonSchema());
const validateConfig = ajv.compile(mlopsConfigJsonSchema());

test('the committed mlops-config.schema.json is the generated one', () => {
  const committed = readFileSync(join(__dirname, '..', '..', CONFIG_SCHEMA_FILE), 'utf8');
  if (committed !== configSchemaText()) {
    throw new Error(`${CONFIG_SCHEMA_FILE} is out of date: run "npx ts-node build-tools/write-config-schema.ts" and commit the result`);
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
