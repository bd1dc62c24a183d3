import { join } from 'path';
import { FIXTURES, mlops } from './cli-runner';
import { FakeApi, httpAnswer, pipelineStatus, stackId } from './fake-api';
import { POLLS_FOR_NEW_EXECUTION } from '../../src/cli/pipeline-tracker';
import { MAX_CONSECUTIVE_ERRORS } from '../../src/cli/polling';

let api: FakeApi;
let on: string[];
beforeEach(async () => {
  api = await FakeApi.start();
  on = ['--api', api.url, '--region', 'eu-west-1'];
});
afterEach(async () => { await api.close(); });

const request = join(FIXTURES, 'churn-request.json');
const config = join(FIXTURES, 'mlops-config.json');
const environments = [
  { name: 'dev', endpointStatus: 'InService', inferenceUrl: 'https://x1.execute-api.eu-west-1.amazonaws.com/dev/invocations' },
  { name: 'prod', endpointStatus: null, inferenceUrl: null },
];

type Stage = [string, string | undefined, string?];
function running(stages: Stage[], execution = { id: 'e-1', status: 'InProgress' }, stackStatus = 'CREATE_COMPLETE') {
  return pipelineStatus('churn', { stackStatus, execution, stages, environments });
}

test('a new pipeline: each change of the stack and stages printed once, until the execution succeeds (exit 0)', async () => {
  const creating = pipelineStatus('churn', { stackStatus: 'CREATE_IN_PROGRESS' });
  api.script('churn',
    creating,
    creating,
    running([['Source', 'InProgress'], ['Deploy-dev', undefined], ['Test-dev', undefined], ['Share-dev', undefined]], { id: 'e-1', status: 'InProgress' }, 'CREATE_IN_PROGRESS'),
    running([['Source', 'Succeeded'], ['Deploy-dev', 'InProgress'], ['Test-dev', undefined], ['Share-dev', undefined]]),
    running([['Source', 'Succeeded'], ['Deploy-dev', 'InProgress'], ['Test-dev', undefined], ['Share-dev', undefined]]),
    running([['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Test-dev', 'Succeeded'], ['Share-dev', 'InProgress']]),
    running([['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Test-dev', 'Succeeded'], ['Share-dev', 'Succeeded']], { id: 'e-1', status: 'Succeeded' }),
  );
  const run = await mlops(['provision', request, ...on, '--wait', '--interval', '10']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe([
    `churn  CREATE_IN_PROGRESS  ${stackId('churn')}`,
    'Waiting for 1 pipeline (every 10 s, at most 60 min)...',
    'churn  stack  CREATE_IN_PROGRESS',
    'churn  execution e-1  InProgress',
    'churn  Source  InProgress',
    'churn  stack  CREATE_IN_PROGRESS -> CREATE_COMPLETE',
    'churn  Source  InProgress -> Succeeded',
    'churn  Deploy-dev  InProgress',
    'churn  Deploy-dev  InProgress -> Succeeded',
    'churn  Test-dev  Succeeded',
    'churn  Share-dev  InProgress',
    'churn  execution e-1  InProgress -> Succeeded',
    'churn  Share-dev  InProgress -> Succeeded',
    'churn  stack CREATE_COMPLETE, execution e-1 Succeeded',
    '',
  ].join('\n'));
  expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(7);
  expect(run.sleeps).toEqual(Array(6).fill(10_000));
});

test('a failed stage: exit 1 with the execution, the stage and its message', async () => {
  api.script('churn',
    running([['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Test-dev', 'InProgress']]),
    running([['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Test-dev', 'Failed', '1 of 2 tests failed: likely churner scored 0.31']], { id: 'e-1', status: 'Failed' }),
  );
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('churn  Test-dev  InProgress -> Failed\n');
  expect(run.stderr).toBe('mlops: churn: execution e-1 Failed at Test-dev: 1 of 2 tests failed: likely churner scored 0.31\n');
  expect(run.sleeps).toEqual([15_000]);
});

test('a stopped execution is a failure too', async () => {
  api.script('churn', running([['Source', 'Succeeded'], ['Deploy-dev', 'Stopped']], { id: 'e-1', status: 'Stopped' }));
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('mlops: churn: execution e-1 Stopped at Deploy-dev\n');
});

test('a stack that rolls back: exit 1 with CloudFormation\'s reason, without waiting for the rollback to end', async () => {
  api.script('churn',
    pipelineStatus('churn', { stackStatus: 'CREATE_IN_PROGRESS' }),
    pipelineStatus('churn', { stackStatus: 'ROLLBACK_IN_PROGRESS', stackStatusReason: 'The following resource(s) failed to create: [Endpointdev]' }),
  );
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('churn  stack  CREATE_IN_PROGRESS -> ROLLBACK_IN_PROGRESS\n');
  expect(run.stderr).toBe('mlops: churn: stack ROLLBACK_IN_PROGRESS: The following resource(s) failed to create: [Endpointdev]\n');
  expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
});

test('a manual approval waiting: printed, exit 0', async () => {
  api.script('churn',
    running([['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded'], ['Approve-prod', 'InProgress', 'Waiting for approval'], ['Deploy-prod', undefined]]),
  );
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/churn {2}Approve-prod {2}InProgress\nchurn {2}waiting for approval at Approve-prod: Waiting for approval\n$/);
  expect(run.sleeps).toEqual([]);
});

