/**
 * `npm run bench`: measures the figures DESIGN.md §8 and issue #7 set bars
 * for, prints them as tables and writes bench/results.json. `--quick` runs
 * each timing fewer times, for development; its medians are rougher.
 * Expects the bundles and blueprints built (the projen task builds them first).
 */
// First: before any module creates an SDK client or a logger.
import './isolate';
import { measureBundles } from './bundle-load';
import { measureDeployCalls } from './deploy-calls';
import type { Figure } from './figure';
import { measureProvisioning } from './provisioning-latency';
import { printFigures, writeResults } from './results';
import { measureSynth } from './synth-time';
import { blueprintLimitFigures, stackLimitFigures } from './template-limits';
import { log } from '../demo/report';
import { startMotoServer } from '../test/harness/moto-server';

const quick = process.argv.includes('--quick');

/**
 * Runs per timing. Full: about 6 minutes on a quiet 2-core machine, most of
 * it the fresh-process synths (the 50-pipeline one takes about 10 s each).
 */
const RUNS = quick
  ? { synth: 2, synthLarge: 1, bundleLoad: 3, provisioning: 3 }
  : { synth: 7, synthLarge: 5, bundleLoad: 15, provisioning: 15 };

async function main(): Promise<void> {
  const startedAt = new Date();
  const figures: Figure[] = [];

  log(`Bundles: size, clients, cold load (${RUNS.bundleLoad} runs each) ...`);
  figures.push(...await measureBundles(RUNS.bundleLoad));

  log('Starting moto on 127.0.0.1 ...');
  const moto = await startMotoServer();
  try {
    process.env.MOTO_ENDPOINT = moto.endpoint;
    log(`Provisioning handler against moto (${RUNS.provisioning} runs each) ...`);
    figures.push(...await measureProvisioning(RUNS.provisioning));
    log('Deploy handler: SageMaker calls of a first and a second release ...');
    figures.push(...await measureDeployCalls(moto.endpoint));
  } finally {
    await moto.stop();
  }

  log(`Synth times (${RUNS.synth} fresh processes each, ${RUNS.synthLarge} at 50 pipelines) ...`);
  const synth = await measureSynth({ small: RUNS.synth, large: RUNS.synthLarge });
  figures.push(...synth.figures, ...stackLimitFigures(synth.templates), ...blueprintLimitFigures());

  printFigures(figures);
  const file = writeResults(figures, { mode: quick ? 'quick' : 'full', startedAt, runs: RUNS });
  const missed = figures.filter((f) => f.met === false);
  log(`${figures.filter((f) => f.met !== null).length} goals checked, ${missed.length} missed; results in ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
