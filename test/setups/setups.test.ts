/**
 * Users' real setups (#14 E): the packed library, installed into a scratch
 * app next to the lowest aws-cdk-lib its peer range allows, the version the
 * tests pin, and the newest (each pinned in test/setups/variants/, from
 * .projenrc.ts), with the cdk-nag a user of that aws-cdk-lib installs. In each,
 * the example app and every integ app are synthesized env-agnostic and in a
 * concrete account and region, with cdk-nag AwsSolutions attached as its
 * users attach it, and their templates go through the pinned cfn-lint. Every
 * variant must synthesize with no cdk-nag finding and no cfn-lint error or
 * warning (W3005 included). `npx projen compat` runs the same against
 * whatever the registry serves today (MLOPS_SETUPS=latest).
 *
 * Run by `npx projen test:setups`, which the test command runs.
 */
import { spawn } from 'child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import { bundleApps, bundleSynthesizer } from './app-bundles';
import { latestVariant, packLibrary, pinnedVariants, prepareScratchApp, SETUPS_CACHE, Variant } from './scratch-install';
import { SetupsJob, SetupsResult, SynthRun } from './setups-protocol';
import { CfnLintResult, formatCfnLintFindings, runCfnLintInParallel } from '../harness/cfn-lint';

const ENVIRONMENTS: SetupsJob['environments'] = [
  { name: 'env-agnostic' },
  { name: '111111111111/us-east-1', account: '111111111111', region: 'us-east-1' },
];

const variants: Variant[] = process.env.MLOPS_SETUPS === 'latest' ? [latestVariant()] : pinnedVariants();

interface VariantOutcome {
  readonly variant: Variant;
  readonly result: SetupsResult;
}

let outcomes: VariantOutcome[] = [];
const lint = new Map<string, CfnLintResult>();
const seconds: { [step: string]: number } = {};

beforeAll(async () => {
  const timed = async <T>(step: string, work: () => Promise<T> | T): Promise<T> => {
    const start = Date.now();
    try {
      return await work();
    } finally {
      seconds[step] = (Date.now() - start) / 1000;
    }
  };
  const tarball = await timed('pack', () => packLibrary());
  const bundles = path.join(SETUPS_CACHE, 'apps');
  const apps = await timed('bundle apps', async () => {
    const made = await bundleApps(bundles);
    await bundleSynthesizer(path.join(bundles, 'synth-apps.js'));
    return made;
  });
  const scratchApps = await timed('install', () => variants.map((variant) => prepareScratchApp(variant, tarball)));
  outcomes = await timed('synthesize and nag', () => inPairs(variants.map((variant, index) => async () => {
    const scratch = scratchApps[index];
    // Inside the scratch app, so every package resolves to its copy.
    const appsDirectory = path.join(scratch, 'apps');
    rmSync(appsDirectory, { recursive: true, force: true });
    cpSync(bundles, appsDirectory, { recursive: true });
    const job: SetupsJob = {
      scratchDirectory: scratch,
      outdir: path.join(scratch, 'cdk.out'),
      apps: apps.map(({ name, file }) => ({ name, file: path.join(appsDirectory, file) })),
      environments: ENVIRONMENTS,
    };
    mkdirSync(job.outdir, { recursive: true });
    writeFileSync(path.join(scratch, 'job.json'), JSON.stringify(job, undefined, 2));
    await runNode(path.join(appsDirectory, 'synth-apps.js'), [path.join(scratch, 'job.json'), path.join(scratch, 'result.json')], scratch);
    return { variant, result: JSON.parse(readFileSync(path.join(scratch, 'result.json'), 'utf-8')) as SetupsResult };
  })));
  await timed('cfn-lint', async () => {
    const templates = outcomes.flatMap(({ variant, result }) => result.runs.flatMap((run) => run.stacks.map((stack) => ({
      key: lintKey(variant, run, stack.name),
      template: JSON.parse(readFileSync(stack.templateFile, 'utf-8')),
    }))));
    const results = await runCfnLintInParallel(templates.map(({ template }) => template), 2);
    templates.forEach(({ key }, index) => lint.set(key, results[index]));
  });
  printSummary();
}, 30 * 60 * 1000);

