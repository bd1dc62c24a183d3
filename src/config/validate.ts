/**
 * The entry points of the request schema, used by the provisioning handler,
 * the config trigger and the `mlops` command. Each returns every problem
 * found as `{path, message}`, or a fresh value holding only known fields.
 */
import { checkConfigFile } from './config-file';
import { MlopsConfigFile, PipelineRequest, Validated } from './pipeline-request';
import { ProblemList } from './problem-list';
import { checkPipelineRequest } from './request-rules';

export { parseJsonDocument, ParseOptions } from './json-document';
export { fromV1ProvisionRequest, fromV1StatusRequest } from './v1-request';
export { referencedObjects, ReferencedObject } from './referenced-objects';
export { environmentTestsJson } from './test-rules';

/**
 * Runs a check, turning an exception into a problem. Parsed JSON never
 * throws while being read, but in-process callers may pass values that do
 * (a getter that throws, a revoked Proxy): they get a 400-style answer, not a crash.
 */
function guarded<T>(check: (problems: ProblemList) => T | undefined): Validated<T> {
  const problems = new ProblemList();
  let value: T | undefined;
  try {
    value = check(problems);
  } catch (e) {
    problems.add('', `could not be read as JSON data: ${e instanceof Error ? e.message : String(e)}`);
  }
  return problems.count === 0 && value !== undefined ? { ok: true, value } : { ok: false, problems: problems.items };
}

/** Checks a pipeline request (`POST /pipelines`). */
export function validatePipelineRequest(input: unknown): Validated<PipelineRequest> {
  return guarded((problems) => checkPipelineRequest(input, '', problems));
}

/** Checks an `mlops-config.json` document (already parsed). */
export function validateConfigFile(input: unknown): Validated<MlopsConfigFile> {
  return guarded((problems) => checkConfigFile(input, problems));
}
