/**
 * S3 object keys and key prefixes a pipeline points at (the model artifact,
 * a container source, a baseline dataset, a batch environment's input and
 * output). S3 itself accepts almost anything; these rules refuse what breaks
 * later or is a sign of trouble: a leading "/", empty segments ("//") and
 * "."/".." segments, percent-encoded or not (keys that look like paths but
 * resolve to something else in tools that treat them as paths or decode
 * them, as S3 event notifications invite), control characters and
 * backslashes (which survive neither CloudFormation parameters nor
 * copy-paste), invisible and text-direction characters (a key that reads
 * as another in a console or an email), keys under the config trigger's
 * `config/` prefix, and more than S3's 1024 bytes.
 */
import * as z from 'zod';
import type { core } from 'zod';
import { ARTIFACT_SUFFIX, CONFIG_PREFIX, CONTAINER_SOURCE_SUFFIX, S3_KEY_MAX_BYTES } from './limits';
import { quote } from './problems';
import { expected, ifClean } from './schema-parts';

/** A lone UTF-16 surrogate has no UTF-8 form, so it cannot be part of a key. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The UTF-8 length of a string without lone surrogates. */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * The rules below judge a key only once it is a string of 1 to 1024
 * characters with a UTF-8 form (the checks marked `gate` have passed); they
 * are independent of one another, so a key breaking two hears of both.
 */
const GATE = { gate: true };
const afterGate = {
  when: (payload: core.ParsePayload): boolean => payload.issues.every((issue) => issue.code === 'invalid_format'
    || (issue.code === 'custom' && (issue as { params?: { gate?: boolean } }).params?.gate !== true)),
};

/** A rule as a pattern (published in the JSON Schema) and what a key breaking it is told. */
function rule(pattern: RegExp, what: string) {
  return [pattern, { error: (issue: { input?: unknown }) => `${quote(issue.input as string)} ${what}`, ...afterGate }] as const;
}

const RULES = [
  rule(/^(?!\/)/, 'must not start with "/" (S3 keys are relative to the bucket)'),
  // A "." or ".." segment, written plainly or percent-encoded ("%2e").
  rule(/^(?!(?:[\s\S]*\/)?(?:\.|%2[eE]){1,2}(?:\/|$))/, 'must not have "." or ".." segments (nor "%2e" for a dot)'),
  // A prefix may end with "/" (an empty last segment); no other segment may be empty.
  rule(/^(?![\s\S]*\/\/)/, 'must not have empty segments ("//")'),
  // C0 and C1 control characters, DEL, and the backslash.
  rule(/^[^\u0000-\u001f\u007f-\u009f\\]*$/, 'must not hold control characters or backslashes'),
  // Characters that show as nothing or reorder the text around them: zero-width spaces and joiners,
  // direction marks, embeddings, overrides and isolates, the word joiner and invisible operators,
  // line and paragraph separators, and the byte order mark.
  rule(/^[^\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$/,
    'must not hold invisible or text-direction characters (zero-width, bidirectional controls, byte order marks)'),
  rule(new RegExp(`^(?!${CONFIG_PREFIX})`), `is under ${quote(CONFIG_PREFIX)}, where the config trigger reads config files: choose another prefix`),
] as const;

/** An S3 key (or key prefix), ending in `suffix` when one is given. */
function s3Key(suffix?: string) {
  const key = RULES.reduce((schema, [pattern, params]) => schema.regex(pattern, params), z.string({ error: expected('an S3 object key (a string)') })
    .min(1, { error: 'must be an S3 object key, got an empty string', ...ifClean })
    // Checked before anything scans the string: a huge one is refused by its length alone.
    .max(S3_KEY_MAX_BYTES, { error: (issue) => `must be at most ${S3_KEY_MAX_BYTES} bytes (S3's limit), got ${(issue.input as string).length} characters`, ...ifClean })
    .refine((value) => !LONE_SURROGATE.test(value), {
      error: (issue) => `${quote(issue.input as string)} holds a lone UTF-16 surrogate, which has no UTF-8 form`,
      params: GATE,
      ...ifClean,
    })
    .refine((value) => utf8Length(value) <= S3_KEY_MAX_BYTES, {
      error: (issue) => `must be at most ${S3_KEY_MAX_BYTES} bytes of UTF-8 (S3's limit), got ${utf8Length(issue.input as string)}`,
      ...afterGate,
    }));
  if (suffix === undefined) {
    return key;
  }
  return key.regex(new RegExp(`${suffix.replace(/\./g, '\\.')}$`), { error: (issue) => `${quote(issue.input as string)} must end in "${suffix}"`, ...afterGate });
}

/** Any key or key prefix: a baseline dataset, a batch environment's input. */
export const s3ObjectKey = s3Key();

/** A model artifact: a gzipped tarball, as SageMaker reads it. */
export const artifactKey = s3Key(ARTIFACT_SUFFIX);

/** A container source: a zip with a Dockerfile, as CodeBuild reads it. */
export const containerSourceKey = s3Key(CONTAINER_SOURCE_SUFFIX);

/** Where a batch environment writes: a prefix ending in "/", each release writing a folder under it. */
export const outputPrefix = s3Key().regex(/\/$/, {
  error: (issue) => `${quote(issue.input as string)} must end with "/" (each release writes a folder under it)`,
  ...ifClean,
});
