import type { ConfigResult, PipelineResult } from './apply-config';
import { ConfigLocation, describeLocation, shortLocation } from './config-location';
import type { ProvisionOutcome } from '../provisioning/provision-pipeline';
import type { Problem } from '../provisioning/request-schema';

/** SNS refuses longer subjects. */
export const MAX_SUBJECT = 100;
/**
 * SNS takes 256 KB; the body stays well under it (in UTF-8, a character
 * can take 4 bytes) and says how much was left out. The whole list is in
 * the trigger's log.
 */
export const MAX_MESSAGE_CHARS = 60_000;

/** The one message a config file's result is told in. */
export interface ConfigReport {
  readonly subject: string;
  readonly message: string;
  /** False when anything was rejected or refused: CodePipeline fails the job. */
  readonly succeeded: boolean;
  /** One line for the log and a CodePipeline success summary. */
  readonly summary: string;
}

/** Counts of an applied file's pipelines by what became of them. */
export interface AppliedCounts {
  readonly started: number;
  readonly unchanged: number;
  readonly refused: number;
}

export function countsOf(pipelines: readonly PipelineResult[]): AppliedCounts {
  let started = 0;
  let unchanged = 0;
  for (const result of pipelines) {
    if ('outcome' in result && result.outcome.kind === 'started') started++;
    if ('outcome' in result && result.outcome.kind === 'unchanged') unchanged++;
  }
  return { started, unchanged, refused: pipelines.length - started - unchanged };
}

/** A problem as the report lists it: the document itself is "(file)". */
export function problemLine(problem: Problem): string {
  return `${problem.path === '' ? '(file)' : problem.path}: ${problem.message}`;
}

/** The report of a config file's result. */
export function configReport(location: ConfigLocation, result: ConfigResult): ConfigReport {
  const where = describeLocation(location);
  const short = shortLocation(location);
  if (result.kind === 'rejected') {
    const count = result.problems.length;
    const summary = `${where} was rejected (${count} ${plural(count, 'problem')}); nothing was provisioned`;
    const lines = [
      `The config file ${where} was rejected. Nothing was provisioned, not even the pipelines in it that are valid.`,
      '',
      `${count} ${plural(count, 'problem')}:`,
      ...result.problems.map((p) => `- ${problemLine(p)}`),
      '',
      'Fix the file and upload (or push) it again.',
    ];
    return { subject: subjectLine(`MLOps config rejected: ${short}`), message: capped(lines), succeeded: false, summary };
  }
  const counts = countsOf(result.pipelines);
  const summary = `${where}: ${counts.started} started, ${counts.unchanged} unchanged, ${counts.refused} refused`;
  const lines = [
    `The config file ${where} was applied: ${counts.started} ${plural(counts.started, 'pipeline')} started, ${counts.unchanged} unchanged, ${counts.refused} refused.`,
  ];
  const section = (title: string, matching: PipelineResult[]) => {
    if (matching.length > 0) {
      lines.push('', `${title}:`, ...matching.flatMap(pipelineLines));
    }
  };
  const kind = (r: PipelineResult) => ('outcome' in r ? r.outcome.kind : 'failed');
  section('Started', result.pipelines.filter((r) => kind(r) === 'started'));
  section('Unchanged', result.pipelines.filter((r) => kind(r) === 'unchanged'));
  section('Refused (nothing was created or changed for these)', result.pipelines.filter((r) => kind(r) !== 'started' && kind(r) !== 'unchanged'));
  if (counts.refused > 0) {
    lines.push('', 'Applying the same file again is safe: pipelines already started or unchanged stay as they are.');
  }
  const subject = counts.refused === 0
    ? `MLOps config applied: ${short}`
    : counts.refused === result.pipelines.length
      ? `MLOps config not applied (${counts.refused} refused): ${short}`
      : `MLOps config partly applied (${counts.refused} refused): ${short}`;
  return { subject: subjectLine(subject), message: capped(lines), succeeded: counts.refused === 0, summary };
}

function pipelineLines(result: PipelineResult): string[] {
  const at = `pipelines[${result.index}]`;
  if (!('outcome' in result)) {
    return [`- ${result.name} (${at}): failed: ${result.failed}`];
  }
  const outcome: ProvisionOutcome = result.outcome;
  switch (outcome.kind) {
    case 'started':
      return [`- ${outcome.name}: ${outcome.status} (stack ${outcome.stackName})`];
    case 'unchanged':
      return [`- ${outcome.name}: already as asked (stack ${outcome.stackName})`];
    case 'conflict':
      return [`- ${outcome.name} (${at}): ${outcome.message}`];
    case 'missing-objects':
      return [`- ${outcome.name} (${at}): objects it names are not in the assets bucket; upload them first`, ...nested(at, outcome.problems)];
    default:
      return [`- ${outcome.name} (${at}): cannot be provisioned in this framework's region`, ...nested(at, outcome.problems)];
  }
}

/** The provisioning core's problems are paths in one request; in the file they are under `pipelines[i]`. */
function nested(at: string, problems: Problem[]): string[] {
  return problems.map((p) => `  - ${problemLine({ path: p.path === '' ? at : `${at}.${p.path}`, message: p.message })}`);
}

/**
 * SNS subjects are at most 100 printable ASCII characters on one line; an
 * object key may hold anything, so the rest is replaced, and a long subject
 * is cut with an ellipsis.
 */
export function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3)}...`;
}

function capped(lines: string[]): string {
  const kept: string[] = [];
  let length = 0;
  for (const [i, line] of lines.entries()) {
    if (length + line.length + 1 > MAX_MESSAGE_CHARS) {
      kept.push(`... ${lines.length - i} more lines left out; the trigger's log has them all.`);
      break;
    }
    kept.push(line);
    length += line.length + 1;
  }
  return kept.join('\n');
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
