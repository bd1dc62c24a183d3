import { readFile } from 'node:fs/promises';
import { CliFailure } from './cli-errors';
import { MlopsConfigFile, PipelineRequest, Problem } from '../config/pipeline-request';
import { utf8Text } from '../config/utf8-text';
import { parseJsonDocument, validateConfigFile, validatePipelineRequest } from '../config/validate';

/** A file `mlops validate` and `mlops provision` accept, checked. */
export type CheckedFile =
  | { readonly ok: true; readonly kind: 'config' | 'request'; readonly pipelines: PipelineRequest[] }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Reads and validates an `mlops-config.json` or a single pipeline request (the
 * body of `POST /pipelines`), with the same rules as the API. A JSON object
 * with `version` or `pipelines` is a config file; any other, a request.
 */
export async function checkRequestFile(file: string): Promise<CheckedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    throw new CliFailure(`cannot read ${file}: ${reason}`);
  }
  // As the config trigger reads it: a file that is not UTF-8 is refused, not read with replacement characters.
  const text = utf8Text(bytes);
  if (text === undefined) {
    return { ok: false, problems: [{ path: '', message: 'is not UTF-8 text' }] };
  }
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) return parsed;
  if (isConfigFile(parsed.value)) {
    const config = validateConfigFile(parsed.value);
    return config.ok ? { ok: true, kind: 'config', pipelines: pipelinesOf(config.value) } : config;
  }
  const request = validatePipelineRequest(parsed.value);
  return request.ok ? { ok: true, kind: 'request', pipelines: [request.value] } : request;
}

function isConfigFile(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('version' in value || 'pipelines' in value);
}

function pipelinesOf(config: MlopsConfigFile): PipelineRequest[] {
  return [...config.pipelines];
}

/** `<file>: <path>: <message>`, one line per problem (a problem of the whole document has no path). */
export function formatProblems(file: string, problems: readonly Problem[]): string {
  return problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`).join('');
}