test('the timeout: exit 1, saying where the pipeline is and how to look again', async () => {
  api.script('churn', running([['Source', 'Succeeded'], ['Deploy-dev', 'InProgress']]));
  const run = await mlops(['provision', request, ...on, '--wait', '--interval', '60', '--timeout', '5']);
  expect(run.code).toBe(1);
  expect(run.stderr).toBe('mlops: churn: not finished within the timeout (stack CREATE_COMPLETE); \'mlops status churn\' shows where it is\n');
  // Progress is printed once, however many polls see the same state.
  expect(run.stdout.match(/Deploy-dev/g)).toHaveLength(1);
  expect(run.sleeps).toEqual(Array(5).fill(60_000));
});

test('the last sleep is cut short at the timeout', async () => {
  api.script('churn', running([['Source', 'InProgress']]));
  const run = await mlops(['provision', request, ...on, '--wait', '--interval', '40', '--timeout', '1']);
  expect(run.code).toBe(1);
  expect(run.sleeps).toEqual([40_000, 20_000]);
});

describe('an update', () => {
  beforeEach(() => { api.known.set('churn', 'CREATE_IN_PROGRESS'); });

  test('follows the execution the update starts, not the one before it', async () => {
    const done = [['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded']] as Stage[];
    api.script('churn',
      running(done, { id: 'e-1', status: 'Succeeded' }, 'UPDATE_IN_PROGRESS'),
      running(done, { id: 'e-1', status: 'Succeeded' }, 'UPDATE_COMPLETE'),
      running([['Source', 'InProgress'], ['Deploy-dev', 'Succeeded']], { id: 'e-2', status: 'InProgress' }, 'UPDATE_COMPLETE'),
      running([['Source', 'Succeeded'], ['Deploy-dev', 'Failed', 'Endpoint churn-dev: Failed: image not found']], { id: 'e-2', status: 'Failed' }, 'UPDATE_COMPLETE'),
    );
    const run = await mlops(['provision', request, ...on, '--wait']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('churn  execution e-2  InProgress\nchurn  Source  Succeeded -> InProgress\n');
    expect(run.stderr).toBe('mlops: churn: execution e-2 Failed at Deploy-dev: Endpoint churn-dev: Failed: image not found\n');
  });

  test('that starts no execution: after a few more polls, the result of the latest one, saying so', async () => {
    const done = [['Source', 'Succeeded'], ['Deploy-dev', 'Succeeded']] as Stage[];
    api.script('churn',
      running(done, { id: 'e-1', status: 'Succeeded' }, 'UPDATE_IN_PROGRESS'),
      running(done, { id: 'e-1', status: 'Succeeded' }, 'UPDATE_COMPLETE'),
    );
    const run = await mlops(['provision', request, ...on, '--wait']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/churn {2}stack UPDATE_COMPLETE, execution e-1 Succeeded \(no new execution started after the update\)\n$/);
    expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(2 + POLLS_FOR_NEW_EXECUTION);
  });
});

test('a pipeline request that changes nothing (UNCHANGED) reports the latest execution at once', async () => {
  api.answer = (r) => (r.method === 'POST' ? { status: 202, body: { name: 'churn', stackId: stackId('churn'), status: 'UNCHANGED', links: {} } } : undefined);
  api.script('churn', running([['Source', 'Succeeded']], { id: 'e-7', status: 'Succeeded' }, 'UPDATE_COMPLETE'));
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^churn {2}UNCHANGED {2}arn:/);
  expect(run.stdout).toMatch(/churn {2}stack UPDATE_COMPLETE, execution e-7 Succeeded\n$/);
  expect(run.sleeps).toEqual([]);
});

