/**
 * S3 object keys a request points at (the model artifact, a container
 * source). S3 itself accepts almost anything; these rules refuse what breaks
 * later or is a sign of trouble: a leading "/", empty segments ("//") and
 * "."/".." segments, percent-encoded or not (keys that look like paths but
 * resolve to something else in tools that treat them as paths or decode
 * them, as S3 event notifications invite), control characters and
 * backslashes (which survive neither CloudFormation parameters nor
 * copy-paste), invisible and text-direction characters (a key that reads
 * as another in a console or an email), keys under the config trigger's
 * `config/` prefix, and more than S3's 1024 bytes.
 */
import { CONFIG_PREFIX, S3_KEY_MAX_BYTES } from './limits';
import { describe, ProblemList, quote } from './problem-list';

/** Characters refused anywhere in a key: C0 and C1 control characters, DEL, and the backslash. */
const REFUSED_CHARACTER = /[\u0000-\u001f\u007f-\u009f\\]/;
/**
 * Characters that show as nothing or reorder the text around them:
 * zero-width spaces and joiners, direction marks, embeddings, overrides and
 * isolates, the word joiner and invisible operators, line and paragraph
 * separators, and the byte order mark.
 */
const INVISIBLE_CHARACTER = /[\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** A "." or ".." segment, written plainly or percent-encoded ("%2e"). */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;
/** A lone UTF-16 surrogate has no UTF-8 form, so it cannot be part of a key. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The UTF-8 length of a string without lone surrogates. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/**
 * Checks that `value` is a key as described above, ending in `suffix`
 * (`.tar.gz`, `.zip`) when one is given. Returns the key when it is valid.
 */
export function checkS3Key(value: unknown, path: string, problems: ProblemList, suffix?: string): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be an S3 object key (a string), got ${describe(value)}`);
    return undefined;
  }
  const before = problems.count;
  if (value.length === 0) {
    problems.add(path, 'must be an S3 object key, got an empty string');
    return undefined;
  }
  // Checked first and on its own: the rules below then never scan a huge string.
  if (value.length > S3_KEY_MAX_BYTES) {
    problems.add(path, `must be at most ${S3_KEY_MAX_BYTES} bytes (S3's limit), got ${value.length} characters`);
    return undefined;
  }
  if (LONE_SURROGATE.test(value)) {
    problems.add(path, `${quote(value)} holds a lone UTF-16 surrogate, which has no UTF-8 form`);
    return undefined;
  }
  const bytes = utf8Length(value);
  if (bytes > S3_KEY_MAX_BYTES) {
    problems.add(path, `must be at most ${S3_KEY_MAX_BYTES} bytes of UTF-8 (S3's limit), got ${bytes}`);
  }
  if (value.startsWith('/')) {
    problems.add(path, `${quote(value)} must not start with "/" (S3 keys are relative to the bucket)`);
  }
  if (value.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
    problems.add(path, `${quote(value)} must not have "." or ".." segments (nor "%2e" for a dot)`);
  }
  // A prefix may end with "/" (an empty last segment); no other segment may be empty.
  if (value.includes('//')) {
    problems.add(path, `${quote(value)} must not have empty segments ("//")`);
  }
  if (REFUSED_CHARACTER.test(value)) {
    problems.add(path, `${quote(value)} must not hold control characters or backslashes`);
  }
  if (INVISIBLE_CHARACTER.test(value)) {
    problems.add(path, `${quote(value)} must not hold invisible or text-direction characters (zero-width, bidirectional controls, byte order marks)`);
  }
  if (value.startsWith(CONFIG_PREFIX)) {
    problems.add(path, `${quote(value)} is under ${quote(CONFIG_PREFIX)}, where the config trigger reads config files: choose another prefix`);
  }
  if (suffix !== undefined && !value.endsWith(suffix)) {
    problems.add(path, `${quote(value)} must end in "${suffix}"`);
  }
  return problems.count === before ? value : undefined;
}
