/*
 * The instance types SageMaker runs real-time endpoints and batch transform
 * jobs on. Hosting: the instance types a SageMaker real-time endpoint's production variant may
 * run on: the valid values of ProductionVariant.InstanceType in the SageMaker
 * API Reference (CreateEndpointConfig), as listed by the
 * ProductionVariantInstanceType enum of @aws-sdk/client-sagemaker 3.1142.0.
 * Hand-curated; checked on 2026-11-29.
 *
 * Types other SageMaker features accept but hosting does not (ml.t3.*, for
 * notebooks and training) are absent on purpose: an endpoint config naming
 * one fails late, inside CloudFormation, which checking the request avoids. Whether a
 * type is offered in a given region, and the account's quota for it, are
 * only known to SageMaker; the pipeline's deploy step reports those.
 *
 * To add a type: find it in the API Reference's list for ProductionVariant
 * and add its size to its family below.
 */

/** Family -> sizes SageMaker hosts, smallest first. */
const HOSTING_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  'c4': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge'],
  'c5': ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  'c5d': ['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  'c6g': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'c6gd': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'c6gn': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'c6i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'c6in': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'c7g': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'c7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'c8g': ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'dl1': ['24xlarge'],
  'g4dn': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'g5': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g6': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g6e': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g7': ['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'],
  'g7e': ['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'],
  'inf1': ['xlarge', '2xlarge', '6xlarge', '24xlarge'],
  'inf2': ['xlarge', '8xlarge', '24xlarge', '48xlarge'],
  'm4': ['xlarge', '2xlarge', '4xlarge', '10xlarge', '16xlarge'],
  'm5': ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  'm5d': ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  'm6g': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'm6gd': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'm6i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'm7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'm8g': ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'p2': ['xlarge', '8xlarge', '16xlarge'],
  'p3': ['2xlarge', '8xlarge', '16xlarge'],
  'p4d': ['24xlarge'],
  'p4de': ['24xlarge'],
  'p5': ['4xlarge', '48xlarge'],
  'p5e': ['48xlarge'],
  'p5en': ['48xlarge'],
  'p6-b200': ['48xlarge'],
  'p6-b300': ['48xlarge'],
  'p6e-gb200': ['36xlarge'],
  'r5': ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  'r5d': ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  'r6g': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'r6gd': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'r6i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'r7gd': ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'r7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'r8g': ['medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  't2': ['medium', 'large', 'xlarge', '2xlarge'],
  'trn1': ['2xlarge', '32xlarge'],
  'trn1n': ['32xlarge'],
  'trn2': ['48xlarge'],
};

/**
 * Family -> sizes a batch transform job runs on: the valid values of
 * TransformResources.InstanceType (CreateTransformJob), the
 * TransformInstanceType enum of the SageMaker API (botocore's sagemaker
 * 2017-07-24 model, 1.44.18). Fewer than hosting: no ml.t2, ml.r5, ml.inf1,
 * ml.c5.large, Graviton or ml.p4+ types. A test compares both lists with
 * botocore's enums.
 */
const TRANSFORM_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  c4: ['xlarge', '2xlarge', '4xlarge', '8xlarge'],
  c5: ['xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  c6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  c7i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g4dn: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  g5: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g6: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  g6e: ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  inf2: ['xlarge', '8xlarge', '24xlarge', '48xlarge'],
  m4: ['xlarge', '2xlarge', '4xlarge', '10xlarge', '16xlarge'],
  m5: ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  m6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  m7i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  p2: ['xlarge', '8xlarge', '16xlarge'],
  p3: ['2xlarge', '8xlarge', '16xlarge'],
  r6i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  r7i: ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  trn1: ['2xlarge', '32xlarge'],
};

/**
 * Family -> sizes a training job runs on: the valid values of
 * ResourceConfig.InstanceType (CreateTrainingJob), the TrainingInstanceType
 * enum of the SageMaker API (botocore's sagemaker 2017-07-24 model, the
 * version pinned through moto). Unlike hosting it has ml.t3 and the
 * ml.trn2/ml.p3dn training types, and no ml.inf or Graviton types. A test
 * compares the list with botocore's enum.
 */
const TRAINING_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  'c4': ['xlarge', '2xlarge', '4xlarge', '8xlarge'],
  'c5': ['xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  'c5n': ['xlarge', '2xlarge', '4xlarge', '9xlarge', '18xlarge'],
  'c6i': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'c7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'c7i-flex': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'c8i': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', '48xlarge', '96xlarge'],
  'c8i-flex': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'g4dn': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'g5': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g6': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g6e': ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'g7': ['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'],
  'g7e': ['2xlarge', '4xlarge', '8xlarge', '12xlarge', '24xlarge', '48xlarge'],
  'm4': ['xlarge', '2xlarge', '4xlarge', '10xlarge', '16xlarge'],
  'm5': ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'],
  'm6i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'm7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'm7i-flex': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'm8i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', '48xlarge', '96xlarge'],
  'm8i-flex': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  'p2': ['xlarge', '8xlarge', '16xlarge'],
  'p3': ['2xlarge', '8xlarge', '16xlarge'],
  'p3dn': ['24xlarge'],
  'p4d': ['24xlarge'],
  'p4de': ['24xlarge'],
  'p5': ['4xlarge', '48xlarge'],
  'p5e': ['48xlarge'],
  'p5en': ['48xlarge'],
  'p6-b200': ['48xlarge'],
  'p6-b300': ['48xlarge'],
  'p6e-gb200': ['36xlarge'],
  'r5': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'],
  'r5d': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'],
  'r6i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'],
  'r7i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'],
  'r8i': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', '48xlarge', '96xlarge'],
  'r8i-flex': ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'],
  't3': ['medium', 'large', 'xlarge', '2xlarge'],
  'trn1': ['2xlarge', '32xlarge'],
  'trn1n': ['32xlarge'],
  'trn2': ['48xlarge'],
};

