import { PipelineStatus } from './api-types';
import { orDash, table } from './format';

/** `GET /pipelines/{name}` for a person: the stack, the latest execution, each stage, each environment. */
export function renderStatus(status: PipelineStatus): string {
  let out = `${status.name}\n`;
  out += table([
    ['Stack:', orDash(status.stackName), orDash(status.stackStatus)],
    ['Execution:', ...executionCells(status)],
  ], '  ');
  if (status.stackStatusReason) out += `  Reason:     ${status.stackStatusReason}\n`;
  const stages = status.pipeline?.stages ?? [];
  if (stages.length > 0) {
    out += '  Stages:\n';
    out += table(stages.map((s) => [s.name, orDash(s.status), orDash(s.updatedAt), s.message ?? '']), '    ');
  }
  const environments = status.environments ?? [];
  if (environments.length > 0) {
    out += '  Environments:\n';
    out += table(environments.map((e) => (e.kind === 'batch'
      ? [e.name, 'batch', '-', e.outputUri ? `releases write under ${e.outputUri}` : '-']
      : [e.name, orDash(e.endpointName), orDash(e.endpointStatus), e.inferenceUrl ?? 'not shared yet'])), '    ');
  }
  return out;
}

function executionCells(status: PipelineStatus): string[] {
  if (!status.pipeline) return ['-', 'no pipeline yet'];
  const execution = status.pipeline.latestExecution;
  return execution ? [execution.id, execution.status] : ['-', 'not run yet'];
}
