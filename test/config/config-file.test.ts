import { problemAt, problemsOf, validRequest } from './fixtures';
import { parseJsonDocument, referencedObjects, validateConfigFile } from '../../src/config/validate';

describe('config file', () => {
  test('a valid file is accepted unchanged', () => {
    const file = { $schema: './mlops-config.schema.json', version: 1, pipelines: [validRequest(), { ...validRequest(), name: 'fraud' }] };
    expect(validateConfigFile(file)).toEqual({ ok: true, value: file });
  });
  test('version must be 1', () => {
    expect(problemAt(validateConfigFile({ version: 2, pipelines: [validRequest()] }), 'version').message)
      .toBe('must be 1 (the only version of this file format), got 2');
    expect(problemAt(validateConfigFile({ version: '1', pipelines: [validRequest()] }), 'version').message).toMatch(/got a string$/);
  });
  test('pipelines is a non-empty array of at most 50', () => {
    expect(problemAt(validateConfigFile({ version: 1, pipelines: [] }), 'pipelines').message).toBe('must hold 1 to 50 pipelines, got 0');
    const many = Array.from({ length: 51 }, (_, i) => ({ ...validRequest(), name: `p${i}` }));
    expect(problemAt(validateConfigFile({ version: 1, pipelines: many }), 'pipelines').message).toBe('must hold 1 to 50 pipelines, got 51');
  });
  test('each pipeline is checked under pipelines[i]', () => {
    const bad: Record<string, any> = { ...validRequest(), keepReleases: 0 };
    bad.environments[1].serverless.memorySizeMb = 1;
    const paths = problemsOf(validateConfigFile({ version: 1, pipelines: [validRequest(), bad] })).map((p) => p.path);
    expect(paths).toEqual(['pipelines[1].environments[1].serverless.memorySizeMb', 'pipelines[1].keepReleases']);
  });
  test('pipeline names are unique', () => {
    expect(problemAt(validateConfigFile({ version: 1, pipelines: [validRequest(), validRequest()] }), 'pipelines[1].name').message)
      .toBe('"churn" is already the name of pipelines[0]');
  });
  test('$schema is a string; other keys are unknown', () => {
    expect(problemAt(validateConfigFile({ $schema: 1, version: 1, pipelines: [validRequest()] }), '$schema').message).toBe('must be a string, got a number');
    expect(problemAt(validateConfigFile({ version: 1, pipelines: [validRequest()], pipeline: {} }), 'pipeline').message).toMatch(/^is not a known field/);
  });
});

describe('parseJsonDocument', () => {
  test('parses JSON, with or without a byte order mark', () => {
    expect(parseJsonDocument('{"a": [1, "x"]}')).toEqual({ ok: true, value: { a: [1, 'x'] } });
    expect(parseJsonDocument('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });
  test('reports where invalid JSON stops', () => {
    const result = parseJsonDocument('{\n  "name": "churn",\n  oops\n}');
    expect(problemAt(result, '').message).toMatch(/^is not valid JSON at line 3, column 3: /);
  });
  test('reports truncated JSON at its end', () => {
    expect(problemAt(parseJsonDocument('{"a": [1, 2'), '').message).toMatch(/^is not valid JSON at line 1, column \d+: /);
  });
  test('refuses empty documents', () => {
    expect(problemAt(parseJsonDocument('  \n'), '').message).toBe('is empty: expected a JSON document');
  });
  test('refuses documents over the size limit, counted in UTF-8 bytes', () => {
    expect(problemAt(parseJsonDocument(`"${'é'.repeat(600)}"`, { maxBytes: 1024 }), '').message).toBe('is 1202 bytes or more, over the limit of 1024 bytes');
    expect(problemAt(parseJsonDocument(' '.repeat(300 * 1024)), '').message).toBe('is 307200 bytes or more, over the limit of 262144 bytes');
  });
  test('parses deep nesting within the limit', () => {
    const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(parseJsonDocument(deep).ok).toBe(true);
  });
  test('non-string input is a problem', () => {
    expect(problemAt(parseJsonDocument(42 as unknown as string), '').message).toBe('must be JSON text, got a number');
  });
});

describe('referencedObjects', () => {
  test('names the artifact and the container source with their paths', () => {
    expect(referencedObjects({ ...validRequest(), image: { containerSource: 'churn/c.zip' } } as any)).toEqual([
      { path: 'artifact', key: 'churn/model.tar.gz', kind: 'object' },
      { path: 'image.containerSource', key: 'churn/c.zip', kind: 'object' },
    ]);
    expect(referencedObjects(validRequest() as any)).toEqual([{ path: 'artifact', key: 'churn/model.tar.gz', kind: 'object' }]);
  });

  test('names each baseline dataset as an object and a batch input as a prefix, at their environments\' paths', () => {
    const request = validRequest();
    request.environments[0].monitoring = { baselineDataset: 'churn/train.csv' };
    request.environments[2].monitoring = { baselineDataset: 'churn/prod-sample.csv' };
    request.environments.push({ name: 'scoring', batch: { input: 'churn/batch/in/', output: 'churn/batch/out/' } });
    expect(referencedObjects(request as any)).toEqual([
      { path: 'artifact', key: 'churn/model.tar.gz', kind: 'object' },
      { path: 'environments[0].monitoring.baselineDataset', key: 'churn/train.csv', kind: 'object' },
      { path: 'environments[2].monitoring.baselineDataset', key: 'churn/prod-sample.csv', kind: 'object' },
      { path: 'environments[3].batch.input', key: 'churn/batch/in/', kind: 'prefix' },
    ]);
  });
});
