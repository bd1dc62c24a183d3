/**
 * The construct and the API accept exactly the same values for every field
 * they share. One table of values per field, at and past each limit, each
 * run through `new ByomPipeline(...)` (and `IntegrationTests.requests()`),
 * through the provisioning API's validator and through `mlops validate`
 * (a request file on disk): all three accept it, or all three refuse it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { ByomPipeline, EnvironmentProps, IntegrationTests, ModelArtifact, TestRequest } from '../../src';
import { checkRequestFile } from '../../src/cli/request-file';
import { MlopsValidationError } from '../../src/common/errors';
import { validatePipelineRequest } from '../../src/config/validate';
import { basicProps, modelBucket, newStack } from '../pipeline/fixtures';

/** A valid request with one environment; the field under test is put in. */
function baseRequest(): Record<string, any> {
  return {
    name: 'churn',
    artifact: 'churn/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: [{ name: 'dev' }],
  };
}

/** A shared field: where a value goes in the construct's props and in a request. */
interface SharedField {
  readonly field: string;
  readonly values: readonly unknown[];
  /** Builds the construct with the value (throws MlopsValidationError when it refuses it). */
  readonly construct: (stack: Stack, value: any) => void;
  /** The request holding the value. */
  readonly request: (value: any) => Record<string, any>;
}

const data = (stack: Stack, prefix: string) => ({ bucket: modelBucket(stack, `Data${prefix.replace(/[^a-z]/gi, '')}`), prefix });

function pipelineWith(stack: Stack, overrides: Parameters<typeof basicProps>[1]): void {
  new ByomPipeline(stack, 'Churn', basicProps(stack, overrides));
}
function envWith(stack: Stack, env: Partial<EnvironmentProps>): void {
  pipelineWith(stack, { environments: [{ name: 'dev', ...env }] });
}
function requestEnv(env: Record<string, unknown>): Record<string, any> {
  return { ...baseRequest(), environments: [{ name: 'dev', ...env }] };
}
function batchEnv(stack: Stack, batch: Record<string, unknown>, env: Partial<EnvironmentProps> = {}): void {
  envWith(stack, { ...env, batch: { input: data(stack, 'in/'), output: data(stack, 'out/'), ...batch } });
}
function requestBatch(batch: Record<string, unknown>, env: Record<string, unknown> = {}): Record<string, any> {
  return requestEnv({ ...env, batch: { input: 'in/', output: 'out/', ...batch } });
}
function monitoredEnv(stack: Stack, monitoring: Record<string, unknown>): void {
  envWith(stack, { monitoring: { baselineDataset: data(stack, 'train.csv'), ...monitoring } });
}
function requestMonitoring(monitoring: Record<string, unknown>): Record<string, any> {
  return requestEnv({ monitoring: { baselineDataset: 'train.csv', ...monitoring } });
}
function testedEnv(stack: Stack, tests: TestRequest[]): void {
  envWith(stack, { tests: IntegrationTests.requests(tests) });
}
function requestTests(tests: unknown[]): Record<string, any> {
  return requestEnv({ tests });
}

const NAMES = ['churn', 'a', 'c7', 'Churn', 'a--b', 'a-b', '-a', 'a-', '', 'churn_v2', 'churn model', 'churn.v2', 'é'];
const BYTES_1024 = `${'a'.repeat(1017)}.tar.gz`;

