/**
 * The packed library works for a CDK app in each jsii language: each
 * language's consumer app (consumer-languages.ts) writes reference-app.ts in
 * its own language against the package `npx projen test:consumers` packs
 * (jsii-pacmak), and, built with the same aws-cdk-lib version, must
 * synthesize the same template as the TypeScript app.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectOnlyProdInstanceCountChanged, expectOrchestratorAndPipeline } from './consumer-assertions';
import { CONSUMER_LANGUAGES, ConsumerLanguage } from './consumer-languages';
import { CONSUMER_STACK, synthReferenceApp } from './reference-app';
import { comparableTemplate, differences } from './template-comparison';

const ROOT = path.resolve(__dirname, '../..');

interface AppRun {
  readonly status: number | null;
  readonly output: string;
}

function runConsumerApp(language: ConsumerLanguage, outdir: string, env: Record<string, string> = {}): AppRun {
  const result = spawnSync('bash', [language.run, outdir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stderr}\n${result.stdout}` };
}

/** Runs the language's app and reads the template it synthesized. */
function synthConsumerApp(language: ConsumerLanguage, outdir: string, env: Record<string, string> = {}): any {
  const run = runConsumerApp(language, outdir, env);
  if (run.status !== 0) {
    throw new Error(`the ${language.name} consumer app failed (exit ${run.status}):\n${run.output}`);
  }
  return JSON.parse(fs.readFileSync(path.join(outdir, `${CONSUMER_STACK}.template.json`), 'utf8'));
}

let workdir: string;
let typescript: any;

beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'consumers-'));
  typescript = synthReferenceApp(path.join(workdir, 'typescript'));
});

afterAll(() => {
  fs.rmSync(workdir, { recursive: true, force: true });
});

describe.each(CONSUMER_LANGUAGES)('$name consumer app', (language) => {
  const folder = (name: string) => path.join(workdir, `${language.name.toLowerCase()}-${name}`);
  let synthesized: any;

  beforeAll(() => {
    synthesized = synthConsumerApp(language, folder('app'));
  });

  test('builds with the aws-cdk-lib and constructs the TypeScript side synthesizes with, and any jsii runtime it pins is the packed library\'s', () => {
    const { asked, expected } = language.pins();
    expect(asked).toEqual(expected);
  });

  test('synthesizes the same template as the TypeScript app, asset hashes and metadata aside', () => {
    expect(differences(comparableTemplate(synthesized), comparableTemplate(typescript))).toEqual([]);
    expect(comparableTemplate(synthesized)).toEqual(comparableTemplate(typescript));
  });

  test('holds the orchestrator and the two-environment pipeline', () => {
    expectOrchestratorAndPipeline(synthesized);
  });

  test('a single prop changed in the app makes the templates differ', () => {
    expectOnlyProdInstanceCountChanged(synthConsumerApp(language, folder('changed'), { CONSUMER_PROD_INSTANCE_COUNT: '3' }), typescript);
  });

  test('says how to build the package when there is none', () => {
    const empty = folder('no-dist');
    fs.mkdirSync(empty);
    const run = runConsumerApp(language, folder('unused'), { [language.distVariable]: empty });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(language.missingPackage);
  });
});
