import { mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BuiltBundle, BundleContents, BundleTask, buildBundle, handlerBundleTasks } from './bundle-contents';
import { nodeChild } from './child';
import { CONTEXT, Figure, atMost } from './figure';
import { HandlerCalls } from './handler-calls';
import { median, repeat, round } from './samples';

/** At most 1.2 MB minified (read as 1,200,000 bytes, as the template limit reads 1 MB as 1,000,000). */
const MAX_BUNDLE_BYTES = 1_200_000;
/** A bundle loads in at most 1.2 times the time its clients take unbundled. */
const MAX_LOAD_RATIO = 1.2;

/**
 * Requires each module named after `--` and prints how long that took.
 * Only the requires are timed: Node's own start-up is the same either way.
 */
const LOAD_SCRIPT = [
  'const start = process.hrtime.bigint();',
  'for (const m of process.argv.slice(1)) require(m);',
  'console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6 }));',
].join('\n');

async function loadMs(modules: readonly string[]): Promise<number> {
  const result = await nodeChild(['-e', LOAD_SCRIPT, '--', ...modules]) as { ms: number };
  return round(result.ms);
}

/** The entry a bundle task builds from (`src/.../x.lambda.ts`). */
function entryOf(esbuildArgs: readonly string[]): string {
  const entry = esbuildArgs.find((a) => a.endsWith('.lambda.ts'));
  if (!entry) throw new Error(`no *.lambda.ts entry in esbuild ${esbuildArgs.join(' ')}`);
  return entry;
}

/** The service clients a bundle carries that no code reachable from its handler calls. */
function uncalledClients(contents: BundleContents, calls: Record<string, string[]>): string[] {
  return Object.keys(contents.clients).filter((client) => !(client in calls));
}

/**
 * Each Lambda bundle: its size; which clients it carries against the ones
 * its handler's code calls; and its cold load time in a fresh Node process
 * beside the load time of the same SDK client packages from node_modules
 * (their CommonJS builds, as a handler that did not bundle would load them).
 * Bundle and unbundled loads alternate, so a noisy moment hits both alike.
 */
export async function measureBundles(runs: number): Promise<Figure[]> {
  const tasks = handlerBundleTasks();
  const calls = new HandlerCalls(tasks.map((t) => entryOf(t.esbuildArgs)));
  const outdir = mkdtempSync(path.join(tmpdir(), 'mlops-bench-bundles-'));
  try {
    const figures: Figure[] = [];
    for (const task of tasks) {
      figures.push(...await measureBundle(task, buildBundle(task, outdir), calls.operations(entryOf(task.esbuildArgs)), runs));
    }
    return figures;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

async function measureBundle(task: BundleTask, bundle: BuiltBundle, called: Record<string, string[]>, runs: number): Promise<Figure[]> {
  const name = path.basename(task.name, '.lambda');
  const clients = Object.keys(bundle.clients);
  const bundled: number[] = [];
  const unbundled: number[] = [];
  await repeat(runs, async () => {
    bundled.push(await loadMs([bundle.file]));
    unbundled.push(await loadMs(clients));
  });
  const bytes = statSync(bundle.file).size;
  const ratio = round(median(bundled) / median(unbundled), 3);
  const uncalled = uncalledClients(bundle, called);
  return [
    {
      group: 'bundles',
      name: `${name}: size`,
      value: round(bytes / 1e6, 3),
      unit: 'MB',
      ...atMost(MAX_BUNDLE_BYTES / 1e6, bytes / 1e6, '<= 1.2 MB'),
      detail: { bytes, asset: task.outfile, sameAsAsset: bundle.sameAsAsset },
    },
    {
      group: 'bundles',
      name: `${name}: clients carried but not called`,
      value: uncalled.length,
      unit: 'clients',
      ...atMost(0, uncalled.length, '0'),
      detail: { uncalled, carried: bundle.clients, called, credentialChain: bundle.credentialChainClients },
    },
    { group: 'bundles', name: `${name}: cold load, bundle`, value: round(median(bundled), 1), unit: 'ms', ...CONTEXT, samples: bundled },
    { group: 'bundles', name: `${name}: cold load, same clients unbundled`, value: round(median(unbundled), 1), unit: 'ms', ...CONTEXT, samples: unbundled, detail: { modules: clients } },
    { group: 'bundles', name: `${name}: load bundle / unbundled clients`, value: ratio, unit: 'x', ...atMost(MAX_LOAD_RATIO, ratio) },
  ];
}
