import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FIXTURES, mlops } from './cli-runner';

const request = join(FIXTURES, 'churn-request.json');
const config = join(FIXTURES, 'mlops-config.json');
const invalid = join(FIXTURES, 'invalid-config.json');

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'mlops-cli-')), name);
  writeFileSync(file, text);
  return file;
}

test('a valid config file: a summary of its pipelines and environments, exit 0', async () => {
  const run = await mlops(['validate', config]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toBe(
    `${config}: valid config file: 2 pipelines, 4 environments\n`
    + '  churn  dev -> staging -> (approval) prod\n'
    + '  fraud  dev\n',
  );
});

test('a valid single pipeline request is recognised as one', async () => {
  const run = await mlops(['validate', request]);
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(`${request}: valid pipeline request: 1 pipeline, 2 environments\n  churn  dev -> (approval) prod\n`);
});

test('an invalid config file: each problem as <file>: <path>: <message>, a count, exit 1', async () => {
  const run = await mlops(['validate', invalid]);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(new RegExp(`^${escape(invalid)}: pipelines\\[0\\]\\.environments\\[0\\]\\.instanceType: .*ml\\.nope\\.large`));
  expect(lines[1]).toMatch(new RegExp(`^${escape(invalid)}: pipelines\\[1\\]\\.name: .*Fraud_Model`));
  expect(lines[2]).toBe(`${invalid}: 2 problems`);
});

test('an invalid single request: its problems have paths from the request root', async () => {
  const file = tempFile('request.json', JSON.stringify({ name: 'churn', artifact: 'churn/model.tar.gz', image: { framework: 'xgboost', version: '1.7-1' }, environments: [] }));
  const run = await mlops(['validate', file]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^${escape(file)}: environments: `, 'm'));
});

test('a file that is not JSON: the parse problem, without a path', async () => {
  const file = tempFile('broken.json', '{ "version": 1,\n');
  const run = await mlops(['validate', file]);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^${escape(file)}: [^:]*JSON`));
  expect(run.stderr).toMatch(/: 1 problem\n$/);
});

test('--json: the problems on stdout as JSON (exit 1), or the pipelines when valid (exit 0)', async () => {
  const bad = await mlops(['validate', invalid, '--json']);
  expect(bad.code).toBe(1);
  const parsed = JSON.parse(bad.stdout);
  expect(parsed.valid).toBe(false);
  expect(parsed.problems.map((p: { path: string }) => p.path)).toEqual(['pipelines[0].environments[0].instanceType', 'pipelines[1].name']);
  expect(parsed.problems.every((p: { message: unknown }) => typeof p.message === 'string')).toBe(true);

  const good = await mlops(['--json', 'validate', config]);
  expect(good.code).toBe(0);
  expect(JSON.parse(good.stdout)).toEqual({
    valid: true,
    kind: 'config',
    pipelines: [{ name: 'churn', environments: ['dev', 'staging', 'prod'] }, { name: 'fraud', environments: ['dev'] }],
    problems: [],
  });
});

test('a missing file: a clear message, exit 1', async () => {
  const run = await mlops(['validate', '/nonexistent/mlops-config.json']);
  expect(run).toMatchObject({ code: 1, stdout: '', stderr: 'mlops: cannot read /nonexistent/mlops-config.json: no such file\n' });
});

test('a directory instead of a file: a clear message, exit 1', async () => {
  const run = await mlops(['validate', FIXTURES]);
  expect(run).toMatchObject({ code: 1, stderr: `mlops: cannot read ${FIXTURES}: is a directory\n` });
});

test('validate is offline: it takes no --api', async () => {
  const run = await mlops(['validate', config, '--api', 'http://127.0.0.1:9/prod']);
  expect(run.code).toBe(2);
  expect(run.stderr).toBe('mlops: unknown option --api\nRun \'mlops validate --help\' for usage.\n');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
