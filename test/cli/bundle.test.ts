import { execFile } from 'child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FIXTURES, TEST_CREDENTIALS } from './cli-runner';
import { FakeApi } from './fake-api';
import { expectedAuthorization, parseAuthorization } from './signature';
import { PROJECT_ROOT } from '../harness/moto-server';

/**
 * What npm installs as `mlops` is the esbuild bundle, not the TypeScript the
 * other tests import: these run it as a child process, as a user would.
 * The test task builds the bundles before jest runs.
 */
const BUNDLE = join(PROJECT_ROOT, 'assets', 'cli', 'main', 'index.js');

interface ChildRun { code: number; stdout: string; stderr: string }

/** Runs the bundle with only the given environment (no inherited AWS settings). Asynchronous, so this process's fake API can answer it. */
function runBundle(args: string[], env: Record<string, string> = {}, bundle = BUNDLE): Promise<ChildRun> {
  return new Promise((resolve) => {
    execFile(bundle, args, {
      encoding: 'utf-8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...env },
    }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle:cli/main' (the test task does)`);
});

test('the bundle is an executable Node script with every dependency inlined', () => {
  const text = readFileSync(BUNDLE, 'utf-8');
  expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(() => accessSync(BUNDLE, constants.X_OK)).not.toThrow();
  // Only Node's own modules may be required at run time: the package has no runtime dependencies.
  // (The SDK's error messages quote `[require("@aws-sdk/signature-v4-crt");]` as advice: not a call.)
  const required = [...text.matchAll(/(?<!\[)require\("([^"]+)"\)/g)].map((m) => m[1]);
  expect(required.filter((name) => !/^(node:)?[a-z_]+(\/[a-z_]+)?$/.test(name) || name.startsWith('@'))).toEqual([]);
  expect(required.length).toBeGreaterThan(0);
});

test('mlops --help', async () => {
  const run = await runBundle(['--help']);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toMatch(/^Usage: mlops <command> \[options\]\n/);
});

test('mlops validate: a valid file (exit 0) and an invalid one (exit 1)', async () => {
  const good = await runBundle(['validate', join(FIXTURES, 'mlops-config.json')]);
  expect(good).toMatchObject({ code: 0, stderr: '' });
  expect(good.stdout).toContain(': valid config file: 2 pipelines, 4 environments\n');
  const bad = await runBundle(['validate', join(FIXTURES, 'invalid-config.json')]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/invalid-config\.json: pipelines\[1\]\.name: /);
  expect(bad.stderr).toMatch(/invalid-config\.json: 2 problems\n$/);
});

test('mlops list against the local API, signed with the environment\'s credentials, from a copy with no node_modules in reach', async () => {
  const api = await FakeApi.start();
  // Outside the repository, a package the bundle failed to inline could not be found: this run would fail.
  const alone = join(mkdtempSync(join(tmpdir(), 'mlops-bundle-')), 'mlops.js');
  copyFileSync(BUNDLE, alone);
  chmodSync(alone, 0o755);
  try {
    api.known.set('churn', 'CREATE_IN_PROGRESS');
    const run = await runBundle(['list'], {
      MLOPS_API_URL: api.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: TEST_CREDENTIALS.sessionToken,
    }, alone);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('NAME   STACK STATUS     UPDATED               STACK\nchurn  CREATE_COMPLETE  2026-11-29T10:00:00Z  mlops-pipeline-churn\n');
    const [request] = api.requests;
    expect(parseAuthorization(request.headers.authorization)).toMatchObject({ region: 'eu-west-1', service: 'execute-api' });
    expect(request.headers.authorization).toBe(await expectedAuthorization(request, { region: 'eu-west-1', credentials: TEST_CREDENTIALS }));
  } finally {
    await api.close();
  }
});

test('a usage error exits 2', async () => {
  const run = await runBundle(['list', '--nope']);
  expect(run).toMatchObject({ code: 2, stdout: '' });
  expect(run.stderr).toBe('mlops: unknown option --nope\nRun \'mlops list --help\' for usage.\n');
});
