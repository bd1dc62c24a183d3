import { writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Figure } from './figure';
import { table } from '../demo/report';

/** The machine a run measured on: the figures mean little without it. */
function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    // Other work on the machine while the bench ran makes its timings slower.
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function formatValue(figure: Figure): string {
  return `${figure.value} ${figure.unit}`;
}

function verdict(figure: Figure): string {
  if (figure.met === null) return '';
  return figure.met ? 'met' : 'MISSED';
}

/** Prints the figures as one table per group. */
export function printFigures(figures: readonly Figure[]): void {
  for (const group of [...new Set(figures.map((f) => f.group))]) {
    console.log(`\n${group}`);
    table([['figure', 'value', 'goal', ''], ...figures.filter((f) => f.group === group).map((f) => [f.name, formatValue(f), f.goal ?? '', verdict(f)])]);
  }
}

/** Writes bench/results.json: the machine, the run's settings, and every figure with its samples. */
export function writeResults(figures: readonly Figure[], run: { mode: string; startedAt: Date; runs: Record<string, number> }): string {
  const file = path.join(__dirname, 'results.json');
  const missed = figures.filter((f) => f.met === false).map((f) => f.name);
  const results = {
    date: run.startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - run.startedAt.getTime()) / 1000),
    mode: run.mode,
    runs: run.runs,
    machine: machine(),
    goals: { checked: figures.filter((f) => f.met !== null).length, missed },
    figures,
  };
  writeFileSync(file, JSON.stringify(results, undefined, 2) + '\n');
  return file;
}
