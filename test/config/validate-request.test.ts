import { messageAt, problemAt, problemsOf, validRequest } from './fixtures';
import { MAX_ENVIRONMENTS } from '../../src/config/pipeline-request';
import { validatePipelineRequest } from '../../src/config/validate';

describe('a valid request', () => {
  test('is accepted as a fresh, equal plain object', () => {
    const request = validRequest();
    const result = validatePipelineRequest(request);
    expect(result).toEqual({ ok: true, value: request });
    if (!result.ok) return;
    expect(result.value).not.toBe(request);
    expect(result.value.environments[0]).not.toBe(request.environments[0]);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  test('with only the required fields is accepted', () => {
    const minimal = { name: 'm', artifact: 'm.tar.gz', image: { uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/m:1' }, environments: [{ name: 'dev' }] };
    expect(validatePipelineRequest(minimal)).toEqual({ ok: true, value: minimal });
  });
});

describe('the document', () => {
  test.each([[null, 'null'], [[], 'an array'], ['x', 'a string'], [3, 'a number']])('%p is not an object', (input, described) => {
    expect(problemAt(validatePipelineRequest(input), '').message).toBe(`must be an object, got ${described}`);
  });

  test('reports every problem at once', () => {
    const paths = problemsOf(validatePipelineRequest({ name: 'Bad', artifact: '/x', environments: [{ name: 'dev', instanceType: 'ml.m5.huge' }], extra: 1 }))
      .map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'artifact', 'image', 'environments[0].instanceType', 'extra']));
  });

  test('unknown keys are reported at their own path, __proto__ included, and never reach the value', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}');
    const result = validatePipelineRequest({ ...validRequest(), ...input });
    expect(problemAt(result, '__proto__').message).toMatch(/^is not a known field \(expected name, artifact, image, environments, notifications, keepReleases\)$/);
    expect(problemAt(result, 'constructor').message).toMatch(/is not a known field/);
    expect(({} as any).polluted).toBeUndefined();
  });

  test('a flood of unknown keys is reported 20 at a time, then counted', () => {
    const flood = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    const problems = problemsOf(validatePipelineRequest({ ...validRequest(), ...flood }));
    expect(problems.filter((p) => p.path.startsWith('k'))).toHaveLength(20);
    expect(problems).toContainEqual({ path: '', message: 'has 980 more unknown fields' });
  });

  test('missing required keys are reported at their path', () => {
    expect(problemsOf(validatePipelineRequest({}))).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'artifact', message: 'is required' },
      { path: 'image', message: 'is required' },
      { path: 'environments', message: 'is required' },
    ]);
  });

  test('a value that throws while read is a problem, not an exception', () => {
    const hostile = { get name(): string { throw new Error('boom'); } };
    expect(problemAt(validatePipelineRequest(hostile), '').message).toBe('could not be read as JSON data: boom');
  });
});

describe('name', () => {
  test.each(['Churn', 'churn--model', '-churn', 'churn-', 'churn_model', 'churn model'])('%p breaks the name pattern', (name) => {
    expect(messageAt((r) => { r.name = name; }, 'name')).toBe(`${JSON.stringify(name)} may hold lower-case letters, digits and single hyphens only, starting and ending with a letter or digit`);
  });
  test('is at most 40 characters', () => {
    expect(messageAt((r) => { r.name = 'a'.repeat(41); }, 'name')).toBe('must be 1 to 40 characters, got 41');
  });
  test('is not empty', () => {
    expect(messageAt((r) => { r.name = ''; }, 'name')).toBe('must be 1 to 40 characters, got 0');
  });
  test('must be a string', () => {
    expect(messageAt((r) => { r.name = 7; }, 'name')).toBe('must be a name (a string), got a number');
  });
  test('a huge name is reported without repeating it', () => {
    expect(messageAt((r) => { r.name = 'a'.repeat(10_000_000); }, 'name')).toBe('must be 1 to 40 characters, got 10000000');
  });
});

describe('artifact', () => {
  test.each([
    ['/churn/model.tar.gz', 'must not start with "/"'],
    ['churn/../model.tar.gz', 'must not have "." or ".." segments'],
    ['./model.tar.gz', 'must not have "." or ".." segments'],
    ['churn/\u0000model.tar.gz', 'must not hold control characters or backslashes'],
    ['churn\\model.tar.gz', 'must not hold control characters or backslashes'],
    ['churn/model.zip', 'must end in ".tar.gz"'],
    ['churn/\ud800.tar.gz', 'holds a lone UTF-16 surrogate'],
  ])('%p is refused', (artifact, message) => {
    expect(messageAt((r) => { r.artifact = artifact; }, 'artifact')).toContain(message);
  });
  test('is at most 1024 bytes of UTF-8', () => {
    expect(messageAt((r) => { r.artifact = `${'é'.repeat(600)}.tar.gz`; }, 'artifact')).toBe('must be at most 1024 bytes of UTF-8 (S3\'s limit), got 1207');
  });
  test('is not empty', () => {
    expect(messageAt((r) => { r.artifact = ''; }, 'artifact')).toBe('must be an S3 object key, got an empty string');
  });
  test('non-ASCII keys within the limit are fine', () => {
    expect(validatePipelineRequest({ ...validRequest(), artifact: 'modèles/データ/model.tar.gz' }).ok).toBe(true);
  });
});

