import { join } from 'path';
import { FIXTURES, mlops } from './cli-runner';
import { FakeApi, pipelineStatus, stackId } from './fake-api';

let api: FakeApi;
let on: string[];
beforeEach(async () => {
  api = await FakeApi.start();
  on = ['--api', api.url, '--region', 'eu-west-1'];
});
afterEach(async () => { await api.close(); });

const config = join(FIXTURES, 'mlops-config.json');
const invalid = join(FIXTURES, 'invalid-config.json');

describe('provision', () => {
  test('sends each pipeline of a config file as its own POST /pipelines, the request as validated', async () => {
    const run = await mlops(['provision', config, ...on]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /prod/pipelines', 'POST /prod/pipelines']);
    const bodies = api.requests.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.name)).toEqual(['churn', 'fraud']);
    expect(bodies[1]).toEqual({
      name: 'fraud',
      artifact: 'fraud/model.tar.gz',
      image: { containerSource: 'fraud/container.zip' },
      environments: [{ name: 'dev', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } }],
    });
    expect(run.stdout).toBe(`churn  CREATE_IN_PROGRESS  ${stackId('churn')}\nfraud  CREATE_IN_PROGRESS  ${stackId('fraud')}\n`);
  });

  test('an invalid file: its problems, exit 1, and no request at all', async () => {
    const run = await mlops(['provision', invalid, ...on]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/pipelines\[0\]\.environments\[0\]\.instanceType: /);
    expect(run.stderr).toMatch(/: 2 problems; nothing was sent\n$/);
    expect(api.requests).toHaveLength(0);
  });

  test('an invalid file with --json: {problems} on stdout, and no request', async () => {
    const run = await mlops(['provision', invalid, ...on, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).problems).toHaveLength(2);
    expect(api.requests).toHaveLength(0);
  });

  test('--json: one document with the API\'s 202 answer of each pipeline', async () => {
    const run = await mlops(['provision', config, ...on, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      pipelines: [
        { name: 'churn', accepted: { name: 'churn', stackId: stackId('churn'), status: 'CREATE_IN_PROGRESS', links: { self: '/pipelines/churn' } } },
        { name: 'fraud', accepted: { name: 'fraud', stackId: stackId('fraud'), status: 'CREATE_IN_PROGRESS', links: { self: '/pipelines/fraud' } } },
      ],
    });
    // People's lines go to stderr, so stdout stays one JSON document.
    expect(run.stderr).toContain('churn  CREATE_IN_PROGRESS');
  });

  test('a 400 of the API: its message and every problem, exit 1; the next pipeline is still sent', async () => {
    api.answer = (r) => (r.method === 'POST' && JSON.parse(r.body).name === 'churn'
      ? { status: 400, body: { message: 'Invalid request: 2 problems', problems: [{ path: 'environments[2].instanceType', message: 'not offered in eu-west-1' }, { path: '', message: 'too many pipelines' }] } }
      : undefined);
    const run = await mlops(['provision', config, ...on]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `mlops: POST ${api.url}/pipelines: 400 Bad Request: Invalid request: 2 problems\n`
      + '  environments[2].instanceType: not offered in eu-west-1\n'
      + '  (request): too many pipelines\n',
    );
    expect(run.stdout).toBe(`fraud  CREATE_IN_PROGRESS  ${stackId('fraud')}\n`);
    expect(api.requests).toHaveLength(2);
  });

  test('a 422 (artifact missing) and a 409 (stack busy) are shown with the API\'s message', async () => {
    api.answer = (r) => {
      if (r.method !== 'POST') return undefined;
      return JSON.parse(r.body).name === 'churn'
        ? { status: 422, body: { message: 'Referenced objects are missing', problems: [{ path: 'artifact', message: 's3://assets/churn/model.tar.gz does not exist' }] } }
        : { status: 409, body: { message: 'Stack mlops-pipeline-fraud is UPDATE_IN_PROGRESS; try again when it is done' } };
    };
    const run = await mlops(['provision', config, ...on, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`mlops: POST ${api.url}/pipelines: 422 Unprocessable Entity: Referenced objects are missing\n  artifact: s3://assets/churn/model.tar.gz does not exist\n`);
    expect(run.stderr).toContain(`mlops: POST ${api.url}/pipelines: 409 Conflict: Stack mlops-pipeline-fraud is UPDATE_IN_PROGRESS; try again when it is done\n`);
    const out = JSON.parse(run.stdout);
    expect(out.pipelines.map((p: { error: { status: number } }) => p.error.status)).toEqual([422, 409]);
  });

  test('a 403 stops at the first pipeline and says which permission the caller needs', async () => {
    api.answer = () => ({ status: 403, body: { message: 'User: arn:aws:sts::111111111111:assumed-role/dev/alice is not authorized to perform: execute-api:Invoke' } });
    const run = await mlops(['provision', config, ...on]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `mlops: POST ${api.url}/pipelines: 403 Forbidden: User: arn:aws:sts::111111111111:assumed-role/dev/alice is not authorized to perform: execute-api:Invoke\n`
      + '  The caller needs execute-api:Invoke on this API (an IAM policy allowing it on arn:aws:execute-api:<region>:<account>:<api-id>/*),\n'
      + '  and requests signed for the API\'s region (see --region).\n'
      + 'mlops: not sent: 1 more pipeline\n',
    );
    expect(api.requests).toHaveLength(1);
  });

  test('a second provision of the same pipeline is an update', async () => {
    await mlops(['provision', join(FIXTURES, 'churn-request.json'), ...on]);
    const run = await mlops(['provision', join(FIXTURES, 'churn-request.json'), ...on]);
    expect(run.stdout).toBe(`churn  UPDATE_IN_PROGRESS  ${stackId('churn')}\n`);
  });
});

