import { messageAt, problemAt, problemsOf, validRequest } from './fixtures';
import { validatePipelineRequest } from '../../src/config/validate';

/** The valid request with a batch environment appended as its last (fourth) environment. */
function withBatch(batch: Record<string, unknown> = { input: 'churn/batch/in/', output: 'churn/batch/out/' }, extra: Record<string, unknown> = {}): Record<string, any> {
  const request = validRequest();
  request.environments.push({ name: 'scoring', batch, ...extra });
  return request;
}

const BATCH = 'environments[3].batch';

/** The message of the one problem at `path` after `change` is applied to a request with a batch environment. */
function batchMessageAt(change: (batch: Record<string, any>, env: Record<string, any>) => void, path: string): string {
  const request = withBatch();
  change(request.environments[3].batch, request.environments[3]);
  return problemAt(validatePipelineRequest(request), path).message;
}

describe('a batch environment', () => {
  test('with every field is accepted unchanged', () => {
    const request = withBatch({
      input: 'churn/batch/in/',
      output: 'churn/batch/out/',
      contentType: 'text/csv',
      splitType: 'Line',
      accept: 'application/jsonlines',
      maxPayloadMb: 10,
      maxConcurrentTransforms: 10,
      check: { minObjects: 3, bodyContains: ['score'], jsonPath: [{ path: '$.score', min: 0, max: 1 }] },
    }, { instanceType: 'ml.c5.xlarge', instanceCount: 2, approval: true });
    expect(validatePipelineRequest(request)).toEqual({ ok: true, value: request });
  });

  test('with only input and output is accepted, alone or after endpoints', () => {
    const alone = { name: 'm', artifact: 'm.tar.gz', image: { framework: 'xgboost', version: '1.7-1' }, environments: [{ name: 'scoring', batch: { input: 'in', output: 'out/' } }] };
    expect(validatePipelineRequest(alone)).toEqual({ ok: true, value: alone });
    expect(validatePipelineRequest(withBatch()).ok).toBe(true);
  });

  test.each([
    ['ml.c5.large', ' (did you mean "ml.c5.xlarge"?)'],
    ['ml.t2.medium', ''],
    ['ml.r5.large', ' (did you mean "ml.m5.large"?)'],
    ['ml.inf1.xlarge', ' (did you mean "ml.inf2.xlarge"?)'],
  ])('runs only on instance types SageMaker runs transform jobs on: %s hosts endpoints but is refused', (instanceType, hint) => {
    expect(batchMessageAt((_batch, env) => { env.instanceType = instanceType; }, 'environments[3].instanceType'))
      .toBe(`"${instanceType}" is not a SageMaker batch transform instance type${hint}`);
  });

  test.each([
    ['serverless', { memorySizeMb: 2048, maxConcurrency: 5 }],
    ['autoScaling', { maxInstances: 2, targetInvocationsPerInstance: 10 }],
    ['dataCapture', { samplingPercentage: 10 }],
    ['tests', [{ body: '1' }]],
    ['monitoring', { baselineDataset: 'churn/train.csv' }],
  ])('cannot have %s, reported at its own path', (key, value) => {
    expect(batchMessageAt((_batch, env) => { env[key] = value; }, `environments[3].${key}`))
      .toBe('cannot be set together with batch (a batch environment runs a transform job and has no endpoint)');
  });

  test('each conflicting key is its own problem, and their values are not judged', () => {
    const request = withBatch(undefined, { serverless: 'x', tests: [], monitoring: 3 });
    expect(problemsOf(validatePipelineRequest(request)).map((p) => p.path)).toEqual([
      'environments[3].serverless', 'environments[3].tests', 'environments[3].monitoring',
    ]);
  });

  test('with serverless, only the conflict with batch is reported (not serverless against the instance settings)', () => {
    const request = withBatch(undefined, { instanceType: 'ml.m5.large', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } });
    expect(problemsOf(validatePipelineRequest(request))).toEqual([
      { path: 'environments[3].serverless', message: 'cannot be set together with batch (a batch environment runs a transform job and has no endpoint)' },
    ]);
  });

  test('its instance type and count are checked as an endpoint\'s', () => {
    expect(batchMessageAt((_b, env) => { env.instanceType = 'ml.m5.huge'; }, 'environments[3].instanceType')).toMatch(/did you mean "ml.m5.large"/);
    expect(batchMessageAt((_b, env) => { env.instanceCount = 0; }, 'environments[3].instanceCount')).toBe('must be a whole number from 1 to 100, got 0');
  });

  test('batch is an object with known keys only', () => {
    expect(batchMessageAt((_b, env) => { env.batch = 'churn/in/'; }, BATCH)).toBe('must be an object, got a string');
    expect(batchMessageAt((b) => { b.instanceType = 'ml.m5.large'; }, `${BATCH}.instanceType`)).toMatch(/^is not a known field \(expected input, output, contentType/);
  });

  test.each(['input', 'output'])('%s is required', (key) => {
    expect(batchMessageAt((b) => { delete b[key]; }, `${BATCH}.${key}`)).toBe('is required');
  });

  test.each([
    ['/churn/in/', 'must not start with "/"'],
    ['churn/../in/', 'must not have "." or ".." segments'],
    ['churn/\u0001in/', 'must not hold control characters or backslashes'],
    ['', 'must be an S3 object key, got an empty string'],
  ])('input %p breaks the key rules', (input, message) => {
    expect(batchMessageAt((b) => { b.input = input; }, `${BATCH}.input`)).toContain(message);
  });

  test('output follows the key rules too', () => {
    expect(batchMessageAt((b) => { b.output = '../out/'; }, `${BATCH}.output`)).toContain('must not have "." or ".." segments');
    expect(batchMessageAt((b) => { b.output = 7; }, `${BATCH}.output`)).toBe('must be an S3 object key (a string), got a number');
  });

  test('output ends with "/"', () => {
    expect(batchMessageAt((b) => { b.output = 'churn/batch/out'; }, `${BATCH}.output`))
      .toBe('"churn/batch/out" must end with "/" (each release writes a folder under it)');
  });

  test.each([
    ['churn/batch/', 'churn/batch/out/'],
    ['churn/batch/in/', 'churn/batch/'],
    ['churn/data', 'churn/data-scored/'],
    ['churn/same/', 'churn/same/'],
  ])('input %p and output %p overlap', (input, output) => {
    expect(batchMessageAt((b) => { Object.assign(b, { input, output }); }, `${BATCH}.output`))
      .toBe(`${JSON.stringify(output)} and input ${JSON.stringify(input)} overlap (one starts with the other): `
        + 'the transform reads every object under input, so its results would be read back as input');
  });

  test('side by side prefixes do not overlap', () => {
    expect(validatePipelineRequest(withBatch({ input: 'churn/data/', output: 'churn/data-scored/' })).ok).toBe(true);
  });

  test('content types are MIME types', () => {
    expect(batchMessageAt((b) => { b.contentType = 'csv'; }, `${BATCH}.contentType`)).toBe('"csv" is not a MIME type such as "text/csv"');
    expect(batchMessageAt((b) => { b.accept = 'json'; }, `${BATCH}.accept`)).toBe('"json" is not a MIME type such as "application/json"');
  });

  test('splitType is one of SageMaker\'s', () => {
    expect(batchMessageAt((b) => { b.splitType = 'line'; }, `${BATCH}.splitType`)).toBe('"line" is not one of None, Line, RecordIO, TFRecord');
    for (const splitType of ['None', 'Line', 'RecordIO', 'TFRecord']) {
      expect(validatePipelineRequest(withBatch({ input: 'in/', output: 'out/', splitType })).ok).toBe(true);
    }
  });

  test('maxPayloadMb is 1 to 100', () => {
    expect(batchMessageAt((b) => { b.maxPayloadMb = 0; }, `${BATCH}.maxPayloadMb`)).toBe('must be a whole number from 1 to 100, got 0');
    expect(batchMessageAt((b) => { b.maxPayloadMb = 101; }, `${BATCH}.maxPayloadMb`)).toBe('must be a whole number from 1 to 100, got 101');
    expect(batchMessageAt((b) => { b.maxPayloadMb = 2.5; }, `${BATCH}.maxPayloadMb`)).toBe('must be a whole number from 1 to 100, got 2.5');
  });

  test('maxConcurrentTransforms is 1 to 100', () => {
    expect(batchMessageAt((b) => { Object.assign(b, { maxPayloadMb: 1, maxConcurrentTransforms: 0 }); }, `${BATCH}.maxConcurrentTransforms`))
      .toBe('must be a whole number from 1 to 100, got 0');
    expect(batchMessageAt((b) => { Object.assign(b, { maxPayloadMb: 1, maxConcurrentTransforms: 101 }); }, `${BATCH}.maxConcurrentTransforms`))
      .toBe('must be a whole number from 1 to 100, got 101');
    expect(validatePipelineRequest(withBatch({ input: 'in/', output: 'out/', maxPayloadMb: 1, maxConcurrentTransforms: 100 })).ok).toBe(true);
  });

  test('parallel requests times the payload is at most 100 MB, with SageMaker\'s 6 MB when the payload is left out', () => {
    expect(batchMessageAt((b) => { Object.assign(b, { maxPayloadMb: 20, maxConcurrentTransforms: 6 }); }, `${BATCH}.maxConcurrentTransforms`))
      .toBe('6 parallel requests of up to 20 MB exceed the 100 MB SageMaker allows per instance: lower maxConcurrentTransforms or maxPayloadMb');
    expect(batchMessageAt((b) => { b.maxConcurrentTransforms = 17; }, `${BATCH}.maxConcurrentTransforms`))
      .toBe('17 parallel requests of up to 6 MB (SageMaker\'s default when maxPayloadMb is left out) exceed the 100 MB SageMaker allows per instance: '
        + 'lower maxConcurrentTransforms or maxPayloadMb');
    expect(validatePipelineRequest(withBatch({ input: 'in/', output: 'out/', maxConcurrentTransforms: 16 })).ok).toBe(true);
    expect(validatePipelineRequest(withBatch({ input: 'in/', output: 'out/', maxPayloadMb: 20, maxConcurrentTransforms: 5 })).ok).toBe(true);
  });

  test('an invalid payload is reported alone, not again against the parallel requests', () => {
    const request = withBatch({ input: 'in/', output: 'out/', maxPayloadMb: 500, maxConcurrentTransforms: 50 });
    expect(problemsOf(validatePipelineRequest(request)).map((p) => p.path)).toEqual([`${BATCH}.maxPayloadMb`]);
  });
});

