/**
 * Hostile `POST /pipelines` bodies about environments: the list, names,
 * instances, serverless, auto scaling, data capture, approval and request tests.
 */
import { HostileCase } from './hostile-case';
import { churnRequest } from '../framework/provision/provision-fixtures';

const BASE = churnRequest();

function environments(list: unknown): HostileCase['body'] {
  return { ...BASE, environments: list };
}

/** The base request whose first environment is `dev` with `changes`. */
function dev(changes: Record<string, unknown>): HostileCase['body'] {
  return environments([{ name: 'dev', ...changes }, BASE.environments[1]]);
}

/** The base request whose dev environment has one request test. */
function test(entry: unknown): HostileCase['body'] {
  return dev({ tests: [entry] });
}

function expectation(expect: Record<string, unknown>): HostileCase['body'] {
  return test({ body: '1,2', expect });
}

const SERVERLESS = { memorySizeMb: 2048, maxConcurrency: 5 };
const SCALING = { maxInstances: 4, targetInvocationsPerInstance: 100 };
const ENV = 'environments[0]';
const TEST = `${ENV}.tests[0]`;

type Row = [name: string, body: unknown, path: string];

const ROWS: Row[] = [
  // the list
  ['no environments', environments([]), 'environments'],
  ['environments is an object', environments({ dev: {} }), 'environments'],
  ['five environments', environments(['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }))), 'environments'],
  ['an environment that is null', environments([{ name: 'dev' }, null]), 'environments[1]'],
  ['an environment that is a string', environments(['dev']), ENV],
  ['an environment without a name', environments([{ instanceType: 'ml.m5.large' }]), `${ENV}.name`],
  ['two environments of one name', environments([{ name: 'dev' }, { name: 'dev', approval: true }]), 'environments[1].name'],
  ['an environment named like another in upper case', environments([{ name: 'dev' }, { name: 'DEV' }]), 'environments[1].name'],
  ['an environment name one past 20 characters', environments([{ name: 'e'.repeat(21) }]), `${ENV}.name`],
  ['an environment name with a zero-width space', environments([{ name: 'de\u200bv' }]), `${ENV}.name`],
  ['an environment name with an emoji', environments([{ name: '\u{1f525}' }]), `${ENV}.name`],
  ['an environment name with a dot', environments([{ name: 'dev.1' }]), `${ENV}.name`],
  ['an environment name that is a number', environments([{ name: 1 }]), `${ENV}.name`],
  ['an environment region, which requests cannot set', dev({ region: 'eu-west-1' }), `${ENV}.region`],
  ['an environment vpc, which requests cannot set', dev({ vpc: 'vpc-123' }), `${ENV}.vpc`],
  // instances
  ['an instance type that is a number', dev({ instanceType: 5 }), `${ENV}.instanceType`],
  ['an unknown instance size', dev({ instanceType: 'ml.m5.huge' }), `${ENV}.instanceType`],
  ['a notebook instance type hosting lacks', dev({ instanceType: 'ml.t3.medium' }), `${ENV}.instanceType`],
  ['an instance type with a trailing space', dev({ instanceType: 'ml.m5.large ' }), `${ENV}.instanceType`],
  ['an instance type in upper case', dev({ instanceType: 'ML.M5.LARGE' }), `${ENV}.instanceType`],
  ['an instance type of 100 000 characters', dev({ instanceType: `ml.${'m'.repeat(100_000)}.large` }), `${ENV}.instanceType`],
  ['an instance count of 0', dev({ instanceCount: 0 }), `${ENV}.instanceCount`],
  ['an instance count one past 100', dev({ instanceCount: 101 }), `${ENV}.instanceCount`],
  ['a fractional instance count', dev({ instanceCount: 1.5 }), `${ENV}.instanceCount`],
  ['an instance count as a string', dev({ instanceCount: '2' }), `${ENV}.instanceCount`],
  ['a negative instance count', dev({ instanceCount: -3 }), `${ENV}.instanceCount`],
  ['an instance count of 1e21', dev({ instanceCount: 1e21 }), `${ENV}.instanceCount`],
  ['approval as "yes"', dev({ approval: 'yes' }), `${ENV}.approval`],
  ['approval as 1', dev({ approval: 1 }), `${ENV}.approval`],
  ['approval is null', dev({ approval: null }), `${ENV}.approval`],
  // serverless
  ['serverless memory that is no step of 1024', dev({ serverless: { ...SERVERLESS, memorySizeMb: 1000 } }), `${ENV}.serverless.memorySizeMb`],
  ['serverless memory as a string', dev({ serverless: { ...SERVERLESS, memorySizeMb: '2048' } }), `${ENV}.serverless.memorySizeMb`],
  ['a serverless concurrency of 0', dev({ serverless: { ...SERVERLESS, maxConcurrency: 0 } }), `${ENV}.serverless.maxConcurrency`],
  ['a serverless concurrency one past 200', dev({ serverless: { ...SERVERLESS, maxConcurrency: 201 } }), `${ENV}.serverless.maxConcurrency`],
  ['serverless without a concurrency', dev({ serverless: { memorySizeMb: 2048 } }), `${ENV}.serverless.maxConcurrency`],
  ['provisioned concurrency above the maximum', dev({ serverless: { ...SERVERLESS, provisionedConcurrency: 6 } }), `${ENV}.serverless.provisionedConcurrency`],
  ['serverless with an instance type', dev({ serverless: SERVERLESS, instanceType: 'ml.m5.large' }), `${ENV}.instanceType`],
  ['serverless is an array', dev({ serverless: [SERVERLESS] }), `${ENV}.serverless`],
  // auto scaling and data capture
  ['auto scaling below the instance count', dev({ instanceCount: 3, autoScaling: { ...SCALING, maxInstances: 2 } }), `${ENV}.autoScaling.maxInstances`],
  ['a scaling minimum above the instance count', dev({ autoScaling: { ...SCALING, minInstances: 2 } }), `${ENV}.autoScaling.minInstances`],
  ['a scaling target of 0', dev({ autoScaling: { ...SCALING, targetInvocationsPerInstance: 0 } }), `${ENV}.autoScaling.targetInvocationsPerInstance`],
  ['a scaling target as "NaN"', dev({ autoScaling: { ...SCALING, targetInvocationsPerInstance: 'NaN' } }), `${ENV}.autoScaling.targetInvocationsPerInstance`],
  ['auto scaling without a maximum', dev({ autoScaling: { targetInvocationsPerInstance: 100 } }), `${ENV}.autoScaling.maxInstances`],
  ['a capture percentage of 0', dev({ dataCapture: { samplingPercentage: 0 } }), `${ENV}.dataCapture.samplingPercentage`],
  ['a capture percentage one past 100', dev({ dataCapture: { samplingPercentage: 101 } }), `${ENV}.dataCapture.samplingPercentage`],
  ['a capture prefix, which requests cannot set', dev({ dataCapture: { prefix: '../capture/' } }), `${ENV}.dataCapture.prefix`],
  ['data capture as true', dev({ dataCapture: true }), `${ENV}.dataCapture`],
  // request tests
  ['an empty list of tests', dev({ tests: [] }), `${ENV}.tests`],
  ['tests as an object', dev({ tests: { body: '1' } }), `${ENV}.tests`],
  ['twenty-one tests', dev({ tests: Array.from({ length: 21 }, (_, i) => ({ name: `t${i}`, body: '1' })) }), `${ENV}.tests`],
  ['a test without a body', test({ name: 'smoke' }), `${TEST}.body`],
  ['a test with an empty body', test({ body: '' }), `${TEST}.body`],
  ['a test body that is JSON, not text', test({ body: { a: 1 } }), `${TEST}.body`],
  ['a test name one past 100 characters', test({ name: 't'.repeat(101), body: '1' }), `${TEST}.name`],
  ['an empty test name', test({ name: '', body: '1' }), `${TEST}.name`],
  ['two tests of one name', dev({ tests: [{ name: 'smoke', body: '1' }, { name: 'smoke', body: '2' }] }), `${ENV}.tests[1].name`],
  ['a test content type that is no MIME type', test({ body: '1', contentType: 'csv' }), `${TEST}.contentType`],
  ['a content type with a header injection', test({ body: '1', contentType: 'text/csv\r\nX-Amz-Target: x' }), `${TEST}.contentType`],
  ['a content type whose parameters start on a new line', test({ body: '1', contentType: 'text/csv\r\n; X-Injected: 1' }), `${TEST}.contentType`],
  ['a content type parameter with a NUL', test({ body: '1', contentType: 'text/csv; charset=utf-8\u0000' }), `${TEST}.contentType`],
  ['an accept past 255 characters', test({ body: '1', accept: `application/${'x'.repeat(250)}` }), `${TEST}.accept`],
  ['tests over the 4096 characters of a parameter', dev({ tests: [{ body: 'x'.repeat(4100) }] }), `${ENV}.tests`],
  ['an unknown test key', test({ body: '1', method: 'GET' }), `${TEST}.method`],
  ['an expected status of 99', expectation({ status: 99 }), `${TEST}.expect.status`],
  ['an expected status of 600', expectation({ status: 600 }), `${TEST}.expect.status`],
  ['an expected status as a string', expectation({ status: '200' }), `${TEST}.expect.status`],
  ['a latency budget of 0', expectation({ maxLatencyMs: 0 }), `${TEST}.expect.maxLatencyMs`],
  ['a latency budget past 60 s', expectation({ maxLatencyMs: 60_001 }), `${TEST}.expect.maxLatencyMs`],
  ['a JSON path with an open bracket', expectation({ jsonPath: [{ path: '$.scores[' }] }), `${TEST}.expect.jsonPath[0].path`],
  ['a JSON path past 256 characters', expectation({ jsonPath: [{ path: `$.${'a'.repeat(260)}` }] }), `${TEST}.expect.jsonPath[0].path`],
  ['equalsJson together with min', expectation({ jsonPath: [{ path: '$.score', equalsJson: '1', min: 0 }] }), `${TEST}.expect.jsonPath[0]`],
  ['a min as a string', expectation({ jsonPath: [{ path: '$.score', min: '0' }] }), `${TEST}.expect.jsonPath[0].min`],
  ['twenty-one bodyContains texts', expectation({ bodyContains: Array.from({ length: 21 }, (_, i) => `t${i}`) }), `${TEST}.expect.bodyContains`],
  ['an unknown expect key', expectation({ headers: { 'x-a': '1' } }), `${TEST}.expect.headers`],
];

export const ENVIRONMENT_CASES: readonly HostileCase[] = ROWS.map(([name, body, path]) => ({ name, route: '/pipelines', body, path }));
