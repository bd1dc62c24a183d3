/**
 * The pipeline schema as JSON Schema (draft 2020-12), published as
 * `mlops-config.schema.json` for editor completion and checks. Generated
 * from the zod schema at build time (`npx projen config-schema`): the
 * fields' types, patterns, limits, enums and descriptions, and what the
 * schema states for editors of the rules that join fields (one kind of image,
 * the keys each kind of environment refuses, a batch environment last).
 * Rules JSON Schema cannot say (unique names, minInstances <= instanceCount,
 * the size of an environment's tests, a batch output overlapping its input)
 * are the validator's alone.
 */
import * as z from 'zod';
import { configFileSchema, pipelineRequestSchema } from './pipeline-schema';

/** A JSON Schema, as plain JSON data. */
export type JsonSchema = { [keyword: string]: unknown };

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const BASE_URL = 'https://raw.githubusercontent.com/cdk-mlops/cdk-mlops-framework/main';

/** A schema's JSON Schema, as a request's body is written (before any transform), under its own `$id`. */
function published(schema: z.ZodType, file: string): JsonSchema {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  return { $schema: DRAFT, $id: `${BASE_URL}/${file}`, ...rest };
}

/** The JSON Schema of one pipeline request (`POST /pipelines`). */
export function pipelineRequestJsonSchema(): JsonSchema {
  return published(pipelineRequestSchema, 'pipeline-request.schema.json');
}

/** The JSON Schema of `mlops-config.json`, published as `mlops-config.schema.json`. */
export function mlopsConfigJsonSchema(): JsonSchema {
  return published(configFileSchema, 'mlops-config.schema.json');
}
