import type { BenchStackKind } from './bench-stacks';
import { tsChild } from './child';
import { CONTEXT, Figure, atMost } from './figure';
import { median, repeat, round } from './samples';

/** What the synth probe prints for one synth. */
interface Probe {
  readonly ms: number;
  readonly cpuMs: number;
  readonly heapMiB: number;
  readonly resources: number;
  readonly templateBytes: number;
}

/** A stack's template as synthesized: what the template limits are measured on. */
export interface SynthesizedTemplate {
  readonly resources: number;
  readonly templateBytes: number;
}

/** How many fresh-process synths each case gets (its median is the figure). */
export interface SynthRuns {
  readonly small: number;
  readonly large: number;
}

/** The per-pipeline synth time at 50 pipelines over that at 10: 1.0 is linear growth. */
const LINEARITY_GOAL = 1.1;

function probe(kind: BenchStackKind, count?: number): Promise<Probe> {
  return tsChild('synth-probe.ts', count === undefined ? [kind] : [kind, String(count)]) as Promise<Probe>;
}

async function timeSynth(name: string, runs: number, kind: BenchStackKind, count?: number) {
  const probes = await repeat(runs, () => probe(kind, count));
  const samples = probes.map((p) => round(p.ms));
  const cpuSamples = probes.map((p) => round(p.cpuMs));
  const figure: Figure = {
    group: 'synth',
    name,
    value: round(median(samples), 0),
    unit: 'ms',
    ...CONTEXT,
    samples,
    detail: { cpuMsSamples: cpuSamples, heapMiB: probes.map((p) => p.heapMiB) },
  };
  const template = { resources: probes[0].resources, templateBytes: probes[0].templateBytes };
  return { figure, median: median(samples), cpuMedian: median(cpuSamples), template };
}

/**
 * Synth time of a stack of 1, 10 and 50 three-environment pipelines, the
 * per-pipeline ratio between 50 and 10, the time of the example's pipeline
 * with drift detection and a batch environment, and of the framework stack.
 * Each synth runs in a fresh process (see synth-probe.ts for why).
 */
export async function measureSynth(runs: SynthRuns): Promise<{ figures: Figure[]; templates: Record<'pipeline' | 'churn' | 'framework', SynthesizedTemplate> }> {
  const one = await timeSynth('1 pipeline x 3 environments', runs.small, 'pipelines', 1);
  const ten = await timeSynth('10 pipelines x 3 environments', runs.small, 'pipelines', 10);
  const fifty = await timeSynth('50 pipelines x 3 environments', runs.large, 'pipelines', 50);
  const perPipelineAt10 = ten.median / 10;
  const perPipelineAt50 = fifty.median / 50;
  const ratio = round(perPipelineAt50 / perPipelineAt10, 3);
  // The same ratio in CPU time: close to the wall-time one on a quiet
  // machine, and much steadier than it while other processes compete for the CPU.
  const cpuRatio = round((fifty.cpuMedian / 50) / (ten.cpuMedian / 10), 3);
  const churn = await timeSynth('pipeline with drift detection and a batch environment (examples/ ChurnModel)', runs.small, 'churn');
  const framework = await timeSynth('MlopsFramework stack (examples/ MlopsPlatform)', runs.small, 'framework');
  return {
    figures: [
      one.figure,
      ten.figure,
      fifty.figure,
      {
        group: 'synth',
        name: 'per-pipeline synth time at 50 / at 10',
        value: ratio,
        unit: 'x',
        ...atMost(LINEARITY_GOAL, ratio),
        detail: { perPipelineMsAt10: round(perPipelineAt10), perPipelineMsAt50: round(perPipelineAt50) },
      },
      { group: 'synth', name: 'per-pipeline synth CPU time at 50 / at 10', value: cpuRatio, unit: 'x', ...CONTEXT },
      churn.figure,
      framework.figure,
    ],
    templates: { pipeline: one.template, churn: churn.template, framework: framework.template },
  };
}
