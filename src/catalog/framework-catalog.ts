/*
 * Catalog of the inference images SageMaker publishes for its built-in
 * frameworks, and where (which registry account, in which region) each lives.
 *
 * The data is generated (framework-images.generated.ts) from the SageMaker
 * Python SDK's image URI tables, the ones behind `sagemaker.image_uris.retrieve`:
 * every version the SDK lists from the oldest one the catalog offers, the tags
 * the SDK composes for them, and every region it lists each in. This file holds
 * the lookups. To take newer tables, change the SDK pin in
 * test/harness/sagemaker-tables.txt and run `npx projen framework-catalog`.
 */
import { PUBLISHED_FRAMEWORKS } from './framework-images.generated';
import type { PublishedFramework, PublishedVersion } from './published-images';
import { MlopsValidationError } from '../errors/validation-error';

/** What to look up: a framework, one of its versions, and the processor to run on. */
export interface FrameworkImageQuery {
  /**
   * The framework id: `xgboost`, `sklearn`, `pytorch`, `tensorflow` or `huggingface-pytorch`.
   */
  readonly framework: string;
  /**
   * The framework version as SageMaker publishes it, e.g. `1.7-1` for XGBoost,
   * `2.6` or `2.6.0` for PyTorch, `4.49.0-pytorch2.6.0` for Hugging Face.
   */
  readonly version: string;
  /** `cpu` or `gpu`. */
  readonly processor: string;
}

/** A published SageMaker inference image, with the registry account that serves it in each region. */
export interface FrameworkImage {
  /** The ECR repository name, e.g. `sagemaker-xgboost`. */
  readonly repository: string;
  /** The image tag, e.g. `1.7-1`. */
  readonly tag: string;
  /**
   * Every region the image is published in, mapped to the account that owns the
   * registry there. The URI is `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${repository}:${tag}`.
   */
  readonly accounts: { [region: string]: string };
}

/** The name people know each framework by, for messages. */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'xgboost': 'XGBoost',
  'sklearn': 'scikit-learn',
  'pytorch': 'PyTorch',
  'tensorflow': 'TensorFlow',
  'huggingface-pytorch': 'Hugging Face (PyTorch)',
};

const PROCESSORS: readonly string[] = ['cpu', 'gpu'];

// ---------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------

/** The framework ids the catalog knows, e.g. `xgboost`. */
export function knownFrameworks(): string[] {
  return PUBLISHED_FRAMEWORKS.map(f => f.id);
}

/**
 * The versions the catalog knows for a framework, oldest first, in the form
 * error messages use (the full form for Deep Learning Containers, e.g. `2.6.0`).
 *
 * @throws Error if the framework id is unknown.
 */
export function knownFrameworkVersions(framework: string): string[] {
  return findFramework(framework).versions.map(v => v.version);
}

/**
 * The versions of a framework whose inference image also trains (the
 * built-in algorithms: see `PublishedVersion.trains`), oldest first; none for
 * the deep learning frameworks, whose training images the catalog does not hold.
 *
 * @throws Error if the framework id is unknown.
 */
export function trainingFrameworkVersions(framework: string): string[] {
  return findFramework(framework).versions.filter(v => v.trains === true).map(v => v.version);
}

/**
 * Whether a framework version's image (by its full or short form) also trains.
 *
 * @throws Error as the lookups do when the framework or the version is unknown.
 */
export function isTrainingVersion(framework: string, version: string): boolean {
  return findVersion(findFramework(framework), version).trains === true;
}

/** Instance families with GPUs, which run a framework's GPU image. */
const GPU_INSTANCE = /^ml\.(p\d|g\d)/;

/** The processor of the image an instance type runs: `gpu` for GPU instance families, else `cpu`. */
export function processorFor(instanceType: string | undefined): string {
  return instanceType !== undefined && GPU_INSTANCE.test(instanceType) ? 'gpu' : 'cpu';
}

/**
 * The DNS suffix of ECR registry hostnames in a region's partition:
 * `amazonaws.com.cn` in China, the ISO partitions' own suffixes, otherwise `amazonaws.com`.
 */
export function ecrDomainSuffix(region: string): string {
  if (region.startsWith('cn-')) {
    return 'amazonaws.com.cn';
  }
  if (region.startsWith('us-iso-')) {
    return 'c2s.ic.gov';
  }
  if (region.startsWith('us-isob-')) {
    return 'sc2s.sgov.gov';
  }
  if (region.startsWith('us-isof-')) {
    return 'csp.hci.ic.gov';
  }
  if (region.startsWith('eu-isoe-')) {
    return 'cloud.adc-e.uk';
  }
  return 'amazonaws.com';
}

/**
 * The published image for a framework version and processor, with the registry
 * account of every region it is published in.
 *
 * @throws Error naming the framework and listing what is known when the framework,
 * the version or the processor is not in the catalog.
 */
export function lookupFrameworkImage(query: FrameworkImageQuery): FrameworkImage {
  const framework = findFramework(query.framework);
  const entry = findVersion(framework, query.version);
  const label = `${displayName(framework)} ${entry.version}`;

  if (!PROCESSORS.includes(query.processor)) {
    throw new MlopsValidationError(`Unknown processor "${query.processor}" for ${label}: expected one of ${PROCESSORS.join(', ')}`);
  }
  const tag = query.processor === 'gpu' ? entry.tags.gpu : entry.tags.cpu;
  if (tag === undefined) {
    const published = PROCESSORS.filter(p => (p === 'gpu' ? entry.tags.gpu : entry.tags.cpu) !== undefined);
    throw new MlopsValidationError(`${label} has no ${query.processor} image: SageMaker publishes it for ${published.join(', ')} only`);
  }

  // A copy: a caller changing it cannot change the catalog.
  return { repository: entry.repository, tag, accounts: { ...entry.accounts } };
}

/**
 * The full URI of a published image in one region, e.g.
 * `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.
 *
 * @throws Error as `lookupFrameworkImage` does, or listing the known regions when
 * the image is not published in `region`.
 */
export function frameworkImageUri(query: FrameworkImageQuery, region: string): string {
  const image = lookupFrameworkImage(query);
  const account = image.accounts[region];
  if (account === undefined) {
    const framework = findFramework(query.framework);
    const version = findVersion(framework, query.version).version;
    throw new MlopsValidationError(
      `${displayName(framework)} ${version} images are not published in region "${region}"; `
      + `known regions: ${Object.keys(image.accounts).join(', ')}`,
    );
  }
  return `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${image.repository}:${image.tag}`;
}

function findFramework(id: string): PublishedFramework {
  const framework = PUBLISHED_FRAMEWORKS.find(f => f.id === id);
  if (!framework) {
    throw new MlopsValidationError(`Unknown framework "${id}": known frameworks are ${knownFrameworks().join(', ')}`);
  }
  return framework;
}

function findVersion(framework: PublishedFramework, version: string): PublishedVersion {
  const entry = framework.versions.find(v => v.version === version || v.aliases.includes(version));
  if (!entry) {
    const known = framework.versions.map(v => v.version).join(', ');
    const shortForms = framework.versions.flatMap(v => v.aliases.slice(0, 1));
    const alsoAccepted = shortForms.length > 0 ? ` (or short forms such as ${shortForms.join(', ')})` : '';
    throw new MlopsValidationError(`Unknown ${displayName(framework)} version "${version}": known versions are ${known}${alsoAccepted}`);
  }
  return entry;
}

function displayName(framework: PublishedFramework): string {
  return DISPLAY_NAMES[framework.id] ?? framework.id;
}
