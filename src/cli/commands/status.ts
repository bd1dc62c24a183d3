import { PipelineStatus } from '../api-types';
import { EXIT_OK } from '../cli-errors';
import { Command } from '../command';
import { renderStatus } from '../status-view';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show a pipeline\'s stack, stages and environments',
  usage: 'mlops status <name> --api <url>',
  description: 'Shows one pipeline (GET /pipelines/{name}): its stack\'s status, the state of each stage of the latest execution, '
    + 'and each environment\'s endpoint status and inference URL. Exits 0 whenever the API answers, whatever the pipeline\'s state.',
  positionals: ['name'],
  options: {},
  usesApi: true,
  async run({ io, json, api, args }) {
    const name = args.positionals[0];
    const status = await api().request<PipelineStatus>('GET', `/pipelines/${encodeURIComponent(name)}`);
    io.stdout.write(json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
    return EXIT_OK;
  },
};