describe('image', () => {
  test('needs exactly one kind', () => {
    expect(messageAt((r) => { r.image = {}; }, 'image')).toBe('must name exactly one kind of image: framework + version, or containerSource, or uri; got none');
    expect(messageAt((r) => { r.image = { containerSource: 'c.zip', uri: 'x' }; }, 'image')).toMatch(/got containerSource and uri$/);
  });
  test('an unknown framework lists the known ones', () => {
    expect(messageAt((r) => { r.image = { framework: 'mxnet', version: '1.9' }; }, 'image.framework'))
      .toBe('"mxnet" is not a known framework (known: xgboost, sklearn, pytorch, tensorflow, huggingface-pytorch)');
  });
  test('an unknown version lists known ones', () => {
    expect(messageAt((r) => { r.image = { framework: 'xgboost', version: '0.90-1' }; }, 'image.version'))
      .toBe('"0.90-1" is not a known xgboost version (known: 3.2-0, 3.0-5, 1.7-1, 1.5-1)');
  });
  test('framework needs version', () => {
    expect(messageAt((r) => { r.image = { framework: 'xgboost' }; }, 'image.version')).toBe('is required with framework');
  });
  test('containerSource is a zip key', () => {
    expect(messageAt((r) => { r.image = { containerSource: 'c/Dockerfile' }; }, 'image.containerSource')).toBe('"c/Dockerfile" must end in ".zip"');
  });
  test.each([
    'docker.io/library/python:3',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/Churn:1',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn@sha256:abc',
    '12345.dkr.ecr.us-east-1.amazonaws.com/churn:1',
  ])('%p is not an ECR image URI', (uri) => {
    expect(messageAt((r) => { r.image = { uri }; }, 'image.uri')).toMatch(/is not an ECR image URI like/);
  });
  test.each([
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/churn:v3',
    `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/churn@sha256:${'a'.repeat(64)}`,
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn',
  ])('%p is an ECR image URI', (uri) => {
    expect(validatePipelineRequest({ ...validRequest(), image: { uri } }).ok).toBe(true);
  });
  test('uri must be a string', () => {
    expect(messageAt((r) => { r.image = { uri: 42 }; }, 'image.uri')).toBe('must be an ECR image URI (a string), got a number');
  });
  test('framework and version must be strings', () => {
    expect(messageAt((r) => { r.image = { framework: ['xgboost'], version: '1.7-1' }; }, 'image.framework')).toBe('must be a string, got an array');
    expect(messageAt((r) => { r.image = { framework: 'xgboost', version: 1.7 }; }, 'image.version')).toBe('must be a string, got a number');
  });
  test('unknown keys in the image', () => {
    expect(messageAt((r) => { r.image = { containerSource: 'c.zip', tag: 'v1' }; }, 'image.tag')).toMatch(/^is not a known field/);
  });
});

