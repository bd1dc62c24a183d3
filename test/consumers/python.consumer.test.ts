/**
 * The Python package works for a Python CDK app: test/consumers/python/app.py,
 * run in a virtualenv with aws-cdk-lib from PyPI and the wheel built by
 * `npx projen package:python`, synthesizes the same stack as the TypeScript
 * reference app.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectOnlyProdInstanceCountChanged, expectOrchestratorAndPipeline } from './consumer-assertions';
import { CONSUMER_STACK, synthReferenceApp } from './reference-app';
import { comparableTemplate, differences } from './template-comparison';

const ROOT = path.resolve(__dirname, '../..');
const RUN = path.join(__dirname, 'python', 'run.sh');
const REQUIREMENTS = path.join(__dirname, 'python', 'requirements.txt');

interface PythonRun {
  readonly status: number | null;
  readonly output: string;
}

function runPythonApp(outdir: string, env: Record<string, string> = {}): PythonRun {
  const result = spawnSync('bash', [RUN, outdir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stderr}\n${result.stdout}` };
}

function synthPythonApp(outdir: string, env: Record<string, string> = {}): any {
  const run = runPythonApp(outdir, env);
  if (run.status !== 0) {
    throw new Error(`the Python consumer app failed (exit ${run.status}):\n${run.output}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, `${CONSUMER_STACK}.template.json`), 'utf8'));
}

/** The version `requirements.txt` pins `name` to. */
function pinned(name: string): string | undefined {
  const line = fs.readFileSync(REQUIREMENTS, 'utf8').split('\n').find((l) => l.startsWith(`${name}==`));
  return line?.slice(name.length + 2).split(/[\s;\\]/)[0];
}

describe('Python consumer app', () => {
  let workdir: string;
  let typescript: any;
  let python: any;

  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'python-consumer-'));
    typescript = synthReferenceApp(path.join(workdir, 'typescript'));
    python = synthPythonApp(path.join(workdir, 'python'));
  });

  afterAll(() => {
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  // A template difference caused by another aws-cdk-lib or constructs would
  // look like a bug in the bindings; name the real cause instead.
  test('pins the aws-cdk-lib and constructs the TypeScript side synthesizes with', () => {
    for (const name of ['aws-cdk-lib', 'constructs']) {
      const version = JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
      expect({ name, pinned: pinned(name) }).toEqual({ name, pinned: version });
    }
  });

  test('synthesizes the same template as the TypeScript app, asset hashes and metadata aside', () => {
    expect(differences(comparableTemplate(python), comparableTemplate(typescript))).toEqual([]);
    expect(comparableTemplate(python)).toEqual(comparableTemplate(typescript));
  });

  test('holds the orchestrator and the two-environment pipeline', () => {
    expectOrchestratorAndPipeline(python);
  });

  test('a single prop changed in the Python app makes the templates differ', () => {
    expectOnlyProdInstanceCountChanged(synthPythonApp(path.join(workdir, 'python-changed'), { CONSUMER_PROD_INSTANCE_COUNT: '3' }), typescript);
  });

  test('says how to build the wheel when there is none', () => {
    const empty = path.join(workdir, 'no-dist');
    fs.mkdirSync(empty);
    const run = runPythonApp(path.join(workdir, 'unused'), { CONSUMER_PYTHON_DIST: empty });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/no wheel of cdk-mlops-framework in .*no-dist: run npx projen compile && npx projen package:python/);
  });
});
