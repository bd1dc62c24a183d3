/**
 * Pipeline and environment names, from which stack, bucket, endpoint and API
 * names are derived: the rule of a request's `name` and of ByomPipeline's `modelName`.
 */
import * as z from 'zod';
import { ENVIRONMENT_NAME_MAX, NAME_PATTERN, PIPELINE_NAME_MAX } from './limits';
import { quote } from './problems';
import { expected, ifClean } from './schema-parts';

/** A name of 1 to `max` characters matching {@link NAME_PATTERN}; the length is checked first, so the pattern never runs over a huge string. */
function nameSchema(max: number) {
  const length = (issue: { input?: unknown }): string => `must be 1 to ${max} characters, got ${(issue.input as string).length}`;
  return z.string({ error: expected('a name (a string)') })
    .min(1, { error: length, ...ifClean })
    .max(max, { error: length, ...ifClean })
    .regex(NAME_PATTERN, {
      error: (issue) => `${quote(issue.input as string)} may hold lower-case letters, digits and single hyphens only, starting and ending with a letter or digit`,
      ...ifClean,
    });
}

/** A pipeline's name: a request's `name`, a v1.0 `model_name`, ByomPipeline's `modelName`. */
export const pipelineName = nameSchema(PIPELINE_NAME_MAX);

/** An environment's name. */
export const environmentName = nameSchema(ENVIRONMENT_NAME_MAX);
