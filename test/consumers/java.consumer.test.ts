/**
 * The Java package works for a Java CDK user: java/ is a Maven project that
 * takes the packed jar (dist/java) and aws-cdk-lib from Maven Central, and
 * writes reference-app.ts in Java. Built with the same aws-cdk-lib version,
 * it must synthesize the same template as the TypeScript app.
 *
 * Needs `npx projen compile && npx projen package:java` first (the
 * test:consumers task does both); java/run.sh says so when the jar is missing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectOnlyProdInstanceCountChanged, expectOrchestratorAndPipeline } from './consumer-assertions';
import { CONSUMER_STACK, synthReferenceApp } from './reference-app';
import { comparableTemplate } from './template-comparison';

const RUN = path.join(__dirname, 'java', 'run.sh');

let workdir: string;
let typescript: any;
let java: any;

/** Runs the Java app (through Maven, then a plain JVM) and reads its template. */
function synthJavaApp(name: string, env: Record<string, string> = {}): any {
  const outdir = path.join(workdir, name);
  const result = spawnSync(RUN, [outdir], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`java/run.sh exited with ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, `${CONSUMER_STACK}.template.json`), 'utf8'));
}

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'java-consumer-'));
  typescript = synthReferenceApp(path.join(workdir, 'typescript'));
  java = synthJavaApp('java');
});

afterAll(() => {
  fs.rmSync(workdir, { recursive: true, force: true });
});

test('the Java app synthesizes the orchestrator and a two-environment pipeline', () => {
  expectOrchestratorAndPipeline(java);
});

test('the Java app synthesizes the same template as the TypeScript app, apart from asset hashes and metadata', () => {
  expect(comparableTemplate(java)).toEqual(comparableTemplate(typescript));
});

test('a Java app with a different prop gives a different template, so the comparison can fail', () => {
  expectOnlyProdInstanceCountChanged(synthJavaApp('java-prod-3', { CONSUMER_PROD_INSTANCE_COUNT: '3' }), typescript);
});