describe('status', () => {
  const churn = pipelineStatus('churn', {
    stackStatus: 'UPDATE_COMPLETE',
    execution: { id: 'e-42', status: 'Failed' },
    stages: [['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Test-dev', 'Failed', '1 of 2 tests failed: likely churner scored 0.31'], ['Share-dev', undefined]],
    environments: [
      { name: 'dev', endpointStatus: 'InService', inferenceUrl: 'https://x1.execute-api.eu-west-1.amazonaws.com/dev/invocations' },
      { name: 'prod', endpointStatus: null, inferenceUrl: null },
      { name: 'scoring', batchOutput: 's3://mlops-assets/scoring/churn/output/' },
    ],
  });

  test('prints the stack, the execution, each stage and each environment (a batch one with its output)', async () => {
    api.script('churn', churn);
    const run = await mlops(['status', 'churn', ...on]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe([
      'churn',
      '  Stack:      mlops-pipeline-churn  UPDATE_COMPLETE',
      '  Execution:  e-42                  Failed',
      '  Stages:',
      '    Source      Succeeded  2026-11-29T10:00:00Z',
      '    Deploy-dev  Succeeded  2026-11-29T10:00:00Z',
      '    Test-dev    Failed     2026-11-29T10:00:00Z  1 of 2 tests failed: likely churner scored 0.31',
      '    Share-dev   -          -',
      '  Environments:',
      '    dev      churn-dev   InService  https://x1.execute-api.eu-west-1.amazonaws.com/dev/invocations',
      '    prod     churn-prod  -          not shared yet',
      '    scoring  batch       -          releases write under s3://mlops-assets/scoring/churn/output/',
      '',
    ].join('\n'));
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /prod/pipelines/churn']);
  });

  test('a stack still being created, with no pipeline yet, and its reason', async () => {
    api.script('churn', pipelineStatus('churn', { stackStatus: 'ROLLBACK_IN_PROGRESS', stackStatusReason: 'The following resource(s) failed to create: [Pipeline]' }));
    const run = await mlops(['status', 'churn', ...on]);
    expect(run.stdout).toBe([
      'churn',
      '  Stack:      mlops-pipeline-churn  ROLLBACK_IN_PROGRESS',
      '  Execution:  -                     no pipeline yet',
      '  Reason:     The following resource(s) failed to create: [Pipeline]',
      '',
    ].join('\n'));
  });

  test('--json: the API\'s answer as it came', async () => {
    api.script('churn', churn);
    const run = await mlops(['status', 'churn', ...on, '--json']);
    expect(JSON.parse(run.stdout)).toEqual(churn);
  });

  test('an unknown pipeline: the API\'s 404 message, exit 1 (and its body with --json)', async () => {
    const run = await mlops(['status', 'nope', ...on, '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`mlops: GET ${api.url}/pipelines/nope: 404 Not Found: No pipeline named 'nope'\n`);
    expect(JSON.parse(run.stdout)).toEqual({ message: 'No pipeline named \'nope\'' });
  });
});

describe('list', () => {
  test('a table of the pipelines, sorted by name', async () => {
    api.known.set('fraud', 'CREATE_IN_PROGRESS');
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const run = await mlops(['list', ...on]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe([
      'NAME   STACK STATUS     UPDATED               STACK',
      'churn  CREATE_COMPLETE  2026-11-29T10:00:00Z  mlops-pipeline-churn',
      'fraud  CREATE_COMPLETE  2026-11-29T10:00:00Z  mlops-pipeline-fraud',
      '',
    ].join('\n'));
  });

  test('no pipelines yet', async () => {
    const run = await mlops(['list', ...on]);
    expect(run).toMatchObject({ code: 0, stdout: 'No pipelines yet.\n' });
  });

  test('tolerates entries without the optional fields', async () => {
    api.answer = () => ({ status: 200, body: { pipelines: [{ name: 'churn', stackStatus: 'CREATE_IN_PROGRESS' }] } });
    const run = await mlops(['list', ...on]);
    expect(run.stdout).toBe('NAME   STACK STATUS        UPDATED  STACK\nchurn  CREATE_IN_PROGRESS  -        -\n');
  });

  test('--json: the API\'s answer', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const run = await mlops(['list', ...on, '--json']);
    expect(JSON.parse(run.stdout)).toEqual({ pipelines: [{ name: 'churn', stackName: 'mlops-pipeline-churn', stackStatus: 'CREATE_COMPLETE', updatedAt: '2026-11-29T10:00:00Z' }] });
  });
});

describe('delete', () => {
  test('DELETE /pipelines/{name}: prints the new status, exit 0', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const run = await mlops(['delete', 'churn', ...on]);
    expect(run).toMatchObject({ code: 0, stdout: 'churn  DELETE_IN_PROGRESS\n', stderr: '' });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['DELETE /prod/pipelines/churn']);
  });

  test('--json: the API\'s 202 answer', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const run = await mlops(['delete', 'churn', ...on, '--json']);
    expect(JSON.parse(run.stdout)).toEqual({ name: 'churn', stackId: stackId('churn'), status: 'DELETE_IN_PROGRESS' });
  });

  test('an unknown pipeline: 404, exit 1', async () => {
    const run = await mlops(['delete', 'nope', ...on]);
    expect(run).toMatchObject({ code: 1, stderr: `mlops: DELETE ${api.url}/pipelines/nope: 404 Not Found: No pipeline named 'nope'\n` });
  });

  test('--wait: follows the stack until the API no longer knows it, printing each change once', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const deleting = pipelineStatus('churn', { stackStatus: 'DELETE_IN_PROGRESS' });
    api.script('churn', deleting, deleting, deleting, { status: 404, body: { message: 'No pipeline named \'churn\'' }, fakeAnswer: true });
    const run = await mlops(['delete', 'churn', ...on, '--wait', '--interval', '5']);
    expect(run).toMatchObject({ code: 0, stdout: 'churn  DELETE_IN_PROGRESS\nchurn  deleted\n', stderr: '' });
    expect(run.sleeps).toEqual([5000, 5000, 5000]);
  });

  test('--wait: DELETE_FAILED is a failure with the reason', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    api.script('churn',
      pipelineStatus('churn', { stackStatus: 'DELETE_IN_PROGRESS' }),
      pipelineStatus('churn', { stackStatus: 'DELETE_FAILED', stackStatusReason: 'The following resource(s) failed to delete: [ArtifactBucket]' }));
    const run = await mlops(['delete', 'churn', ...on, '--wait', '--json']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe([
      'churn  DELETE_IN_PROGRESS',
      'churn  stack  DELETE_IN_PROGRESS -> DELETE_FAILED',
      'mlops: churn: stack DELETE_FAILED: The following resource(s) failed to delete: [ArtifactBucket]',
      '',
    ].join('\n'));
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'churn', status: 'DELETE_IN_PROGRESS', deleted: false });
  });

  test('--wait: gives up after --timeout, exit 1', async () => {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    api.script('churn', pipelineStatus('churn', { stackStatus: 'DELETE_IN_PROGRESS' }));
    const run = await mlops(['delete', 'churn', ...on, '--wait', '--interval', '30', '--timeout', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('mlops: churn: still DELETE_IN_PROGRESS after the timeout\n');
    expect(run.sleeps).toEqual([30_000, 30_000, 30_000, 30_000]);
  });
});