const FIELDS: SharedField[] = [
  {
    field: 'modelName / name',
    values: [...NAMES, 'm'.repeat(40), 'm'.repeat(41)],
    construct: (stack, value) => pipelineWith(stack, { modelName: value }),
    request: (value) => ({ ...baseRequest(), name: value }),
  },
  {
    field: 'environments[].name',
    values: [...NAMES, 'e'.repeat(20), 'e'.repeat(21)],
    construct: (stack, value) => pipelineWith(stack, { environments: [{ name: value }] }),
    request: (value) => ({ ...baseRequest(), environments: [{ name: value }] }),
  },
  {
    field: 'two environments of one name',
    values: [['dev', 'prod'], ['dev', 'dev'], ['dev', 'Dev']],
    construct: (stack, [a, b]) => pipelineWith(stack, { environments: [{ name: a }, { name: b }] }),
    request: ([a, b]) => ({ ...baseRequest(), environments: [{ name: a }, { name: b }] }),
  },
  {
    field: 'artifact key',
    values: [
      'churn/model.tar.gz', 'model.tar.gz', 'modèles/データ/model.tar.gz', BYTES_1024, `a${BYTES_1024}`, `${'é'.repeat(600)}.tar.gz`,
      'churn/', '', '/churn/model.tar.gz', 'churn/../model.tar.gz', './model.tar.gz', 'churn/%2e%2e/model.tar.gz', 'churn//model.tar.gz',
      'churn/model.zip', 'churn\\model.tar.gz', 'churn/\u0000.tar.gz', 'churn/\u200bmodel.tar.gz', 'churn/\ud800.tar.gz', 'config/model.tar.gz',
    ],
    construct: (stack, value) => pipelineWith(stack, { artifact: ModelArtifact.fromBucket(modelBucket(stack, 'Artifacts'), value) }),
    request: (value) => ({ ...baseRequest(), artifact: value }),
  },
  {
    field: 'keepReleases',
    values: [1, 2, 20, 0, 21, -1, 2.5],
    construct: (stack, value) => pipelineWith(stack, { keepReleases: value }),
    request: (value) => ({ ...baseRequest(), keepReleases: value }),
  },
  {
    field: 'notifications.emails',
    values: [
      [], ['ml@example.com'], ['ml@localhost'], ['not-an-email'], ['ml@example.com', 'ML@EXAMPLE.COM'], ['ml @example.com'],
      Array.from({ length: 10 }, (_, i) => `u${i}@example.com`), Array.from({ length: 11 }, (_, i) => `u${i}@example.com`),
    ],
    construct: (stack, value) => pipelineWith(stack, { notifications: { emails: value } }),
    request: (value) => ({ ...baseRequest(), notifications: { emails: value } }),
  },
  {
    field: 'instanceType of an endpoint',
    values: ['ml.m5.large', 'ml.g5.xlarge', 'ml.t2.medium', 'ml.c5.large', 'ml.m5.huge', 'm5.large', 'ml.m5.large ', 'ML.M5.LARGE', ''],
    construct: (stack, value) => envWith(stack, { instanceType: value }),
    request: (value) => requestEnv({ instanceType: value }),
  },
  {
    field: 'instanceType of a batch environment',
    values: ['ml.m5.large', 'ml.c5.xlarge', 'ml.c5.large', 'ml.t2.medium', 'ml.m5.huge'],
    construct: (stack, value) => batchEnv(stack, {}, { instanceType: value }),
    request: (value) => requestBatch({}, { instanceType: value }),
  },
  {
    field: 'instanceCount',
    values: [1, 100, 0, 101, -1, 1.5],
    construct: (stack, value) => envWith(stack, { instanceCount: value }),
    request: (value) => requestEnv({ instanceCount: value }),
  },
  {
    field: 'serverless.memorySizeMb',
    values: [1024, 6144, 3072, 1000, 0, 7168, 2048.5],
    construct: (stack, value) => envWith(stack, { serverless: { memorySizeMb: value, maxConcurrency: 5 } }),
    request: (value) => requestEnv({ serverless: { memorySizeMb: value, maxConcurrency: 5 } }),
  },
  {
    field: 'serverless.maxConcurrency',
    values: [1, 200, 0, 201, 2.5],
    construct: (stack, value) => envWith(stack, { serverless: { memorySizeMb: 2048, maxConcurrency: value } }),
    request: (value) => requestEnv({ serverless: { memorySizeMb: 2048, maxConcurrency: value } }),
  },
  {
    field: 'serverless.provisionedConcurrency (maxConcurrency 5)',
    values: [1, 5, 0, 6, 201, 1.5],
    construct: (stack, value) => envWith(stack, { serverless: { memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: value } }),
    request: (value) => requestEnv({ serverless: { memorySizeMb: 2048, maxConcurrency: 5, provisionedConcurrency: value } }),
  },
  {
    field: 'autoScaling.maxInstances (instanceCount 2)',
    values: [2, 100, 1, 101, 0, 2.5],
    construct: (stack, value) => envWith(stack, { instanceCount: 2, autoScaling: { maxInstances: value, targetInvocationsPerInstance: 100 } }),
    request: (value) => requestEnv({ instanceCount: 2, autoScaling: { maxInstances: value, targetInvocationsPerInstance: 100 } }),
  },
  {
    field: 'autoScaling.minInstances (instanceCount 2)',
    values: [1, 2, 3, 0, 1.5],
    construct: (stack, value) => envWith(stack, {
      instanceCount: 2, autoScaling: { minInstances: value, maxInstances: 4, targetInvocationsPerInstance: 100 },
    }),
    request: (value) => requestEnv({ instanceCount: 2, autoScaling: { minInstances: value, maxInstances: 4, targetInvocationsPerInstance: 100 } }),
  },
  {
    field: 'autoScaling.targetInvocationsPerInstance',
    values: [1, 1.5, 1000, 0.5, 0, -1],
    construct: (stack, value) => envWith(stack, { autoScaling: { maxInstances: 4, targetInvocationsPerInstance: value } }),
    request: (value) => requestEnv({ autoScaling: { maxInstances: 4, targetInvocationsPerInstance: value } }),
  },
  {
    field: 'dataCapture.samplingPercentage',
    values: [1, 100, 0, 101, 50.5],
    construct: (stack, value) => envWith(stack, { dataCapture: { samplingPercentage: value } }),
    request: (value) => requestEnv({ dataCapture: { samplingPercentage: value } }),
  },
  {
    field: 'a key set together with serverless',
    values: ['approval', 'instanceType', 'instanceCount', 'autoScaling', 'dataCapture', 'monitoring'],
    construct: (stack, key) => envWith(stack, {
      serverless: { memorySizeMb: 2048, maxConcurrency: 5 },
      ...{
        approval: { approval: true },
        instanceType: { instanceType: 'ml.m5.large' },
        instanceCount: { instanceCount: 1 },
        autoScaling: { autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 1 } },
        dataCapture: { dataCapture: {} },
        monitoring: { monitoring: { baselineDataset: data(stack, 'train.csv') } },
      }[key as string],
    }),
    request: (key) => requestEnv({
      serverless: { memorySizeMb: 2048, maxConcurrency: 5 },
      ...{
        approval: { approval: true },
        instanceType: { instanceType: 'ml.m5.large' },
        instanceCount: { instanceCount: 1 },
        autoScaling: { autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 1 } },
        dataCapture: { dataCapture: {} },
        monitoring: { monitoring: { baselineDataset: 'train.csv' } },
      }[key as string],
    }),
  },
  {
    field: 'monitoring.instanceType',
    values: ['ml.m5.xlarge', 'ml.c5.2xlarge', 'm5.xlarge', 'ml.m5', 'ml.m5.xlarge ', ''],
    construct: (stack, value) => monitoredEnv(stack, { instanceType: value }),
    request: (value) => requestMonitoring({ instanceType: value }),
  },
  {
    field: 'monitoring.instanceCount',
    values: [1, 100, 0, 101, 1.5],
    construct: (stack, value) => monitoredEnv(stack, { instanceCount: value }),
    request: (value) => requestMonitoring({ instanceCount: value }),
  },
  {
    field: 'monitoring.violationsThreshold',
    values: [1, 1_000_000, 0, 1_000_001, 2.5],
    construct: (stack, value) => monitoredEnv(stack, { violationsThreshold: value }),
    request: (value) => requestMonitoring({ violationsThreshold: value }),
  },
  {
    field: 'monitoring.baselineDataset key',
    values: ['train.csv', 'data/train.csv', '/train.csv', 'data/../train.csv', 'data//train.csv', 'config/train.csv'],
    construct: (stack, value) => envWith(stack, { monitoring: { baselineDataset: data(stack, value) } }),
    request: (value) => requestMonitoring({ baselineDataset: value }),
  },
  {
    field: 'batch.output prefix',
    values: ['out/', 'scores/2024/', 'out', '/out/', 'out//', 'in/results/', 'config/out/'],
    construct: (stack, value) => {
      const bucket = modelBucket(stack, 'Data');
      envWith(stack, { batch: { input: { bucket, prefix: 'in/' }, output: { bucket, prefix: value } } });
    },
    request: (value) => requestBatch({ output: value }),
  },
  {
    field: 'batch.maxPayloadMb',
    values: [1, 100, 0, 101, 1.5],
    construct: (stack, value) => batchEnv(stack, { maxPayloadMb: value }),
    request: (value) => requestBatch({ maxPayloadMb: value }),
  },
  {
    field: 'batch.maxConcurrentTransforms (default payload of 6 MB)',
    values: [1, 16, 17, 0, 100, 101],
    construct: (stack, value) => batchEnv(stack, { maxConcurrentTransforms: value }),
    request: (value) => requestBatch({ maxConcurrentTransforms: value }),
  },
  {
    field: 'batch.maxConcurrentTransforms (payload of 1 MB)',
    values: [100, 101],
    construct: (stack, value) => batchEnv(stack, { maxPayloadMb: 1, maxConcurrentTransforms: value }),
    request: (value) => requestBatch({ maxPayloadMb: 1, maxConcurrentTransforms: value }),
  },
  {
    field: 'batch.contentType',
    values: ['text/csv', 'application/x-recordio-protobuf', 'text/csv; charset=utf-8', 'csv', 'text/csv\nX: y', ''],
    construct: (stack, value) => batchEnv(stack, { contentType: value }),
    request: (value) => requestBatch({ contentType: value }),
  },
  {
    field: 'batch.check.minObjects',
    values: [1, 10_000, 0, 10_001, 1.5],
    construct: (stack, value) => batchEnv(stack, { check: { minObjects: value } }),
    request: (value) => requestBatch({ check: { minObjects: value } }),
  },
  {
    field: 'batch.check.jsonPath',
    values: [[{ path: '$.score', min: 0, max: 1 }], [{ path: 'score' }], [{ path: '$.label', equalsJson: 'churn' }], [{ path: '$', min: 2, max: 1 }]],
    construct: (stack, value) => batchEnv(stack, { check: { jsonPath: value } }),
    request: (value) => requestBatch({ check: { jsonPath: value } }),
  },
  {
    field: 'tests (how many)',
    values: [1, 20, 0, 21],
    construct: (stack, n) => testedEnv(stack, Array.from({ length: n }, (_, i) => ({ name: `t${i}`, body: '1' }))),
    request: (n) => requestTests(Array.from({ length: n }, (_, i) => ({ name: `t${i}`, body: '1' }))),
  },
  {
    field: 'tests[].name',
    values: ['likely churner', 'x'.repeat(100), 'x'.repeat(101), '', '#2'],
    construct: (stack, value) => testedEnv(stack, [{ name: value, body: '1' }, { body: '2' }]),
    request: (value) => requestTests([{ name: value, body: '1' }, { body: '2' }]),
  },
  {
    field: 'tests[].body',
    values: ['{"tenure": 1}', '', 'x'.repeat(3000), 'x'.repeat(4000)],
    construct: (stack, value) => testedEnv(stack, [{ body: value }]),
    request: (value) => requestTests([{ body: value }]),
  },
  {
    field: 'tests[].accept',
    values: ['application/json', 'text/csv; charset=utf-8', 'json', 'a/b\r\n'],
    construct: (stack, value) => testedEnv(stack, [{ body: '1', accept: value }]),
    request: (value) => requestTests([{ body: '1', accept: value }]),
  },
  {
    field: 'tests[].expect.status',
    values: [100, 200, 599, 99, 600, 200.5],
    construct: (stack, value) => testedEnv(stack, [{ body: '1', expect: { status: value } }]),
    request: (value) => requestTests([{ body: '1', expect: { status: value } }]),
  },
  {
    field: 'tests[].expect.maxLatency (ms)',
    values: [1, 60_000, 0, 60_001, 1.5],
    construct: (stack, value) => testedEnv(stack, [{ body: '1', expect: { maxLatency: Duration.millis(value) } }]),
    request: (value) => requestTests([{ body: '1', expect: { maxLatencyMs: value } }]),
  },
  {
    field: 'tests[].expect.bodyContains',
    values: [['churn'], [''], Array.from({ length: 20 }, () => 'x'), Array.from({ length: 21 }, () => 'x')],
    construct: (stack, value) => testedEnv(stack, [{ body: '1', expect: { bodyContains: value } }]),
    request: (value) => requestTests([{ body: '1', expect: { bodyContains: value } }]),
  },
  {
    field: 'tests[].expect.jsonPath',
    values: [
      [{ path: '$.predictions[0].score', min: 0.5 }], [{ path: '$.label', equalsJson: '"churn"' }], [{ path: '$.label', equalsJson: 'churn' }],
      [{ path: '$.a[x]' }], [{ path: `$${'.a'.repeat(128)}` }], [{ path: '$', equalsJson: '1', min: 0 }], [{ path: '$', min: 1, max: 0 }],
    ],
    construct: (stack, value) => testedEnv(stack, [{ body: '1', expect: { jsonPath: value } }]),
    request: (value) => requestTests([{ body: '1', expect: { jsonPath: value } }]),
  },
];

