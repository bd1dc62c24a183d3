/**
 * The `image` of a request: exactly one of a built-in framework (with a
 * version the framework catalog knows), a container source zip the pipeline
 * builds, or a ready image in ECR.
 */
import * as z from 'zod';
import { ECR_IMAGE_URI } from './image-uri';
import { CONTAINER_SOURCE_SUFFIX, IMAGE_URI_MAX } from './limits';
import { quote } from './problems';
import { containerSourceKey } from './s3-key-fields';
import { always, expected, ifClean, strictObject, text } from './schema-parts';
import { knownFrameworks, knownFrameworkVersions } from '../catalog/framework-catalog';

/** How many known versions a message lists before "…". */
const VERSIONS_SHOWN = 6;

/** A framework id the catalog knows. */
export const frameworkId = z.enum(knownFrameworks() as [string, ...string[]], {
  error: (issue) => (typeof issue.input === 'string'
    ? `${quote(issue.input)} is not a known framework (known: ${knownFrameworks().join(', ')})`
    : expected('a string')(issue)),
});

/** Why `version` is no version of `framework` the catalog knows, or undefined when it is one. */
export function unknownVersionMessage(framework: string, version: string): string | undefined {
  const versions = knownFrameworkVersions(framework);
  if (versions.includes(version)) {
    return undefined;
  }
  const newest = versions.slice(-VERSIONS_SHOWN).reverse();
  const more = versions.length > VERSIONS_SHOWN ? ', …' : '';
  return `${quote(version)} is not a known ${framework} version (known: ${newest.join(', ')}${more})`;
}

/** An ECR image URI (SageMaker pulls only from ECR). */
export const ecrImageUri = (() => {
  const error = (issue: { input?: unknown }): string => `${quote(issue.input as string)} is not an ECR image URI like "123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:3" `
    + '(lower-case repository, then an optional ":tag" or "@sha256:<64 hex digits>")';
  return z.string({ error: expected('an ECR image URI (a string)') })
    .max(IMAGE_URI_MAX, { error, ...ifClean })
    .regex(ECR_IMAGE_URI, { error, ...ifClean });
})();

/** The three kinds, by the keys that select them. */
const KINDS = [
  { keys: ['framework', 'version'], label: 'framework + version' },
  { keys: ['containerSource'], label: 'containerSource' },
  { keys: ['uri'], label: 'uri' },
] as const;

const frameworks = knownFrameworks();

const imageObject = strictObject({
  framework: frameworkId.meta({ title: 'Framework', description: 'The framework id.' }).optional(),
  version: text().meta({
    title: 'Framework version',
    description: `The framework version as SageMaker publishes it. Known: ${frameworks.map((f) => `${f}: ${knownFrameworkVersions(f).join(', ')}`).join('; ')}.`,
  }).optional(),
  containerSource: containerSourceKey.meta({
    title: 'Container source key',
    description: `Key of a zip with a Dockerfile in the framework's assets bucket, ending in "${CONTAINER_SOURCE_SUFFIX}": the pipeline builds it and pushes it to ECR.`,
  }).optional(),
  uri: ecrImageUri.meta({ title: 'Image URI', description: 'A ready image in ECR, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:3" (a tag or "@sha256:<digest>").' }).optional(),
});

type ImageFields = z.output<typeof imageObject>;
/** A SageMaker built-in framework image, resolved for the framework's region. */
type FrameworkImage = { framework: string; version: string };
/** The image a provisioned model runs in: one of three kinds. */
export type ImageRequest = FrameworkImage | Required<Pick<ImageFields, 'containerSource'>> | Required<Pick<ImageFields, 'uri'>>;

/** The one kind of image a checked image names, holding its keys only. */
function toImageRequest(image: ImageFields): ImageRequest {
  if (image.containerSource !== undefined) return { containerSource: image.containerSource };
  if (image.uri !== undefined) return { uri: image.uri };
  return { framework: image.framework!, version: image.version! };
}

/** The image: its kind, then a framework's version against the catalog. */
export const imageSchema = imageObject
  .meta({
    title: 'Image',
    description: 'The inference image: exactly one of a built-in framework (framework + version), a container source zip, or an ECR image URI.',
    // What editors can tell of the kind rule: one kind's keys, and each framework's versions.
    oneOf: KINDS.map((kind) => ({ required: [...kind.keys], properties: Object.fromEntries(kind.keys.map((key) => [key, true])) })),
    allOf: frameworks.map((framework) => ({
      if: { required: ['framework'], properties: { framework: { const: framework } } },
      then: { properties: { version: { enum: knownFrameworkVersions(framework) } } },
    })),
  })
  .superRefine((image, context) => {
    const present = KINDS.filter((kind) => kind.keys.some((key) => image[key] !== undefined));
    if (present.length !== 1) {
      const found = present.length === 0 ? 'none' : present.map((k) => k.label).join(' and ');
      context.addIssue({ code: 'custom', message: `must name exactly one kind of image: ${KINDS.map((k) => k.label).join(', or ')}; got ${found}`, input: image });
      return;
    }
    if (present[0].keys.length === 2) {
      for (const [key, other] of [['framework', 'version'], ['version', 'framework']] as const) {
        if (image[key] === undefined) {
          context.addIssue({ code: 'custom', path: [key], message: `is required with ${other}`, input: image });
          return;
        }
      }
      const framework = image.framework as unknown;
      const version = image.version as unknown;
      if (typeof version === 'string' && typeof framework === 'string' && frameworks.includes(framework)) {
        const message = unknownVersionMessage(framework, version);
        if (message) context.addIssue({ code: 'custom', path: ['version'], message, input: version });
      }
    }
  }, always)
  .transform(toImageRequest);
