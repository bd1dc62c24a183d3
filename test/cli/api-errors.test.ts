import { mlops } from './cli-runner';
import { FakeApi } from './fake-api';

let api: FakeApi;
let on: string[];
beforeEach(async () => {
  api = await FakeApi.start();
  on = ['--api', api.url, '--region', 'eu-west-1'];
});
afterEach(async () => { await api.close(); });

test('an API that cannot be reached: the URL and the network reason, exit 1', async () => {
  const url = api.url;
  await api.close();
  const run = await mlops(['list', '--api', url, '--region', 'eu-west-1']);
  api = await FakeApi.start();
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`mlops: cannot reach the API (GET ${url}/pipelines): connect ECONNREFUSED ${url.replace(/^http:\/\/|\/prod$/g, '')}\n`);
});

test('a 5xx that is not JSON (a gateway\'s page): the status and the start of the body', async () => {
  api.answer = () => ({ status: 502, raw: '<html>\n<body>Bad gateway</body>\n</html>' });
  const run = await mlops(['list', ...on]);
  expect(run).toMatchObject({ code: 1, stdout: '', stderr: `mlops: GET ${api.url}/pipelines: 502 Bad Gateway: <html> <body>Bad gateway</body> </html>\n` });
});

test('a 500 with a JSON message, and --json: the body on stdout', async () => {
  api.answer = () => ({ status: 500, body: { message: 'Internal server error' } });
  const run = await mlops(['list', ...on, '--json']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe(`mlops: GET ${api.url}/pipelines: 500 Internal Server Error: Internal server error\n`);
  expect(JSON.parse(run.stdout)).toEqual({ message: 'Internal server error' });
});

test('a non-JSON error with --json: still one JSON object on stdout', async () => {
  api.answer = () => ({ status: 503, raw: 'Service Unavailable' });
  const run = await mlops(['list', ...on, '--json']);
  expect(run.code).toBe(1);
  expect(JSON.parse(run.stdout)).toEqual({ message: '503 Service Unavailable: Service Unavailable' });
});

test('a 2xx that is not a JSON object is an error, not a crash', async () => {
  api.answer = () => ({ status: 200, raw: 'OK' });
  const run = await mlops(['list', ...on]);
  expect(run).toMatchObject({ code: 1, stderr: `mlops: unexpected answer to GET ${api.url}/pipelines (200, not a JSON object): OK\n` });
});

test('a 403 of API Gateway itself (wrong path or stage): the message and the permission hint', async () => {
  const run = await mlops(['list', '--api', api.url.replace(/\/prod$/, '/staging'), '--region', 'eu-west-1']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^mlops: GET http:\/\/127\.0\.0\.1:\d+\/staging\/pipelines: 403 Forbidden: Missing Authentication Token\n {2}The caller needs execute-api:Invoke on this API/);
});

test('no credentials anywhere in the chain: says how to provide them, exit 1, nothing sent', async () => {
  // A named profile that does not exist (the test run's AWS config file does not exist either, and IMDS is off).
  const run = await mlops(['list', ...on], { env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_PROFILE: 'no-such-profile' } });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^mlops: no AWS credentials: .+\n {2}Set AWS_PROFILE \(after `aws sso login` or `aws configure`\), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\.\n$/);
  expect(api.requests).toHaveLength(0);
});