/** Whether the construct accepts the value: it refuses with an MlopsValidationError, and nothing else. */
function constructAccepts(field: SharedField, value: unknown): boolean {
  try {
    field.construct(newStack(), value);
    return true;
  } catch (e) {
    if (e instanceof MlopsValidationError) return false;
    throw e;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'same-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether `mlops validate` accepts the request, read from a file as the command reads it. */
async function cliAccepts(request: Record<string, any>, n: number): Promise<boolean> {
  const file = join(dir, `request-${n}.json`);
  writeFileSync(file, JSON.stringify(request));
  return (await checkRequestFile(file)).ok;
}

const CASES = FIELDS.flatMap((field) => field.values.map((value) => [field.field, JSON.stringify(value).slice(0, 60), field, value] as const));

test('the table covers every field at and past its limits, accepted and refused', () => {
  for (const field of FIELDS) {
    const verdicts = field.values.map((value) => validatePipelineRequest(field.request(value)).ok);
    expect([field.field, verdicts.includes(true), verdicts.includes(false)]).toEqual([field.field, true, true]);
  }
});

test.each(CASES)('%s = %s: the construct, the API and mlops validate agree', async (_field, _shown, field, value) => {
  const api = validatePipelineRequest(field.request(value)).ok;
  const cli = await cliAccepts(field.request(value), CASES.findIndex((c) => c[2] === field && c[3] === value));
  expect({ construct: constructAccepts(field, value), cli }).toEqual({ construct: api, cli: api });
});
