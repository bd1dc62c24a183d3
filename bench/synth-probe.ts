/**
 * Child process of the synth benchmark: synthesizes one stack and prints
 * `{ ms, cpuMs, heapMiB, resources, templateBytes }` as JSON. Usage: synth-probe.ts <kind> [count].
 *
 * Why a fresh process per sample and a warm-up inside it: every sample starts
 * from the same state (no constructs, assets or garbage of a previous sample
 * on the heap), and the timed synth is not charged with what any app pays
 * once per process whatever its size: loading aws-cdk-lib, compiling its hot
 * paths, fingerprinting the bundled handler assets. Those one-off costs would
 * weigh ten times more per pipeline at 10 pipelines than at 50 and hide how
 * the synth itself grows. The warm-up synthesizes a one-pipeline app of its own.
 */
import { mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BENCH_STACKS, BenchStackKind, ThreeEnvironmentPipelinesStack } from './bench-stacks';
import { msSince } from './samples';
import { exampleApp } from '../examples/app';

const [kind, countArg] = process.argv.slice(2) as [BenchStackKind, string | undefined];
const count = Number(countArg ?? '1');
if (!(kind in BENCH_STACKS)) {
  throw new Error(`unknown stack kind ${kind}: one of ${Object.keys(BENCH_STACKS).join(', ')}`);
}

const workdir = mkdtempSync(path.join(tmpdir(), 'mlops-bench-synth-'));
try {
  const warmup = exampleApp(path.join(workdir, 'warmup'));
  new ThreeEnvironmentPipelinesStack(warmup, 'Warmup', 1);
  warmup.synth();

  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const app = exampleApp(path.join(workdir, 'measured'));
  // 10 and 50 pipelines are far more than one deployable stack holds (about
  // 120 resources each, against CloudFormation's 500): the CDK's own check is
  // lifted so the synth can grow to that size and show how its time grows.
  app.node.setContext('@aws-cdk/core:stackResourceLimit', 0);
  const stack = BENCH_STACKS[kind](app, count);
  const assembly = app.synth();
  const ms = msSince(start);
  // CPU time as well: on a busy machine it grows less than wall time with the load of other processes.
  const cpu = process.cpuUsage(cpuStart);

  const artifact = assembly.getStackByName(stack.stackName);
  console.log(JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    resources: Object.keys(artifact.template.Resources ?? {}).length,
    // The file the CDK CLI uploads, as written (CloudFormation's limit is on it).
    templateBytes: statSync(artifact.templateFullPath).size,
  }));
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
