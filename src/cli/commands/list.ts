import { PipelineList } from '../api-types';
import { EXIT_OK } from '../cli-errors';
import { Command } from '../command';
import { orDash, table } from '../format';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the pipelines the framework has provisioned',
  usage: 'mlops list --api <url>',
  description: 'Lists every pipeline provisioned through the API (GET /pipelines) with its stack\'s status.',
  positionals: [],
  options: {},
  usesApi: true,
  async run({ io, json, api }) {
    const answer = await api().request<PipelineList>('GET', '/pipelines');
    if (json) {
      io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      return EXIT_OK;
    }
    const pipelines = Array.isArray(answer.pipelines) ? answer.pipelines : [];
    if (pipelines.length === 0) {
      io.stdout.write('No pipelines yet.\n');
      return EXIT_OK;
    }
    const rows = [...pipelines]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((p) => [p.name, orDash(p.stackStatus), orDash(p.updatedAt), orDash(p.stackName)]);
    io.stdout.write(table([['NAME', 'STACK STATUS', 'UPDATED', 'STACK'], ...rows]));
    return EXIT_OK;
  },
};
