/**
 * Requests with a value exactly at one of the schema's limits: each must be
 * accepted. With the cases one past each limit in the other files, they pin
 * every limit from both sides.
 */
import { AtLimitCase } from './hostile-case';
import {
  ENVIRONMENT_NAME_MAX, JSON_PATH_MAX, KEEP_RELEASES_MAX, MAX_EMAILS, MAX_INSTANCE_COUNT, MAX_LATENCY_MS, MAX_TESTS, MIME_TYPE_MAX,
  PIPELINE_NAME_MAX, S3_KEY_MAX_BYTES, SERVERLESS_MAX_CONCURRENCY, SERVERLESS_MEMORY_SIZES, TEST_NAME_MAX,
} from '../../src/config/limits';
import { MAX_ENVIRONMENTS } from '../../src/config/pipeline-request';
import { churnRequest, v1Body } from '../framework/provision/provision-fixtures';

const BASE = churnRequest();

function top(changes: Record<string, unknown>): unknown {
  return { ...BASE, ...changes };
}

function dev(changes: Record<string, unknown>): unknown {
  return { ...BASE, environments: [{ name: 'dev', ...changes }] };
}

function expectation(expect: Record<string, unknown>): unknown {
  return dev({ tests: [{ body: '1', expect }] });
}

const SUFFIX = '.tar.gz';
const ENV = 'environments[0]';

type Row = [name: string, body: unknown, path: string];

const ROWS: Row[] = [
  ['a name of exactly 40 characters', top({ name: 'n'.repeat(PIPELINE_NAME_MAX) }), 'name'],
  ['an environment name of exactly 20 characters', { ...BASE, environments: [{ name: 'e'.repeat(ENVIRONMENT_NAME_MAX) }] }, `${ENV}.name`],
  ['an artifact key of exactly 1024 bytes', top({ artifact: `${'k'.repeat(S3_KEY_MAX_BYTES - SUFFIX.length)}${SUFFIX}` }), 'artifact'],
  ['an artifact key of 1024 bytes in two-byte letters', top({ artifact: `k${'\u00e9'.repeat((S3_KEY_MAX_BYTES - SUFFIX.length - 1) / 2)}${SUFFIX}` }), 'artifact'],
  ['an artifact key with emoji and non-Latin letters', top({ artifact: 'mod\u00e8les/\u30c7\u30fc\u30bf/\u{1f680}/model.tar.gz' }), 'artifact'],
  ['four environments', { ...BASE, environments: Array.from({ length: MAX_ENVIRONMENTS }, (_, i) => ({ name: `e${i}` })) }, 'environments'],
  ['ten emails', top({ notifications: { emails: Array.from({ length: MAX_EMAILS }, (_, i) => `m${i}@example.com`) } }), 'notifications.emails'],
  ['an email of exactly 254 characters', top({ notifications: { emails: [`${'a'.repeat(254 - '@example.com'.length)}@example.com`] } }), 'notifications.emails[0]'],
  ['keepReleases of 1', top({ keepReleases: 1 }), 'keepReleases'],
  ['keepReleases of 20', top({ keepReleases: KEEP_RELEASES_MAX }), 'keepReleases'],
  ['an instance count of 1', dev({ instanceCount: 1 }), `${ENV}.instanceCount`],
  ['an instance count of 100', dev({ instanceCount: MAX_INSTANCE_COUNT }), `${ENV}.instanceCount`],
  ['a serverless concurrency of 200', dev({ serverless: { memorySizeMb: 1024, maxConcurrency: SERVERLESS_MAX_CONCURRENCY } }), `${ENV}.serverless.maxConcurrency`],
  ['the largest serverless memory', dev({ serverless: { memorySizeMb: SERVERLESS_MEMORY_SIZES[SERVERLESS_MEMORY_SIZES.length - 1], maxConcurrency: 1 } }), `${ENV}.serverless.memorySizeMb`],
  ['a capture percentage of 1', dev({ dataCapture: { samplingPercentage: 1 } }), `${ENV}.dataCapture.samplingPercentage`],
  ['a capture percentage of 100', dev({ dataCapture: { samplingPercentage: 100 } }), `${ENV}.dataCapture.samplingPercentage`],
  ['twenty tests', dev({ tests: Array.from({ length: MAX_TESTS }, (_, i) => ({ name: `t${i}`, body: '1' })) }), `${ENV}.tests`],
  ['a test name of exactly 100 characters', dev({ tests: [{ name: 't'.repeat(TEST_NAME_MAX), body: '1' }] }), `${ENV}.tests[0].name`],
  ['an accept of exactly 255 characters', dev({ tests: [{ body: '1', accept: `application/${'x'.repeat(MIME_TYPE_MAX - 'application/'.length)}` }] }), `${ENV}.tests[0].accept`],
  ['an expected status of 100', expectation({ status: 100 }), `${ENV}.tests[0].expect.status`],
  ['an expected status of 599', expectation({ status: 599 }), `${ENV}.tests[0].expect.status`],
  ['a latency budget of exactly 60 s', expectation({ maxLatencyMs: MAX_LATENCY_MS }), `${ENV}.tests[0].expect.maxLatencyMs`],
  ['a JSON path of exactly 256 characters', expectation({ jsonPath: [{ path: `$.${'a'.repeat(JSON_PATH_MAX - 2)}` }] }), `${ENV}.tests[0].expect.jsonPath[0].path`],
];

export const AT_LIMIT_CASES: readonly AtLimitCase[] = [
  ...ROWS.map(([name, body, path]): AtLimitCase => ({ name, route: '/pipelines', body, path })),
  { name: 'a v1.0 model_name of exactly 40 characters', route: '/provisionpipeline', body: v1Body({ model_name: 'm'.repeat(PIPELINE_NAME_MAX) }), path: 'model_name' },
];
