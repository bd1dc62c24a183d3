import { join } from 'path';
import { mlops, FIXTURES, TEST_CREDENTIALS } from './cli-runner';
import { FakeApi, pipelineStatus } from './fake-api';
import { expectedAuthorization, parseAuthorization } from './signature';

let api: FakeApi;
beforeEach(async () => { api = await FakeApi.start(); });
afterEach(async () => { await api.close(); });

test('a GET is signed with SigV4 for execute-api in the given region, with the credentials from the env', async () => {
  const run = await mlops(['list', '--api', api.url, '--region', 'eu-west-1']);
  expect(run.code).toBe(0);
  expect(api.requests).toHaveLength(1);
  const [request] = api.requests;
  const auth = parseAuthorization(request.headers.authorization);
  expect(auth).toMatchObject({ accessKeyId: 'AKIDCLITEST', region: 'eu-west-1', service: 'execute-api' });
  expect(auth.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
  expect(request.headers['x-amz-security-token']).toBe('cli-test-token');
  expect(request.headers.authorization).toBe(await expectedAuthorization(request, { region: 'eu-west-1', credentials: TEST_CREDENTIALS }));
});

test('a POST signs its JSON body: the signature matches the body that arrived, and no other', async () => {
  const run = await mlops(['provision', join(FIXTURES, 'churn-request.json'), '--api', api.url, '--region', 'us-east-2']);
  expect(run.code).toBe(0);
  const [request] = api.requests;
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toBe('application/json');
  expect(parseAuthorization(request.headers.authorization).signedHeaders).toContain('content-type');
  expect(request.headers.authorization).toBe(await expectedAuthorization(request, { region: 'us-east-2', credentials: TEST_CREDENTIALS }));
  // The check above is a real check: a different body or region gives a different signature.
  const tampered = { ...request, body: request.body.replace('churn', 'churm') };
  expect(request.headers.authorization).not.toBe(await expectedAuthorization(tampered, { region: 'us-east-2', credentials: TEST_CREDENTIALS }));
  expect(request.headers.authorization).not.toBe(await expectedAuthorization(request, { region: 'us-east-1', credentials: TEST_CREDENTIALS }));
});

test('the region comes from AWS_REGION, else AWS_DEFAULT_REGION, when the URL is not an execute-api URL', async () => {
  await mlops(['list', '--api', api.url], { env: { AWS_REGION: 'ap-southeast-2', AWS_DEFAULT_REGION: 'us-west-2' } });
  await mlops(['list', '--api', api.url], { env: { AWS_DEFAULT_REGION: 'us-west-2' } });
  expect(api.requests.map((r) => parseAuthorization(r.headers.authorization).region)).toEqual(['ap-southeast-2', 'us-west-2']);
});

test('--region wins over the environment', async () => {
  await mlops(['list', '--api', api.url, '--region', 'eu-central-1'], { env: { AWS_REGION: 'us-east-1' } });
  expect(parseAuthorization(api.requests[0].headers.authorization).region).toBe('eu-central-1');
});

test('the region of an execute-api URL is the one in its host name, and requests go to that URL', async () => {
  const seen: string[] = [];
  // The URL is not reachable from a test: a fetch stand-in answers for it, after the real signing.
  const fakeFetch = (async (url: string, init: RequestInit) => {
    seen.push(`${url} ${(init.headers as Record<string, string>).authorization}`);
    return new Response(JSON.stringify({ pipelines: [] }), { status: 200 });
  }) as typeof fetch;
  const run = await mlops(['list', '--api', 'https://a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com/prod/'], { env: { AWS_REGION: 'us-east-1' }, fetch: fakeFetch });
  expect(run.code).toBe(0);
  expect(seen).toHaveLength(1);
  expect(seen[0]).toMatch(/^https:\/\/a1b2c3d4e5\.execute-api\.eu-north-1\.amazonaws\.com\/prod\/pipelines AWS4-HMAC-SHA256 Credential=AKIDCLITEST\/\d{8}\/eu-north-1\/execute-api\/aws4_request, /);
});

test('the API URL may come from MLOPS_API_URL', async () => {
  const run = await mlops(['list', '--region', 'eu-west-1'], { env: { MLOPS_API_URL: api.url } });
  expect(run.code).toBe(0);
  expect(api.requests[0].path).toBe('/prod/pipelines');
});

test('a pipeline name is sent as one path segment', async () => {
  api.script('churn', pipelineStatus('churn', { stackStatus: 'CREATE_COMPLETE' }));
  await mlops(['status', 'churn/../x', '--api', api.url, '--region', 'eu-west-1']);
  expect(api.requests[0].path).toBe('/prod/pipelines/churn%2F..%2Fx');
});
