/*
 * The instance types a SageMaker real-time endpoint's production variant may
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

const HOSTING_INSTANCE_TYPES: readonly string[] = Object.entries(HOSTING_FAMILIES)
  .flatMap(([family, sizes]) => sizes.map((size) => `ml.${family}.${size}`));
const HOSTING_INSTANCE_TYPE_SET: ReadonlySet<string> = new Set(HOSTING_INSTANCE_TYPES);

/** The default instance type of an instance-backed environment (the construct's default). */
export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';

/** Every known real-time hosting instance type, e.g. `ml.m5.large`, grouped by family. */
export function hostingInstanceTypes(): string[] {
  return [...HOSTING_INSTANCE_TYPES];
}

/** Whether SageMaker hosts real-time endpoints on the type. */
export function isHostingInstanceType(value: string): boolean {
  return HOSTING_INSTANCE_TYPE_SET.has(value);
}

/** Longer input is no typo of a known type: no suggestion, and the distance stays cheap. */
const SUGGEST_MAX_LENGTH = 40;
/** The most edits a suggestion may be away from the input. */
const SUGGEST_MAX_DISTANCE = 3;

/**
 * The known type closest to a mistyped one, for "did you mean" messages:
 * the same family's nearest-named size when the family is known
 * (`ml.m5.huge` -> `ml.m5.large`), otherwise the type within three edits
 * (`ml.m5.larg`, `m5.large`), otherwise none.
 */
export function closestHostingInstanceType(value: string): string | undefined {
  if (value.length > SUGGEST_MAX_LENGTH) {
    return undefined;
  }
  const normalized = value.trim().toLowerCase();
  if (isHostingInstanceType(normalized)) {
    return normalized;
  }
  const withPrefix = normalized.startsWith('ml.') ? normalized : `ml.${normalized}`;
  if (isHostingInstanceType(withPrefix)) {
    return withPrefix;
  }
  const parts = withPrefix.split('.');
  const sizes = parts.length === 3 ? HOSTING_FAMILIES[parts[1]] : undefined;
  const candidates = sizes && Object.prototype.hasOwnProperty.call(HOSTING_FAMILIES, parts[1])
    ? sizes.map((size) => `ml.${parts[1]}.${size}`)
    : HOSTING_INSTANCE_TYPES;
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
  return candidates !== HOSTING_INSTANCE_TYPES || bestDistance <= SUGGEST_MAX_DISTANCE ? best : undefined;
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
