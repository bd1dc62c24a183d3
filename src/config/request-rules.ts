/** A whole pipeline request (`POST /pipelines`, one entry of `mlops-config.json`). */
import { checkBatchPlacement } from './batch-rules';
import { checkEnvironment, checkUniqueEnvironmentNames } from './environment-rules';
import { checkImage } from './image-rules';
import { readArray, readInteger, readObject, readString } from './json-reader';
import { ARTIFACT_SUFFIX, EMAIL_MAX, EMAIL_PATTERN, KEEP_RELEASES_MAX, MAX_EMAILS, PIPELINE_NAME_MAX } from './limits';
import { checkName } from './names';
import { EnvironmentRequest, MAX_ENVIRONMENTS, PipelineRequest } from './pipeline-request';
import { indexPath, keyPath, ProblemList, quote } from './problem-list';
import { checkS3Key } from './s3-keys';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The keys of a request. */
export const REQUEST_KEYS = {
  required: ['name', 'artifact', 'image', 'environments'],
  optional: ['notifications', 'keepReleases'],
} as const;

function checkEmails(value: unknown, path: string, problems: ProblemList): string[] | undefined {
  const emails = readArray(value, path, problems, 0, MAX_EMAILS, 'email addresses');
  if (!emails) {
    return undefined;
  }
  const before = problems.count;
  // An address listed twice, in any letter case (mail systems ignore it), is a
  // mistake either way: a second subscription, or two resources claiming one.
  const seen = new Map<string, number>();
  const result = emails.map((email, i) => {
    const where = indexPath(path, i);
    const text = readString(email, where, problems);
    if (text === undefined) {
      return '';
    }
    if (text.length > EMAIL_MAX || !EMAIL_PATTERN.test(text)) {
      problems.add(where, `${quote(text)} is not an email address`);
      return text;
    }
    const first = seen.get(text.toLowerCase());
    if (first !== undefined) {
      problems.add(where, `${quote(text)} is already ${indexPath(path, first)}`);
    } else {
      seen.set(text.toLowerCase(), i);
    }
    return text;
  });
  return problems.count === before ? result : undefined;
}

/**
 * Checks a request at `prefix` (`''` for a request body, `pipelines[3]` in a
 * config file), adding every problem to `problems`. Returns a fresh request
 * holding only the known fields when there was none.
 */
export function checkPipelineRequest(value: unknown, prefix: string, problems: ProblemList): PipelineRequest | undefined {
  const fields = readObject(value, prefix, problems, { required: REQUEST_KEYS.required, optional: REQUEST_KEYS.optional });
  if (!fields) {
    return undefined;
  }
  const before = problems.count;
  const at = (key: string): string => keyPath(prefix, key);
  const name = 'name' in fields ? checkName(fields.name, at('name'), problems, PIPELINE_NAME_MAX) : undefined;
  const artifact = 'artifact' in fields ? checkS3Key(fields.artifact, at('artifact'), problems, ARTIFACT_SUFFIX) : undefined;
  const image = 'image' in fields ? checkImage(fields.image, at('image'), problems) : undefined;
  let environments: EnvironmentRequest[] | undefined;
  if ('environments' in fields) {
    const entries = readArray(fields.environments, at('environments'), problems, 1, MAX_ENVIRONMENTS, 'environments');
    if (entries) {
      const checked = entries.map((env, i) => checkEnvironment(env, indexPath(at('environments'), i), problems));
      environments = checked.filter((env): env is EnvironmentRequest => env !== undefined);
      checkUniqueEnvironmentNames(entries, at('environments'), problems);
      checkBatchPlacement(entries, at('environments'), problems);
    }
  }
  const result: Mutable<PipelineRequest> = { name: name!, artifact: artifact!, image: image!, environments: environments! };
  if ('notifications' in fields) {
    const notifications = readObject(fields.notifications, at('notifications'), problems, { required: [], optional: ['emails'] });
    if (notifications) {
      result.notifications = 'emails' in notifications
        ? { emails: checkEmails(notifications.emails, keyPath(at('notifications'), 'emails'), problems) }
        : {};
    }
  }
  if ('keepReleases' in fields) {
    result.keepReleases = readInteger(fields.keepReleases, at('keepReleases'), problems, 1, KEEP_RELEASES_MAX);
  }
  return problems.count === before ? result : undefined;
}
