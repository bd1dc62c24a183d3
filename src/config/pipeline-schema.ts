/**
 * The schema of a pipeline: a request (`POST /pipelines`, one entry of
 * `mlops-config.json`) and the config file. The provisioning API, the config
 * trigger, `mlops validate` and the published `mlops-config.schema.json` all
 * come from it, and ByomPipeline checks its props with the same fields.
 */
import * as z from 'zod';
import { emailAddresses } from './email-fields';
import { environment } from './environment-schema';
import { imageSchema } from './image-fields';
import { ARTIFACT_SUFFIX, KEEP_RELEASES_MAX, MAX_CONFIG_PIPELINES, MAX_ENVIRONMENTS } from './limits';
import { pipelineName } from './name-fields';
import { describe, quote } from './problems';
import { artifactKey } from './s3-key-fields';
import { boundedArray, repeatIssue, repeats, strictObject, text, wholeNumber } from './schema-parts';

/** The name of an entry of a list, when it is a string that can clash. */
function entryName(entry: unknown): string | undefined {
  const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Whether a list's length was accepted: only then are its entries compared. */
function readList(min: number, max: number) {
  return {
    when: (payload: z.core.ParsePayload): boolean => Array.isArray(payload.value) && payload.value.length >= min && payload.value.length <= max,
  };
}

/**
 * The environments: names differ, and only the last may be a batch
 * environment (the framework's blueprints run their one batch environment
 * after every endpoint). Both read the entries as given, so they are
 * reported even when an environment has other problems.
 */
const environments = boundedArray(environment, 1, MAX_ENVIRONMENTS, 'environments')
  .superRefine((entries, context) => {
    for (const { index, first } of repeats(entries.map(entryName))) {
      context.addIssue(repeatIssue([index, 'name'], 2, first, `${quote(entryName(entries[index])!)} is already the name of `));
    }
    const last = entries.length - 1;
    entries.forEach((entry, i) => {
      if (i !== last && typeof entry === 'object' && entry !== null && (entry as { batch?: unknown }).batch !== undefined) {
        context.addIssue(repeatIssue([i, 'batch'], 2, last, 'only the last environment (',
          ') may be a batch environment: a provisioned pipeline has at most one, run after all its endpoints (the shape of the framework\'s blueprints)'));
      }
    });
  }, readList(1, MAX_ENVIRONMENTS))
  .meta({
    title: 'Environments',
    description: `The environments to release to, in order (1 to ${MAX_ENVIRONMENTS}); only the last may be a batch environment.`,
    // Per array length, every environment before the last has no batch.
    allOf: Array.from({ length: MAX_ENVIRONMENTS - 1 }, (_, i) => i + 2).map((n) => ({
      if: { minItems: n, maxItems: n },
      then: { minItems: n, maxItems: n, prefixItems: [...Array.from({ length: n - 1 }, () => ({ properties: { batch: false } })), true] },
    })),
  });

/** Releases kept per environment besides the serving one: a request's `keepReleases`, ByomPipeline's. */
export const keepReleases = wholeNumber(1, KEEP_RELEASES_MAX);

/** `POST /pipelines`: create or update one pipeline. */
export const pipelineRequestSchema = strictObject({
  name: pipelineName.meta({ title: 'Name', description: 'The pipeline\'s and model\'s name: lower-case letters, digits and single hyphens.' }),
  artifact: artifactKey.meta({ title: 'Model artifact', description: `Key of the model artifact in the framework's assets bucket, ending in "${ARTIFACT_SUFFIX}".` }),
  image: imageSchema,
  environments,
  notifications: strictObject({
    emails: emailAddresses.meta({ title: 'Emails', description: 'Addresses subscribed to the pipeline\'s topic.' }).optional(),
  }).meta({ title: 'Notifications', description: 'Who hears about releases.' }).optional(),
  keepReleases: keepReleases.meta({ title: 'Releases kept', description: 'Releases kept per environment besides the serving one. Default 2.' }).optional(),
}).meta({ id: 'pipelineRequest', title: 'Pipeline request', description: 'One pipeline: a model released to each environment in order.' });

/** The only version of the config file format so far. */
export const CONFIG_FILE_VERSION = 1;

/** `mlops-config.json`: the pipelines a repository or the assets bucket's `config/` asks for. */
export const configFileSchema = strictObject({
  $schema: text().meta({ title: 'Schema', description: 'This schema\'s URL or path, for editors.' }).optional(),
  version: z.literal(CONFIG_FILE_VERSION, {
    error: (issue) => (issue.input === undefined ? 'is required'
      : `must be ${CONFIG_FILE_VERSION} (the only version of this file format), got ${typeof issue.input === 'number' ? String(issue.input) : describe(issue.input)}`),
  }).meta({ title: 'Version', description: 'The file format\'s version: 1.' }),
  // Each name is one pipeline stack: a second entry would silently overwrite the first.
  pipelines: boundedArray(pipelineRequestSchema, 1, MAX_CONFIG_PIPELINES, 'pipelines')
    .superRefine((pipelines, context) => {
      // Only pipelines without problems of their own are compared.
      const flawed = new Set(context.issues.map((issue) => issue.path?.[0]));
      const names = (pipelines as unknown[]).map((entry, i) => (flawed.has(i) ? undefined : entryName(entry)));
      for (const { index, first } of repeats(names)) {
        context.addIssue(repeatIssue([index, 'name'], 2, first, `${quote(names[index]!)} is already the name of `));
      }
    }, readList(1, MAX_CONFIG_PIPELINES))
    .meta({ title: 'Pipelines', description: `The pipelines, each with a unique name (1 to ${MAX_CONFIG_PIPELINES}).` }),
}).meta({ title: 'MLOps config', description: 'The pipelines a repository or the assets bucket\'s config/ asks the MLOps framework for.' });