/** What an instance runs: a real-time endpoint's variant, a batch transform job, or a training job. */
export type InstanceUse = 'hosting' | 'transform' | 'training';

class InstanceCatalog {
  public readonly types: readonly string[];
  private readonly set: ReadonlySet<string>;

  constructor(public readonly families: Readonly<Record<string, readonly string[]>>) {
    this.types = Object.entries(families).flatMap(([family, sizes]) => sizes.map((size) => `ml.${family}.${size}`));
    this.set = new Set(this.types);
  }

  public has(value: string): boolean {
    return this.set.has(value);
  }
}

const CATALOGS: Readonly<Record<InstanceUse, InstanceCatalog>> = {
  hosting: new InstanceCatalog(HOSTING_FAMILIES),
  transform: new InstanceCatalog(TRANSFORM_FAMILIES),
  training: new InstanceCatalog(TRAINING_FAMILIES),
};

/** The default instance type of an instance-backed or batch environment (the construct's default), valid for both. */
export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';

/** Every known instance type for a use, e.g. `ml.m5.large`, grouped by family. */
export function instanceTypesFor(use: InstanceUse): string[] {
  return [...CATALOGS[use].types];
}

/** Every known real-time hosting instance type, e.g. `ml.m5.large`, grouped by family. */
export function hostingInstanceTypes(): string[] {
  return instanceTypesFor('hosting');
}

/** Whether SageMaker runs the use on the type. */
export function isInstanceTypeFor(use: InstanceUse, value: string): boolean {
  return CATALOGS[use].has(value);
}

/** Whether SageMaker hosts real-time endpoints on the type. */
export function isHostingInstanceType(value: string): boolean {
  return isInstanceTypeFor('hosting', value);
}

/** How an instance use is named in messages. */
export const INSTANCE_USE_NAMES: Readonly<Record<InstanceUse, string>> = {
  hosting: 'real-time hosting',
  transform: 'batch transform',
  training: 'training',
};

/** Longer input is no typo of a known type: no suggestion, and the distance stays cheap. */
const SUGGEST_MAX_LENGTH = 40;
/** The most edits a suggestion may be away from the input. */
const SUGGEST_MAX_DISTANCE = 3;

/**
 * The known type closest to a mistyped one, for "did you mean" messages:
 * the same family's nearest-named size when the family is known
 * (`ml.m5.huge` -> `ml.m5.large`, `ml.c5.large` -> `ml.c5.xlarge` for a
 * transform), otherwise the type within three edits (`ml.m5.larg`,
 * `m5.large`), otherwise none.
 */
export function closestInstanceType(value: string, use: InstanceUse = 'hosting'): string | undefined {
  if (value.length > SUGGEST_MAX_LENGTH) {
    return undefined;
  }
  const catalog = CATALOGS[use];
  const normalized = value.trim().toLowerCase();
  const withPrefix = normalized.startsWith('ml.') ? normalized : `ml.${normalized}`;
  for (const candidate of [normalized, withPrefix]) {
    if (catalog.has(candidate)) {
      return candidate;
    }
  }
  const parts = withPrefix.split('.');
  const sizes = parts.length === 3 && Object.prototype.hasOwnProperty.call(catalog.families, parts[1]) ? catalog.families[parts[1]] : undefined;
  const candidates = sizes ? sizes.map((size) => `ml.${parts[1]}.${size}`) : catalog.types;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(withPrefix, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Within a known family any size is a fair guess; across families only a near miss is.
  return sizes || bestDistance <= SUGGEST_MAX_DISTANCE ? best : undefined;
}

/** Levenshtein distance (insertions, deletions, substitutions), two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
