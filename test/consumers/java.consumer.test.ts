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
import { Template } from 'aws-cdk-lib/assertions';
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

/** The `initialInstanceCount` each environment's deploy action is configured with. */
function initialInstanceCounts(template: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of JSON.stringify(template).matchAll(/\\"initialInstanceCount\\":(\d+),.*?\\"rollbackAlarms\\":\[\\"churn-(\w+)-model/g)) {
    counts[match[2]] = Number(match[1]);
  }
  return counts;
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
  // Equality alone would also hold if both apps lost the same constructs:
  // the Java template must itself hold what the app asked for.
  const template = Template.fromJSON(java);
  template.resourceCountIs('AWS::CodePipeline::Pipeline', 1);
  // The orchestrator's provisioning API and one inference API per environment.
  template.resourceCountIs('AWS::ApiGateway::RestApi', 3);
  for (const type of ['AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::IAM::Role', 'AWS::CloudWatch::Alarm']) {
    expect(Object.keys(template.findResources(type)).length).toBeGreaterThan(0);
  }
  const [pipeline] = Object.values<any>(template.findResources('AWS::CodePipeline::Pipeline'));
  expect(pipeline.Properties.Stages.map((stage: any) => stage.Name)).toEqual([
    'Source', 'Deploy-dev', 'Test-dev', 'Share-dev', 'Approve-prod', 'Deploy-prod', 'Share-prod',
  ]);
  expect(initialInstanceCounts(java)).toEqual({ dev: 1, prod: 2 });
});

test('the Java app synthesizes the same template as the TypeScript app, apart from asset hashes and metadata', () => {
  expect(comparableTemplate(java)).toEqual(comparableTemplate(typescript));
});

test('a Java app with a different prop gives a different template, so the comparison can fail', () => {
  // The same app with prod's instanceCount 3 instead of 2: the comparison must
  // see that one change, and nothing else may tell the templates apart.
  const changed = synthJavaApp('java-prod-3', { CONSUMER_PROD_INSTANCE_COUNT: '3' });
  expect(initialInstanceCounts(changed)).toEqual({ dev: 1, prod: 3 });
  expect(comparableTemplate(changed)).not.toEqual(comparableTemplate(typescript));
  const restored = JSON.parse(JSON.stringify(changed).replace('\\"initialInstanceCount\\":3', '\\"initialInstanceCount\\":2'));
  expect(comparableTemplate(restored)).toEqual(comparableTemplate(typescript));
});