describe('a batch environment\'s check', () => {
  const CHECK = `${BATCH}.check`;
  test('minObjects is 1 to 10000 (a transform that wrote nothing always fails its check)', () => {
    expect(batchMessageAt((b) => { b.check = { minObjects: 0 }; }, `${CHECK}.minObjects`)).toBe('must be a whole number from 1 to 10000, got 0');
    expect(batchMessageAt((b) => { b.check = { minObjects: 10_001 }; }, `${CHECK}.minObjects`)).toBe('must be a whole number from 1 to 10000, got 10001');
    expect(validatePipelineRequest(withBatch({ input: 'in/', output: 'out/', check: { minObjects: 1 } })).ok).toBe(true);
  });

  test('the output may not be under config/, where the config trigger reads config files', () => {
    expect(batchMessageAt((b) => { b.output = 'config/scores/'; }, `${BATCH}.output`))
      .toBe('"config/scores/" is under "config/", where the config trigger reads config files: choose another prefix');
  });

  test('bodyContains has the rules of a test\'s', () => {
    expect(batchMessageAt((b) => { b.check = { bodyContains: ['ok', ''] }; }, `${CHECK}.bodyContains[1]`)).toBe('must not be empty');
    expect(batchMessageAt((b) => { b.check = { bodyContains: Array.from({ length: 21 }, () => 'x') }; }, `${CHECK}.bodyContains`))
      .toBe('must hold at most 20 texts, got 21');
    expect(batchMessageAt((b) => { b.check = { bodyContains: [3] }; }, `${CHECK}.bodyContains[0]`)).toBe('must be a string, got a number');
  });

  test('jsonPath has the rules of a test\'s', () => {
    expect(batchMessageAt((b) => { b.check = { jsonPath: [{ path: '$.a[x]' }] }; }, `${CHECK}.jsonPath[0].path`))
      .toBe('"$.a[x]" has an unsupported step at position 3 (use .key, [\'key\'] or [index])');
    expect(batchMessageAt((b) => { b.check = { jsonPath: [{ path: '$.label', equalsJson: 'churn' }] }; }, `${CHECK}.jsonPath[0].equalsJson`))
      .toBe('"churn" is not JSON text (write \'"text"\' for a string)');
    expect(batchMessageAt((b) => { b.check = { jsonPath: [{ path: '$.s', min: 2, max: 1 }] }; }, `${CHECK}.jsonPath[0].min`)).toBe('2 is more than max 1');
    expect(batchMessageAt((b) => { b.check = { jsonPath: [{ path: '$.s', equalsJson: '1', min: 0 }] }; }, `${CHECK}.jsonPath[0]`))
      .toBe('set either equalsJson or min/max, not both');
  });

  test('is an object with known keys only', () => {
    expect(batchMessageAt((b) => { b.check = { status: 200 }; }, `${CHECK}.status`)).toBe('is not a known field (expected minObjects, bodyContains, jsonPath)');
    expect(batchMessageAt((b) => { b.check = []; }, CHECK)).toBe('must be an object, got an array');
  });
});

