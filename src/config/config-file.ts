/** `mlops-config.json`: the pipelines a repository (or the assets bucket's `config/`) asks for. */
import { readArray, readObject, readString } from './json-reader';
import { MAX_CONFIG_PIPELINES } from './limits';
import { MlopsConfigFile, PipelineRequest } from './pipeline-request';
import { describe, indexPath, keyPath, ProblemList, quote } from './problem-list';
import { checkPipelineRequest } from './request-rules';

/** The only version of the file format so far. */
export const CONFIG_FILE_VERSION = 1;

/** Checks a config file, each pipeline with the prefix `pipelines[i].`. */
export function checkConfigFile(value: unknown, problems: ProblemList): MlopsConfigFile | undefined {
  const fields = readObject(value, '', problems, { required: ['version', 'pipelines'], optional: ['$schema'] });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const schema = '$schema' in fields ? readString(fields.$schema, '$schema', problems) : undefined;
  if ('version' in fields && fields.version !== CONFIG_FILE_VERSION) {
    const got = typeof fields.version === 'number' ? String(fields.version) : describe(fields.version);
    problems.add('version', `must be ${CONFIG_FILE_VERSION} (the only version of this file format), got ${got}`);
  }
  let pipelines: PipelineRequest[] | undefined;
  if ('pipelines' in fields) {
    const entries = readArray(fields.pipelines, 'pipelines', problems, 1, MAX_CONFIG_PIPELINES, 'pipelines');
    if (entries) {
      pipelines = entries.map((entry, i) => checkPipelineRequest(entry, indexPath('pipelines', i), problems)!);
      // Each name is one pipeline stack: a second entry would silently overwrite the first.
      const seen = new Map<string, number>();
      pipelines.forEach((pipeline, i) => {
        if (!pipeline) return;
        const first = seen.get(pipeline.name);
        if (first !== undefined) {
          problems.add(keyPath(indexPath('pipelines', i), 'name'), `${quote(pipeline.name)} is already the name of pipelines[${first}]`);
        } else {
          seen.set(pipeline.name, i);
        }
      });
    }
  }
  if (problems.count !== before) {
    return undefined;
  }
  return schema === undefined
    ? { version: CONFIG_FILE_VERSION, pipelines: pipelines! }
    : { $schema: schema, version: CONFIG_FILE_VERSION, pipelines: pipelines! };
}
