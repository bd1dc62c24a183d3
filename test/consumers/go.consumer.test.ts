/**
 * The Go package works for a Go CDK app: test/consumers/go/ is a Go module
 * that takes the packed module (dist/go, through a replace in go.mod) and
 * aws-cdk-go from the Go module proxy, and writes reference-app.ts in Go.
 * Built with the same aws-cdk-lib version, it must synthesize the same
 * template as the TypeScript app.
 *
 * Needs `npx projen compile && npx projen package:go` first; go/run.sh says
 * so when the module is missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectOnlyProdInstanceCountChanged, expectOrchestratorAndPipeline } from './consumer-assertions';
import { CONSUMER_STACK, synthReferenceApp } from './reference-app';
import { comparableTemplate, differences } from './template-comparison';

const ROOT = path.resolve(__dirname, '../..');
const RUN = path.join(__dirname, 'go', 'run.sh');
const GO_MOD = path.join(__dirname, 'go', 'go.mod');
const PACKED_GO_MOD = path.join(ROOT, 'dist', 'go', 'cdkmlopsframework', 'go.mod');

interface GoRun {
  readonly status: number | null;
  readonly output: string;
}

function runGoApp(outdir: string, env: Record<string, string> = {}): GoRun {
  const result = spawnSync('bash', [RUN, outdir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stderr}\n${result.stdout}` };
}

function synthGoApp(outdir: string, env: Record<string, string> = {}): any {
  const run = runGoApp(outdir, env);
  if (run.status !== 0) {
    throw new Error(`the Go consumer app failed (exit ${run.status}):\n${run.output}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, `${CONSUMER_STACK}.template.json`), 'utf8'));
}

/** The version a go.mod requires `module` at. */
function required(goMod: string, module: string): string | undefined {
  const text = fs.readFileSync(goMod, 'utf8');
  const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+v(\\S+)`, 'm').exec(text)?.[1];
}

describe('Go consumer app', () => {
  let workdir: string;
  let typescript: any;
  let go: any;

  beforeAll(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'go-consumer-'));
    typescript = synthReferenceApp(path.join(workdir, 'typescript'));
    go = synthGoApp(path.join(workdir, 'go'));
  });

  afterAll(() => {
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  // A template difference caused by another aws-cdk-lib or constructs would
  // look like a bug in the bindings; name the real cause instead. The jsii
  // runtime must be the one the packed module was generated for: an older one
  // may not speak its kernel protocol.
  test('requires the aws-cdk-lib and constructs the TypeScript side synthesizes with, and the packed module\'s jsii runtime', () => {
    const npm = (name: string) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
    expect({
      awscdk: required(GO_MOD, 'github.com/aws/aws-cdk-go/awscdk/v2'),
      constructs: required(GO_MOD, 'github.com/aws/constructs-go/constructs/v10'),
      jsii: required(GO_MOD, 'github.com/aws/jsii-runtime-go'),
    }).toEqual({
      awscdk: npm('aws-cdk-lib'),
      constructs: npm('constructs'),
      jsii: required(PACKED_GO_MOD, 'github.com/aws/jsii-runtime-go'),
    });
  });

  test('synthesizes the same template as the TypeScript app, asset hashes and metadata aside', () => {
    expect(differences(comparableTemplate(go), comparableTemplate(typescript))).toEqual([]);
    expect(comparableTemplate(go)).toEqual(comparableTemplate(typescript));
  });

  test('holds the orchestrator and the two-environment pipeline', () => {
    expectOrchestratorAndPipeline(go);
  });

  test('a single prop changed in the Go app makes the templates differ', () => {
    expectOnlyProdInstanceCountChanged(synthGoApp(path.join(workdir, 'go-changed'), { CONSUMER_PROD_INSTANCE_COUNT: '3' }), typescript);
  });

  test('says how to build the Go module when there is none', () => {
    const empty = path.join(workdir, 'no-dist');
    fs.mkdirSync(empty);
    const run = runGoApp(path.join(workdir, 'unused'), { CONSUMER_GO_DIST: empty });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/no Go module of cdk-mlops-framework in .*no-dist: run npx projen compile && npx projen package:go/);
  });
});
