import { PipelineRequest } from '../../config/pipeline-request';
import { EXIT_FAILURE, EXIT_OK } from '../cli-errors';
import { Command } from '../command';
import { plural, table } from '../format';
import { checkRequestFile, formatProblems } from '../request-file';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check an mlops-config.json or a pipeline request, offline',
  usage: 'mlops validate <file>',
  description: 'Checks <file>, an mlops-config.json ({"version": 1, "pipelines": [...]}) or one pipeline request '
    + '(the body of POST /pipelines), with the rules the provisioning API applies, without calling AWS. '
    + 'Prints each problem as <file>: <path>: <message> and exits 1 if there is any. '
    + 'The API also checks that the artifact and container keys exist in the assets bucket; this command cannot.',
  positionals: ['file'],
  options: {},
  usesApi: false,
  async run({ io, json, args }) {
    const file = args.positionals[0];
    const checked = await checkRequestFile(file);
    if (!checked.ok) {
      if (json) io.stdout.write(`${JSON.stringify({ valid: false, problems: checked.problems }, null, 2)}\n`);
      io.stderr.write(formatProblems(file, checked.problems));
      io.stderr.write(`${file}: ${plural(checked.problems.length, 'problem')}\n`);
      return EXIT_FAILURE;
    }
    if (json) {
      const pipelines = checked.pipelines.map((p) => ({ name: p.name, environments: p.environments.map((e) => e.name) }));
      io.stdout.write(`${JSON.stringify({ valid: true, kind: checked.kind, pipelines, problems: [] }, null, 2)}\n`);
      return EXIT_OK;
    }
    const environments = checked.pipelines.reduce((n, p) => n + p.environments.length, 0);
    const what = checked.kind === 'config' ? 'config file' : 'pipeline request';
    io.stdout.write(`${file}: valid ${what}: ${plural(checked.pipelines.length, 'pipeline')}, ${plural(environments, 'environment')}\n`);
    io.stdout.write(table(checked.pipelines.map((p) => [p.name, releaseOrder(p)]), '  '));
    return EXIT_OK;
  },
};

/** `dev -> staging -> (approval) prod` */
function releaseOrder(pipeline: PipelineRequest): string {
  return pipeline.environments.map((e) => (e.approval ? `(approval) ${e.name}` : e.name)).join(' -> ');
}
