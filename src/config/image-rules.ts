/**
 * The `image` of a request: exactly one of a built-in framework (with a
 * version the framework catalog knows), a container source zip the pipeline
 * builds, or a ready image in ECR.
 */
import { readObject, readString } from './json-reader';
import { CONTAINER_SOURCE_SUFFIX, IMAGE_URI_MAX } from './limits';
import { ImageRequest } from './pipeline-request';
import { describe, keyPath, ProblemList, quote } from './problem-list';
import { checkS3Key } from './s3-keys';
import { knownFrameworks, knownFrameworkVersions } from '../catalog/framework-catalog';

/** The three kinds, by the keys that select them. */
const KINDS: ReadonlyArray<{ readonly keys: readonly string[]; readonly label: string }> = [
  { keys: ['framework', 'version'], label: 'framework + version' },
  { keys: ['containerSource'], label: 'containerSource' },
  { keys: ['uri'], label: 'uri' },
];

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@sha256:digest]`.
 * The repository and tag rules are ECR's; SageMaker pulls only from ECR.
 */
export const ECR_IMAGE_URI = new RegExp([
  '^\\d{12}\\.dkr\\.ecr\\.[a-z]{2}(-[a-z]+)+-\\d+\\.amazonaws\\.com(\\.cn)?',
  '/(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*',
  '(:[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})?$',
].join(''));

/**
 * The registry account, region and repository of an ECR image URI, or
 * undefined when it is not one. (The pattern above has no named groups: it
 * is published in the JSON Schema, whose other readers, such as Python's
 * `re`, write them differently.)
 */
export function parseEcrImageUri(uri: string): { account: string; region: string; repository: string } | undefined {
  if (!ECR_IMAGE_URI.test(uri)) {
    return undefined;
  }
  const [host, ...path] = uri.split('/');
  const [account, , , region] = host.split('.');
  return { account, region, repository: path.join('/').split(/[:@]/)[0] };
}

/** How many known versions a message lists before "…". */
const VERSIONS_SHOWN = 6;

/** Checks a framework id and version, reporting at the two paths given (the v1 request has its own). */
export function checkFramework(
  framework: unknown, version: unknown, frameworkPath: string, versionPath: string, problems: ProblemList,
): { framework: string; version: string } | undefined {
  const id = readString(framework, frameworkPath, problems);
  const text = readString(version, versionPath, problems);
  if (id === undefined) {
    return undefined;
  }
  if (!knownFrameworks().includes(id)) {
    problems.add(frameworkPath, `${quote(id)} is not a known framework (known: ${knownFrameworks().join(', ')})`);
    return undefined;
  }
  if (text === undefined) {
    return undefined;
  }
  const versions = knownFrameworkVersions(id);
  if (!versions.includes(text)) {
    const newest = versions.slice(-VERSIONS_SHOWN).reverse();
    const more = versions.length > VERSIONS_SHOWN ? ', …' : '';
    problems.add(versionPath, `${quote(text)} is not a known ${id} version (known: ${newest.join(', ')}${more})`);
    return undefined;
  }
  return { framework: id, version: text };
}

/** Checks an ECR image URI. */
export function checkImageUri(value: unknown, path: string, problems: ProblemList): string | undefined {
  if (typeof value !== 'string') {
    problems.add(path, `must be an ECR image URI (a string), got ${describe(value)}`);
    return undefined;
  }
  if (value.length > IMAGE_URI_MAX || !ECR_IMAGE_URI.test(value)) {
    problems.add(path, `${quote(value)} is not an ECR image URI like "123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:3" `
      + '(lower-case repository, then an optional ":tag" or "@sha256:<64 hex digits>")');
    return undefined;
  }
  return value;
}

/** Checks `image`; returns a fresh ImageRequest of the one kind it names. */
export function checkImage(value: unknown, path: string, problems: ProblemList): ImageRequest | undefined {
  const fields = readObject(value, path, problems, { required: [], optional: KINDS.flatMap((k) => k.keys) });
  if (!fields) {
    return undefined;
  }
  const present = KINDS.filter((kind) => kind.keys.some((key) => key in fields));
  if (present.length !== 1) {
    const found = present.length === 0 ? 'none' : present.map((k) => k.label).join(' and ');
    problems.add(path, `must name exactly one kind of image: ${KINDS.map((k) => k.label).join(', or ')}; got ${found}`);
    return undefined;
  }
  if ('containerSource' in fields) {
    const containerSource = checkS3Key(fields.containerSource, keyPath(path, 'containerSource'), problems, CONTAINER_SOURCE_SUFFIX);
    return containerSource === undefined ? undefined : { containerSource };
  }
  if ('uri' in fields) {
    const uri = checkImageUri(fields.uri, keyPath(path, 'uri'), problems);
    return uri === undefined ? undefined : { uri };
  }
  for (const key of ['framework', 'version']) {
    if (!(key in fields)) {
      problems.add(keyPath(path, key), `is required with ${key === 'version' ? 'framework' : 'version'}`);
      return undefined;
    }
  }
  return checkFramework(fields.framework, fields.version, keyPath(path, 'framework'), keyPath(path, 'version'), problems);
}