describe.each(variants.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
  const outcome = () => outcomes.find((o) => o.variant === variant)!;

  test('holds the versions its package.json pins, and the packed library', () => {
    const { versions } = outcome().result;
    for (const [name, spec] of Object.entries(variant.dependencies)) {
      if (spec !== 'latest') expect({ name, version: versions[name] }).toEqual({ name, version: spec });
    }
    expect(versions['cdk-mlops-framework']).toBeDefined();
  });

  describe.each(ENVIRONMENTS.map((env) => [env.name]))('%s', (environment) => {
    const runs = () => outcome().result.runs.filter((run) => run.environment === environment);

    test('synthesizes the example app and every integ app', () => {
      const failed = runs().filter((run) => run.error).map((run) => `${run.app}: ${run.error}`);
      expect(failed).toEqual([]);
      expect(runs().map((run) => run.app)).toContain('example');
      expect(runs().filter((run) => run.app.startsWith('integ.')).length).toBeGreaterThanOrEqual(7);
      for (const run of runs()) expect(run.stacks.length).toBeGreaterThan(0);
    });

    test('cdk-nag AwsSolutions finds nothing unacknowledged', () => {
      const findings = runs().flatMap((run) => run.findings.map((f) => `${run.app}: [${f.severity}] ${f.ruleId} at ${f.path}: ${f.description}`));
      expect(findings).toEqual([]);
    });

    test('cfn-lint reports no error and no warning', () => {
      const findings = runs().flatMap((run) => run.stacks.flatMap((stack) => {
        const { errors, warnings } = lint.get(lintKey(variant, run, stack.name))!;
        const all = [...errors, ...warnings];
        return all.length === 0 ? [] : [`${run.app} ${stack.name}:\n${formatCfnLintFindings(all)}`];
      }));
      expect(findings).toEqual([]);
    });

    test('every Lambda function of the library runs on the newest Node.js runtime this aws-cdk-lib offers', () => {
      const newest = outcome().result.newestNodeRuntime;
      // The library's own handlers; CDK's provider frameworks and helpers pick their own runtimes.
      const handlers = runs().flatMap((run) => run.functionRuntimes);
      expect(handlers.length).toBeGreaterThan(0);
      expect(handlers.filter((fn) => fn.runtime !== newest)).toEqual([]);
    });
  });
});

function lintKey(variant: Variant, run: SynthRun, stackName: string): string {
  return `${variant.name} ${run.environment} ${run.app} ${stackName}`;
}

/** Runs the tasks two at a time: the machines CI and newcomers use have two cores. */
async function inPairs<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

function runNode(script: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`node ${path.basename(script)} in ${cwd} exited ${code}:\n${output.slice(-20_000)}`))));
  });
}

function printSummary(): void {
  const rows = [['variant', 'aws-cdk-lib', 'cdk-nag', 'attached as', 'environment', 'stacks', 'nag findings', 'cfn-lint errors', 'cfn-lint warnings', 'failed apps']];
  for (const { variant, result } of outcomes) {
    for (const env of ENVIRONMENTS) {
      const runs = result.runs.filter((run) => run.environment === env.name);
      const lints = runs.flatMap((run) => run.stacks.map((stack) => lint.get(lintKey(variant, run, stack.name))!));
      rows.push([
        variant.name,
        result.versions['aws-cdk-lib'],
        result.versions['cdk-nag'],
        result.nagAttachment,
        env.name,
        String(runs.reduce((n, run) => n + run.stacks.length, 0)),
        String(runs.reduce((n, run) => n + run.findings.length, 0)),
        String(lints.reduce((n, l) => n + l.errors.length, 0)),
        String(lints.reduce((n, l) => n + l.warnings.length, 0)),
        String(runs.filter((run) => run.error).length),
      ]);
    }
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ')).join('\n');
  const timing = Object.entries(seconds).map(([step, s]) => `${step} ${s.toFixed(1)} s`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`Users' setups: the example app and the integ apps, packed library in scratch apps\n${table}\n${timing}`);
}