describe('environments', () => {
  test(`hold 1 to ${MAX_ENVIRONMENTS}`, () => {
    expect(messageAt((r) => { r.environments = []; }, 'environments')).toBe(`must hold 1 to ${MAX_ENVIRONMENTS} environments, got 0`);
    expect(messageAt((r) => { r.environments = Array.from({ length: 5 }, (_, i) => ({ name: `e${i}` })); }, 'environments'))
      .toBe(`must hold 1 to ${MAX_ENVIRONMENTS} environments, got 5`);
  });
  test('a huge sparse array is refused by its length alone', () => {
    const sparse: unknown[] = [];
    sparse.length = 2 ** 31;
    expect(messageAt((r) => { r.environments = sparse; }, 'environments')).toBe(`must hold 1 to ${MAX_ENVIRONMENTS} environments, got 2147483648`);
  });
  test('a hole in an array is a missing element', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(messageAt((r) => { r.environments = [{ name: 'a' }, , { name: 'b' }]; }, 'environments[1]')).toBe('must be an object, got nothing');
  });
  test('names are unique', () => {
    expect(messageAt((r) => { r.environments[2].name = 'dev'; }, 'environments[2].name')).toBe('"dev" is already the name of environments[0]');
  });
  test('names follow the name rule, at most 20 characters', () => {
    expect(messageAt((r) => { r.environments[1].name = 'Staging'; }, 'environments[1].name')).toMatch(/^"Staging" may hold lower-case letters/);
    expect(messageAt((r) => { r.environments[1].name = 's'.repeat(21); }, 'environments[1].name')).toBe('must be 1 to 20 characters, got 21');
  });
  test('unknown instance types suggest the closest known one', () => {
    expect(messageAt((r) => { r.environments[0].instanceType = 'ml.m5.huge'; }, 'environments[0].instanceType'))
      .toBe('"ml.m5.huge" is not a SageMaker real-time hosting instance type (did you mean "ml.m5.large"?)');
    expect(messageAt((r) => { r.environments[0].instanceType = 'm5.xlarge'; }, 'environments[0].instanceType')).toMatch(/did you mean "ml.m5.xlarge"/);
    expect(messageAt((r) => { r.environments[0].instanceType = 'ml.t3.medium'; }, 'environments[0].instanceType')).toMatch(/^"ml.t3.medium" is not a SageMaker/);
    expect(messageAt((r) => { r.environments[0].instanceType = 'gpu-please'; }, 'environments[0].instanceType'))
      .toBe('"gpu-please" is not a SageMaker real-time hosting instance type');
  });
  test('instanceCount is 1 to 100', () => {
    expect(messageAt((r) => { r.environments[0].instanceCount = 0; }, 'environments[0].instanceCount')).toBe('must be a whole number from 1 to 100, got 0');
    expect(messageAt((r) => { r.environments[0].instanceCount = 1.5; }, 'environments[0].instanceCount')).toBe('must be a whole number from 1 to 100, got 1.5');
    expect(messageAt((r) => { r.environments[0].instanceCount = NaN; }, 'environments[0].instanceCount'))
      .toBe('must be a whole number from 1 to 100, got NaN (not a JSON number)');
  });
  test.each(['instanceType', 'instanceCount', 'autoScaling', 'dataCapture'])('serverless excludes %s', (key) => {
    const value = { instanceType: 'ml.m5.large', instanceCount: 1, autoScaling: { maxInstances: 1, targetInvocationsPerInstance: 1 }, dataCapture: {} }[key];
    expect(messageAt((r) => { r.environments[1][key] = value; }, `environments[1].${key}`))
      .toBe('cannot be set together with serverless (it applies to instance-backed environments only)');
  });
  test('serverless memory is 1024 to 6144 in steps of 1024', () => {
    expect(messageAt((r) => { r.environments[1].serverless.memorySizeMb = 1000; }, 'environments[1].serverless.memorySizeMb'))
      .toBe('must be one of 1024, 2048, 3072, 4096, 5120, 6144, got 1000');
  });
  test('serverless concurrency is 1 to 200, provisioned 1 to maxConcurrency', () => {
    expect(messageAt((r) => { r.environments[1].serverless.maxConcurrency = 201; }, 'environments[1].serverless.maxConcurrency'))
      .toBe('must be a whole number from 1 to 200, got 201');
    expect(messageAt((r) => { r.environments[1].serverless.provisionedConcurrency = 6; }, 'environments[1].serverless.provisionedConcurrency'))
      .toBe('must be a whole number from 1 to 5, got 6');
  });
  test('auto scaling: minInstances <= instanceCount <= maxInstances <= 100', () => {
    expect(messageAt((r) => { r.environments[2].autoScaling.maxInstances = 1; }, 'environments[2].autoScaling.maxInstances'))
      .toBe('must be at least instanceCount and minInstances (2), got 1');
    expect(messageAt((r) => { r.environments[2].autoScaling.minInstances = 3; }, 'environments[2].autoScaling.minInstances'))
      .toBe('must be at most instanceCount (2): the endpoint starts with instanceCount instances, got 3');
    expect(messageAt((r) => { r.environments[2].autoScaling.maxInstances = 101; }, 'environments[2].autoScaling.maxInstances'))
      .toBe('must be a whole number from 1 to 100, got 101');
    expect(messageAt((r) => { r.environments[2].autoScaling.minInstances = 0; }, 'environments[2].autoScaling.minInstances'))
      .toBe('must be a whole number from 1 to 100, got 0');
    expect(messageAt((r) => { r.environments[2].autoScaling.targetInvocationsPerInstance = 0; }, 'environments[2].autoScaling.targetInvocationsPerInstance'))
      .toBe('must be at least 1, got 0');
  });
  test('data capture samples 1 to 100 percent', () => {
    expect(messageAt((r) => { r.environments[2].dataCapture.samplingPercentage = 101; }, 'environments[2].dataCapture.samplingPercentage'))
      .toBe('must be a whole number from 1 to 100, got 101');
  });
  test('approval is a boolean', () => {
    expect(messageAt((r) => { r.environments[2].approval = 'yes'; }, 'environments[2].approval')).toBe('must be true or false, got a string');
  });
});