describe('where a batch environment may be', () => {
  const PLACEMENT = 'only the last environment (environments[3]) may be a batch environment: '
    + 'a provisioned pipeline has at most one, run after all its endpoints (the shape of the framework\'s blueprints)';

  test('only as the last environment', () => {
    expect(messageAt((r) => { r.environments.splice(1, 0, { name: 'scoring', batch: { input: 'in/', output: 'out/' } }); }, 'environments[1].batch'))
      .toBe(PLACEMENT);
  });

  test('only one: every batch environment before the last is reported', () => {
    const request = withBatch();
    request.environments[0] = { name: 'first', batch: { input: 'a/', output: 'b/' } };
    request.environments[2] = { name: 'second', batch: { input: 'c/', output: 'd/' } };
    expect(problemsOf(validatePipelineRequest(request))).toEqual([
      { path: 'environments[0].batch', message: PLACEMENT },
      { path: 'environments[2].batch', message: PLACEMENT },
    ]);
  });

  test('a misplaced batch environment is reported even when it has other problems', () => {
    const request = withBatch();
    request.environments[0] = { name: 'first', batch: { input: '/a' } };
    const paths = problemsOf(validatePipelineRequest(request)).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['environments[0].batch', 'environments[0].batch.input', 'environments[0].batch.output']));
  });
});