test('a transient error while polling is retried, with a note on stderr', async () => {
  api.script('churn',
    running([['Source', 'InProgress']]),
    httpAnswer(503, { message: 'Service Unavailable' }),
    running([['Source', 'Succeeded']], { id: 'e-1', status: 'Succeeded' }),
  );
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(0);
  expect(run.stderr).toBe('churn  (poll failed, retrying: Service Unavailable)\n');
});

test(`${MAX_CONSECUTIVE_ERRORS} errors in a row end the wait, exit 1`, async () => {
  api.script('churn', running([['Source', 'InProgress']]), ...Array(MAX_CONSECUTIVE_ERRORS).fill(httpAnswer(500, { message: 'Internal server error' })));
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`mlops: churn: GET ${api.url}/pipelines/churn: 500 Internal Server Error: Internal server error\\n$`));
  expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(1 + MAX_CONSECUTIVE_ERRORS);
});

test('a 403 while polling ends the wait at once', async () => {
  api.script('churn', httpAnswer(403, { message: 'Forbidden' }));
  const run = await mlops(['provision', request, ...on, '--wait']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^mlops: churn: GET .*: 403 Forbidden: Forbidden\n {2}The caller needs execute-api:Invoke/);
  expect(api.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
});

test('every pipeline of a config file is followed; one failing makes the exit code 1', async () => {
  api.script('churn', running([['Source', 'Succeeded']], { id: 'e-1', status: 'Succeeded' }));
  api.script('fraud',
    pipelineStatus('fraud', { stackStatus: 'CREATE_IN_PROGRESS' }),
    pipelineStatus('fraud', { stackStatus: 'CREATE_COMPLETE', execution: { id: 'f-1', status: 'Failed' }, stages: [['Build', 'Failed', 'docker build failed']] }),
  );
  const run = await mlops(['provision', config, ...on, '--wait', '--json']);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('churn  stack CREATE_COMPLETE, execution e-1 Succeeded\n');
  expect(run.stderr).toContain('fraud  stack  CREATE_IN_PROGRESS -> CREATE_COMPLETE\n');
  expect(run.stderr).toContain('mlops: fraud: execution f-1 Failed at Build: docker build failed\n');
  const out = JSON.parse(run.stdout);
  expect(out.pipelines.map((p: { name: string; outcome: { result: string } }) => [p.name, p.outcome.result])).toEqual([['churn', 'succeeded'], ['fraud', 'failed']]);
  expect(out.pipelines[1].status.stackStatus).toBe('CREATE_COMPLETE');
  // churn was done at the first poll: only fraud is polled again.
  expect(api.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual(['/prod/pipelines/churn', '/prod/pipelines/fraud', '/prod/pipelines/fraud']);
});