describe('tests', () => {
  const at = 'environments[0].tests[0]';
  test('hold 1 to 20', () => {
    expect(messageAt((r) => { r.environments[0].tests = []; }, 'environments[0].tests')).toBe('must hold 1 to 20 tests (leave tests out for none), got 0');
    expect(messageAt((r) => { r.environments[0].tests = Array.from({ length: 21 }, () => ({ body: '1' })); }, 'environments[0].tests'))
      .toBe('must hold 1 to 20 tests (leave tests out for none), got 21');
  });
  test('body is a non-empty string', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].body = ''; }, `${at}.body`)).toBe('must not be empty (SageMaker requires a payload)');
    expect(messageAt((r) => { r.environments[0].tests[0].body = { a: 1 }; }, `${at}.body`)).toBe('must be a string, got an object');
  });
  test('content types are MIME types', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].contentType = 'csv'; }, `${at}.contentType`)).toBe('"csv" is not a MIME type such as "text/csv"');
    expect(messageAt((r) => { r.environments[0].tests[0].accept = 'json'; }, `${at}.accept`)).toBe('"json" is not a MIME type such as "application/json"');
  });
  test('status is 100 to 599', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.status = 600; }, `${at}.expect.status`)).toBe('must be a whole number from 100 to 599, got 600');
  });
  test('bodyContains texts are not empty', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.bodyContains = ['ok', '']; }, `${at}.expect.bodyContains[1]`)).toBe('must not be empty');
  });
  test('JSON paths are checked by the test handler\'s parser', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.jsonPath[0].path = '$.a[x]'; }, `${at}.expect.jsonPath[0].path`))
      .toBe('"$.a[x]" has an unsupported step at position 3 (use .key, [\'key\'] or [index])');
  });
  test('JSON paths are at most 256 characters', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.jsonPath[0].path = `$${'.a'.repeat(200)}`; }, `${at}.expect.jsonPath[0].path`))
      .toBe('must be at most 256 characters, got 401');
  });
  test('test names are 1 to 100 characters', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].name = ''; }, `${at}.name`)).toBe('must be 1 to 100 characters, got 0');
  });
  test('equalsJson is JSON text', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.jsonPath = [{ path: '$.label', equalsJson: 'churn' }]; }, `${at}.expect.jsonPath[0].equalsJson`))
      .toBe('"churn" is not JSON text (write \'"text"\' for a string)');
  });
  test('min is at most max', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.jsonPath[0].min = 2; }, `${at}.expect.jsonPath[0].min`)).toBe('2 is more than max 1');
  });
  test('equalsJson and min/max exclude each other', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.jsonPath[0].equalsJson = '1'; }, `${at}.expect.jsonPath[0]`))
      .toBe('set either equalsJson or min/max, not both');
  });
  test('latency budget is 1 to 60000 ms', () => {
    expect(messageAt((r) => { r.environments[0].tests[0].expect.maxLatencyMs = 60_001; }, `${at}.expect.maxLatencyMs`))
      .toBe('must be a whole number from 1 to 60000, got 60001');
  });
  test('names are unique, counting the "#<position>" defaults', () => {
    expect(messageAt((r) => { r.environments[0].tests.push({ name: '#3', body: '1' }, { body: '2' }); }, 'environments[0].tests[2].name'))
      .toBe('"#3" is already the name of environments[0].tests[1]');
  });
  test('one environment\'s tests fit in 4096 characters of JSON', () => {
    expect(messageAt((r) => { r.environments[0].tests = [{ body: 'x'.repeat(2000) }, { body: 'y'.repeat(2000) }]; }, 'environments[0].tests'))
      .toMatch(/^take 41\d\d characters as JSON, more than the 4096 one CloudFormation or SSM parameter holds/);
  });
});

describe('notifications and keepReleases', () => {
  test('emails are addresses, unique in any case, at most 10', () => {
    expect(messageAt((r) => { r.notifications.emails = ['ml-team.example.com']; }, 'notifications.emails[0]')).toBe('"ml-team.example.com" is not an email address');
    expect(messageAt((r) => { r.notifications.emails.push('ML-team@example.com'); }, 'notifications.emails[1]'))
      .toBe('"ML-team@example.com" is already notifications.emails[0]');
    expect(messageAt((r) => { r.notifications.emails = Array.from({ length: 11 }, (_, i) => `u${i}@example.com`); }, 'notifications.emails'))
      .toBe('must hold at most 10 email addresses, got 11');
  });
  test('keepReleases is 1 to 20', () => {
    expect(messageAt((r) => { r.keepReleases = 21; }, 'keepReleases')).toBe('must be a whole number from 1 to 20, got 21');
  });
});
