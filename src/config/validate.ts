/**
 * The entry points of the pipeline schema, used by the provisioning handler,
 * the config trigger and the `mlops` command. Each returns every problem
 * found as `{path, message}`, or a fresh value holding only known fields.
 */
import type * as z from 'zod';
import type { MlopsConfigFile, PipelineRequest } from './pipeline-request';
import { configFileSchema, pipelineRequestSchema } from './pipeline-schema';
import { problemsOf, Validated } from './problems';
import { v1ProvisionSchema, v1StatusSchema } from './v1-request';

export { parseJsonDocument, ParseOptions } from './json-document';
export { referencedObjects, ReferencedObject } from './referenced-objects';
export { environmentTestsJson } from './test-fields';

/**
 * Checks a value against a schema. Parsed JSON never throws while being
 * read, but in-process callers may pass values that do (a getter that throws,
 * a revoked Proxy): they get a 400-style answer, not a crash.
 */
function validated<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
  try {
    const result = schema.safeParse(input);
    return result.success ? { ok: true, value: result.data } : { ok: false, problems: problemsOf(result.error.issues) };
  } catch (e) {
    return { ok: false, problems: [{ path: '', message: `could not be read as JSON data: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

/** Checks a pipeline request (`POST /pipelines`). */
export function validatePipelineRequest(input: unknown): Validated<PipelineRequest> {
  return validated(pipelineRequestSchema, input);
}

/** Checks an `mlops-config.json` document (already parsed). */
export function validateConfigFile(input: unknown): Validated<MlopsConfigFile> {
  return validated(configFileSchema, input);
}

/** Checks a v1.0 provisioning body and maps it onto a request; problems name the v1 keys. */
export function fromV1ProvisionRequest(input: unknown): Validated<PipelineRequest> {
  return validated(v1ProvisionSchema, input);
}

/** Checks a v1.0 status body: `{"pipeline_id": "<stack ARN or stack name>"}`. */
export function fromV1StatusRequest(input: unknown): Validated<{ pipelineId: string }> {
  return validated(v1StatusSchema, input);
}
